import ReelCore

/// The state of a Delta table at one version: what a reader of that
/// version sees.
public struct DeltaSnapshot: Sendable {
    public var version: Int64
    public var protocolVersions: DeltaProtocol
    public var metadata: DeltaMetadata
    /// The data files of this version, sorted by path.
    public var files: [DeltaAddFile]
    /// When this version was committed (ms since the epoch).
    public var timestamp: Int64

    public var rowCount: Int? {
        var total = 0
        for f in files {
            guard let stats = f.stats, let n = (try? JSONValue(parsing: stats))?["numRecords"]?.int64Value else { return nil }
            total += Int(n)
        }
        return total
    }

    /// The table's schema as recorded in the log.
    public func schema(name: String) throws -> TableSchema {
        try TableSchema(name: name, sparkSchemaJSON: metadata.schemaString, partitionColumns: metadata.partitionColumns)
    }
}

/// One parsed commit file.
struct DeltaCommit {
    var version: Int64
    var actions: [DeltaAction]
    /// commitInfo.timestamp, else the file's modification time (ms).
    var timestamp: Int64
}

/// Reads `_delta_log/`: lists the commit files, parses them (every line must
/// be a valid action; a damaged commit is an error naming file and line,
/// never a silently shorter table) and replays them into snapshots.
struct DeltaLog {
    let tablePath: String
    var logPath: String { Path.join(tablePath, "_delta_log") }

    static func commitName(_ version: Int64) -> String {
        var digits = String(version)
        while digits.count < 20 { digits = "0" + digits }
        return digits + ".json"
    }

    func commitPath(_ version: Int64) -> String { Path.join(logPath, Self.commitName(version)) }

    /// Versions present in the log, ascending; checks they run 0, 1, 2… without gaps.
    func versions() throws -> [Int64] {
        var versions: [Int64] = []
        var checkpoints = false
        for name in FileSystem.list(logPath) {
            if name.hasSuffix(".checkpoint.parquet") || name.contains(".checkpoint.") { checkpoints = true }
            guard name.count == 25, name.hasSuffix(".json"), let v = Int64(name.prefix(20)) else { continue }
            versions.append(v)
        }
        versions.sort()
        if let first = versions.first, first != 0 {
            throw ReelError(
                .invalidInput,
                "\(logPath): the log starts at version \(first)\(checkpoints ? " after a checkpoint" : ""); reading Delta checkpoints is not supported"
            )
        }
        for (i, v) in versions.enumerated() where v != Int64(i) {
            throw ReelError(.corrupt, "\(logPath): commit \(Self.commitName(Int64(i))) is missing (the log jumps to version \(v))")
        }
        return versions
    }

    func readCommit(_ version: Int64) throws -> DeltaCommit {
        let path = commitPath(version)
        let bytes = try FileSystem.readBytes(path)
        let text = String(decoding: bytes, as: UTF8.self)
        var actions: [DeltaAction] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.allSatisfy({ $0 == " " }) { continue }
            let json: JSONValue
            do { json = try JSONValue(parsing: String(trimmed)) } catch let e as JSONParseError {
                throw ReelError(.corrupt, "\(path) line \(lineNumber): not valid JSON (\(e)); the commit is damaged")
            }
            actions.append(try DeltaAction(json: json, location: "\(path) line \(lineNumber)"))
        }
        guard !actions.isEmpty else { throw ReelError(.corrupt, "\(path): the commit is empty") }
        if case let .commitInfo(info)? = actions.first, let seal = DeltaCommitSeal(info) {
            try seal.verify(commitBytes: bytes, actionCount: actions.count - 1, path: path)
        }
        var timestamp = (FileSystem.modificationTime(path) ?? 0) * 1000
        for case let .commitInfo(info) in actions {
            if let t = info["timestamp"]?.int64Value { timestamp = t }
        }
        return DeltaCommit(version: version, actions: actions, timestamp: timestamp)
    }

    /// Replays commits 0...version (the latest when nil).
    func snapshot(version: Int64? = nil) throws -> DeltaSnapshot {
        let all = try versions()
        guard let latest = all.last else { throw ReelError(.notFound, "\(tablePath) is not a Delta table (no commits in _delta_log)") }
        let target = version ?? latest
        guard target >= 0, target <= latest else {
            throw ReelError(.notFound, "\(tablePath) has no version \(target); its versions are 0...\(latest)")
        }
        var state = ReplayState()
        for v in 0...target { state.apply(try readCommit(v)) }
        return try state.snapshot(version: target, table: tablePath)
    }

    /// Every commit, in order (for vacuum and orphan detection).
    func allCommits() throws -> [DeltaCommit] {
        try versions().map { try readCommit($0) }
    }
}

/// Applies commits in order.
struct ReplayState {
    var protocolVersions: DeltaProtocol?
    var metadata: DeltaMetadata?
    var files: [String: DeltaAddFile] = [:]
    var timestamp: Int64 = 0

    mutating func apply(_ commit: DeltaCommit) {
        for action in commit.actions {
            switch action {
            case let .protocol(p): protocolVersions = p
            case let .metaData(m): metadata = m
            case let .add(a): files[a.path] = a
            case let .remove(r): files.removeValue(forKey: r.path)
            case .commitInfo, .other: break
            }
        }
        timestamp = commit.timestamp
    }

    func snapshot(version: Int64, table: String) throws -> DeltaSnapshot {
        guard let p = protocolVersions else { throw ReelError(.corrupt, "\(table): no protocol action up to version \(version)") }
        guard p.minReaderVersion <= 1 else {
            throw ReelError(
                .invalidInput,
                "\(table) needs Delta reader version \(p.minReaderVersion) (table features such as column mapping or deletion vectors); Reel reads version 1"
            )
        }
        guard let m = metadata else { throw ReelError(.corrupt, "\(table): no metaData action up to version \(version)") }
        return DeltaSnapshot(
            version: version, protocolVersions: p, metadata: m,
            files: files.values.sorted { $0.path < $1.path }, timestamp: timestamp)
    }
}

/// Delta `add.path` values are URIs: `%XX` escapes become bytes.
func percentDecoded(_ path: String) -> String {
    guard path.contains("%") else { return path }
    var out: [UInt8] = []
    var bytes = Array(path.utf8)[...]
    while let b = bytes.popFirst() {
        if b == UInt8(ascii: "%"), bytes.count >= 2,
            let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
        {
            out.append(v)
            bytes = bytes.dropFirst(2)
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Reel's integrity seal in a commit's first line (commitInfo): how many
/// actions follow and the xxh3-64 of the bytes after the first line.
struct DeltaCommitSeal {
    var actionCount: Int
    var checksum: UInt64

    init(actionCount: Int, checksum: UInt64) {
        self.actionCount = actionCount
        self.checksum = checksum
    }

    /// The seal of a commitInfo written by Reel, nil for other writers' commits.
    init?(_ info: JSONValue) {
        guard let count = info["reelActionCount"]?.int64Value, let hex = info["reelChecksum"]?.stringValue,
            let sum = XXH3.parseHex(hex)
        else { return nil }
        self.init(actionCount: Int(count), checksum: sum)
    }

    func add(to info: JSONValue) -> JSONValue {
        guard case var .object(members) = info else { return info }
        members.append(JSONMember("reelActionCount", .int(actionCount)))
        members.append(JSONMember("reelChecksum", .string(XXH3.hex(checksum))))
        return .object(members)
    }

    func verify(commitBytes: [UInt8], actionCount found: Int, path: String) throws {
        let rest = commitBytes.firstIndex(of: 0x0A).map { commitBytes[($0 + 1)...] } ?? []
        let sum = rest.withUnsafeBytes { XXH3.hash($0) }
        guard found == actionCount, sum == checksum else {
            throw ReelError(
                .corrupt,
                "\(path): the commit is damaged or truncated (\(found) of \(actionCount) actions, checksum \(sum == checksum ? "ok" : "mismatch"))")
        }
    }
}
