import ReelCore

/// What `reel bronze validate` found in a bronze MovieLens folder.
public struct BronzeValidation: Sendable {
    public let dir: String
    /// Every problem, each naming its file; empty when the folder is valid.
    public var problems: [String] = []
    /// The manifest, when it could be read.
    public var manifest: BronzeManifest?

    public var isValid: Bool { problems.isEmpty }

    /// One line for the operator: what is there, when it is valid.
    public var summary: String {
        guard let manifest else { return "bronze at \(dir): no manifest" }
        let rows = MovieLensFile.allCases.map { t in "\(Console.count(manifest.files[t.fileName]?.rows ?? 0)) \(t.rawValue)" }
        let bytes = manifest.files.values.reduce(0) { $0 + $1.bytes }
        return "bronze OK: \(dir): \(manifest.dataset) from \(manifest.source) (fetched \(manifest.fetchedAt)); "
            + "\(manifest.files.count) files, \(Console.bytes(bytes)); " + rows.joined(separator: ", ")
    }
}

/// Checks a bronze folder against the contract before anything reads it:
/// the four required files, their exact headers, and that every file the
/// manifest lists still has the size and xxh3-64 recorded when it was fetched
/// or generated. It collects every problem instead of stopping at the first,
/// so one run tells the operator everything to fix.
public enum BronzeValidator {
    /// Inspects `dir` and returns every problem found.
    public static func check(dir: String) -> BronzeValidation {
        var result = BronzeValidation(dir: dir)
        var missing = Set<String>()
        for table in MovieLensFile.allCases {
            let path = Path.join(dir, table.fileName)
            guard FileSystem.exists(path) else {
                result.problems.append("\(table.fileName) is missing")
                missing.insert(table.fileName)
                continue
            }
            do {
                let header = try firstLine(path)
                if header != table.header {
                    result.problems.append("\(table.fileName): header is '\(header)', the contract requires '\(table.header)'")
                }
            } catch {
                result.problems.append("\(table.fileName): cannot read (\(error))")
            }
        }
        let manifestPath = BronzeManifest.path(in: dir)
        guard FileSystem.exists(manifestPath) else {
            result.problems.append("\(BronzeManifest.fileName) is missing (`reel bronze bootstrap` or `reel synth` writes it)")
            return result
        }
        let manifest: BronzeManifest
        do {
            manifest = try BronzeManifest.read(dir: dir)
        } catch {
            result.problems.append("\(error)")
            return result
        }
        result.manifest = manifest
        for table in MovieLensFile.allCases where manifest.files[table.fileName] == nil {
            result.problems.append("\(BronzeManifest.fileName) does not list \(table.fileName)")
        }
        for name in manifest.files.keys.sorted() where !missing.contains(name) {
            do {
                if let problem = try manifest.files[name]!.mismatch(path: Path.join(dir, name)) {
                    result.problems.append("\(name) \(problem)")
                }
            } catch {
                result.problems.append("\(name): cannot read (\(error))")
            }
        }
        return result
    }

    /// Validates `dir` and returns its manifest, or throws one `invalidInput`
    /// error listing every problem (`notFound` when there is no folder at all).
    @discardableResult
    public static func validate(dir: String) throws -> BronzeValidation {
        guard FileSystem.isDirectory(dir) else {
            throw ReelError(.notFound, "no bronze data at \(dir): run `reel synth` or `reel bronze bootstrap` first")
        }
        let result = check(dir: dir)
        guard result.isValid else {
            let count = result.problems.count
            throw ReelError(
                .invalidInput,
                "bronze at \(dir) has \(count) problem\(count == 1 ? "" : "s"):\n"
                    + result.problems.map { "  - " + $0 }.joined(separator: "\n"))
        }
        return result
    }

    /// The first line of a file without a UTF-8 BOM or a trailing CR.
    static func firstLine(_ path: String) throws -> String {
        let file = try MappedFile(path: path)
        var line = file.bytes.prefix(4096).prefix { $0 != 10 }[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == 13 { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
