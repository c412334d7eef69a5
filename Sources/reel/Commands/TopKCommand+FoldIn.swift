import ReelCore
import ReelRelease
import ReelServer
import ReelServing

/// The ratings of `reel topk --ratings` / `--ratings-file` (exactly one).
func foldInRatings(ratings: String?, file: String?) throws -> FoldInRequest {
    switch (ratings, file) {
    case (.some, .some):
        throw ReelError(.usage, "give --ratings or --ratings-file, not both")
    case (.some(let text), nil):
        let pairs = try FoldInPrinter.parsePairs(text, source: "--ratings", csv: false)
        return FoldInRequest(movieIDs: pairs.ids, ratings: pairs.ratings)
    case (nil, .some(let path)):
        let resolved = FileSystem.resolve(path, against: FileSystem.currentDirectory())
        guard FileSystem.exists(resolved) else { throw ReelError(.notFound, "--ratings-file \(path): no such file") }
        let text = try FileSystem.readText(resolved)
        if let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" {
            return try FoldInPrinter.parseJSON(text, source: path)
        }
        let pairs = try FoldInPrinter.parsePairs(text, source: path, csv: true)
        return FoldInRequest(movieIDs: pairs.ids, ratings: pairs.ratings)
    case (nil, nil):
        throw ReelError(.usage, "give --ratings or --ratings-file")
    }
}

/// Answers a fold-in from the release and prints it, as `printLookup` does a lookup.
func printFoldIn(_ request: FoldInRequest, global: GlobalOptions, release: ReleaseOption, json: Bool) throws {
    let path = release.path(in: global.home())
    guard FileSystem.exists(path) else {
        throw ReelError(.notFound, "no release at \(path): run `reel publish` first, or pass --release PATH")
    }
    let store = try Release.openForLookup(path: path)
    let output = try FoldInPrinter.render(request, from: store, json: json)
    if let note = output.note { Console.note(note) }
    writeAll(1, output.text)
}
