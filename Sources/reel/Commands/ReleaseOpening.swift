import ArgumentParser
import ReelCore
import ReelRelease
import ReelServer
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// Opens (maps and verifies) a release file: the one place `reel serve` and
/// the lookup commands create a `Release`.
func openRelease(_ path: String) throws -> Release {
    try Release(path: path)
}

/// `--release PATH`, shared by `reel serve` and the lookup commands.
struct ReleaseOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Release file to read (default: output/current under the home folder, which `reel publish` switches).",
            valueName: "path"))
    var release: String?

    /// The file to open: `--release` (relative to the working directory) or the home's `output/current`.
    func path(in home: ReelHome) -> String {
        guard let release else { return home.currentRelease }
        return FileSystem.resolve(release, against: FileSystem.currentDirectory())
    }
}

/// Answers one lookup from the release and prints it (table, or JSON with `--json`).
/// The note (e.g. a fallback) goes to stderr so stdout stays the answer alone.
func printLookup(_ request: LookupRequest, global: GlobalOptions, release: ReleaseOption, json: Bool) throws {
    let path = release.path(in: global.home())
    guard FileSystem.exists(path) else {
        throw ReelError(.notFound, "no release at \(path): run `reel publish` first, or pass --release PATH")
    }
    let store = try Release.openForLookup(path: path)
    let output = try LookupPrinter.render(request, from: store, json: json)
    if let note = output.note { Console.note(note) }
    writeAll(1, output.text)
}

/// Checks a user or movie id given on the command line (MovieLens ids are
/// non-negative 32-bit integers, as in the daemon's paths); outside: a usage error (exit 64).
func userOrMovieID(_ value: Int, what: String) throws -> Int32 {
    guard value >= 0, value <= Int(Int32.max) else {
        throw ValidationError("\(what) must be between 0 and \(Int32.max); got \(value)")
    }
    return Int32(value)
}

/// `--k` of a lookup command inside `ServeLimits.k` (the release's stored K caps it further), or exit 64.
func checkLookupK(_ k: Int?) throws {
    if let k, let problem = ServeLimits.problem("--k", k, ServeLimits.k) { throw ValidationError(problem) }
}

/// Writes all of `text` to a file descriptor (stdout unbuffered, so output
/// ordering with stderr and pipes is exact).
func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
