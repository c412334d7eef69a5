import Foundation
import ReelCore
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// The text and JSON that `reel verify`, `reel inspect` and `reel releases`
/// print. Off the hot path, so Foundation's JSON is used freely.
public enum ReleaseReport {
    /// Opens and fully verifies a release file or a `.reel.zst` bundle (checked
    /// against its manifest when one lies next to it), for `reel verify` and
    /// `reel inspect`. A bundle is decompressed into a temporary file that is
    /// unlinked at once (the mapping keeps it readable).
    public static func open(_ path: String, manifestPath: String? = nil) throws -> Release {
        guard FileSystem.exists(path) else { throw ReelError(.notFound, "\(path): no such file") }
        let manifest = try (manifestPath ?? ReleaseCopy.siblingManifest(of: path)).map(BundleManifest.read)
        let compressed = try path.hasSuffix(".zst") || MappedFile(path: path).withBytes(Zstd.looksCompressed)
        guard manifest != nil || compressed else {
            return try Release(path: path)
        }
        let tmpdir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let temp = ReleaseCopy.temporaryName(in: tmpdir, tag: "reel-verify")
        defer { unlink(temp) }
        do {
            try ReleaseCopy.materialize(path, at: temp, manifest: manifest)
            return try Release(path: temp)
        } catch let error as ReelError {
            throw ReelError(error.kind, error.message.replacing(temp, with: path + " (decompressed)"))
        }
    }

    /// One line for `reel verify`.
    public static func verifiedLine(_ r: Release, path: String) -> String {
        "ok: \(path): release \(r.releaseID), \(Console.count(r.userCount)) users, \(Console.count(r.movieCount)) movies, "
            + "K=\(r.storedK), \(Console.bytes(r.fileSize)), xxh3 \(XXH3.hex(XXH3.hash(r.tables.file.file.bytes)))"
    }

    /// `reel inspect --json`: header, counts, fingerprints, sections and meta.
    public static func inspectJSON(_ r: Release) throws -> String {
        let t = r.tables
        var object: [String: Any] = [
            "releaseID": r.releaseID,
            "format": "REELRLSE \(t.file.major).\(t.file.minor)",
            "path": r.path,
            "size": r.fileSize,
            "xxh3": XXH3.hex(XXH3.hash(t.file.file.bytes)),
            "created": Clock.iso8601(r.createdAt),
            "createdAt": r.createdAt,
            "counts": [
                "users": t.userCount, "movies": t.movieCount, "k": t.k, "similarK": t.similarK,
                "trendingK": t.trendingK, "rank": t.rank, "genres": t.genreCount,
                "moviesWithFactors": t.factorMask.reduce(0) { $0 + Int($1) },
            ],
            "fingerprints": ["silver": XXH3.hex(t.silverFingerprint), "model": XXH3.hex(t.modelFingerprint)],
            "sections": t.file.sections.map { s -> [String: Any] in
                [
                    "name": s.name, "offset": s.offset, "length": s.length, "count": s.count,
                    "elementSize": s.elementSize, "xxh3": XXH3.hex(s.checksum),
                ]
            },
        ]
        object["meta"] = try? JSONSerialization.jsonObject(with: Data(t.meta))
        object["foldIn"] = foldInSummary(t).map { f -> [String: Any] in
            ["mode": f.mode, "lambda": f.lambda, "alpha": f.alpha, "userFactors": f.users, "bytes": f.bytes]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The fold-in sections in a few words, nil when the release has none.
    static func foldInSummary(_ t: ReleaseTables) -> (mode: String, lambda: Float, alpha: Float, users: Bool, bytes: Int)? {
        guard let f = t.foldIn else { return nil }
        let bytes = [ReleaseFormat.Section.foldInParams, ReleaseFormat.Section.foldInGram, ReleaseFormat.Section.foldInUsers]
            .compactMap { try? t.file.info($0).length }.reduce(0, +)
        return (f.params[0] == 0 ? "implicit" : "explicit", f.params[1], f.params[2], f.users != nil, bytes)
    }

    /// `reel inspect`: the same as text.
    public static func inspectText(_ r: Release) -> String {
        let t = r.tables
        var out = """
            release       \(r.releaseID) (REELRLSE \(t.file.major).\(t.file.minor))
            file          \(r.path), \(Console.bytes(r.fileSize)), xxh3 \(XXH3.hex(XXH3.hash(t.file.file.bytes)))
            created       \(Clock.iso8601(r.createdAt))
            counts        \(Console.count(t.userCount)) users, \(Console.count(t.movieCount)) movies (\(Console.count(t.factorMask.reduce(0) { $0 + Int($1) })) with factors), \(t.genreCount) genres
            stored        K=\(t.k), similar K=\(t.similarK), trending K=\(t.trendingK), rank \(t.rank)
            fingerprints  silver \(XXH3.hex(t.silverFingerprint)), model \(XXH3.hex(t.modelFingerprint))
            fold-in       \(foldInSummary(t).map { "\($0.mode) ALS, lambda \($0.lambda), alpha \($0.alpha), " + ($0.users ? "with" : "without") + " user factors (\(Console.bytes($0.bytes)))" } ?? "none (POST /v1/recommendations answers 404)")

            sections      \(pad("name", 16)) \(pad("offset", 12, right: true)) \(pad("bytes", 12, right: true)) \(pad("count", 12, right: true)) elem  xxh3

            """
        for s in t.file.sections {
            out +=
                "              \(pad(s.name, 16)) \(pad(String(s.offset), 12, right: true)) \(pad(Console.bytes(s.length), 12, right: true)) \(pad(Console.count(s.count), 12, right: true)) \(pad(String(s.elementSize), 4, right: true))  \(XXH3.hex(s.checksum))\n"
        }
        if let meta = try? JSONSerialization.jsonObject(with: Data(t.meta)) as? [String: Any] {
            for key in ["params", "metrics"] {
                out += "\n\(key)\n"
                let flat = flatten(meta[key] ?? [String: Any]())
                if flat.isEmpty { out += "  (none)\n" }
                for (k, v) in flat { out += "  \(k) = \(v)\n" }
            }
            if let run = meta["modelRun"], let silver = meta["silverVersion"] {
                out += "\nsource\n  model run \(run), silver version \(silver)\n"
            }
        }
        return out
    }

    /// `reel releases --json`.
    public static func releasesJSON(_ entries: [ReleaseCatalog.Entry], now: Int64 = Clock.now()) throws -> String {
        let list: [[String: Any]] = entries.reversed().map { e in
            var o: [String: Any] = [
                "id": e.id, "path": e.path, "size": e.size, "current": e.isCurrent,
                "previous": e.isPrevious, "created": Clock.iso8601(e.createdAt),
                "ageSeconds": Clock.elapsed(from: e.createdAt, to: now),
            ]
            if let meta = e.metaJSON.flatMap(parse), let metrics = meta["metrics"] { o["metrics"] = metrics }
            if let problem = e.problem { o["problem"] = problem }
            return o
        }
        let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// `reel releases`: newest first, `*` marks current, `-` previous.
    public static func releasesTable(_ entries: [ReleaseCatalog.Entry], now: Int64 = Clock.now()) -> String {
        guard !entries.isEmpty else { return "no releases yet: run `reel publish`\n" }
        let idWidth = max(2, entries.map(\.id.count).max() ?? 0)
        var out = "  \(pad("ID", idWidth))  \(pad("CREATED", 20))  \(pad("AGE", 6, right: true))  \(pad("SIZE", 10, right: true))  KEY METRICS\n"
        for e in entries.reversed() {
            let mark = e.isCurrent ? "*" : e.isPrevious ? "-" : " "
            let metrics = e.problem.map { "unreadable: \($0)" } ?? keyMetrics(e.metaJSON)
            out +=
                "\(mark) \(pad(e.id, idWidth))  \(pad(Clock.iso8601(e.createdAt), 20))  \(pad(age(Clock.elapsed(from: e.createdAt, to: now)), 6, right: true))  \(pad(Console.bytes(e.size), 10, right: true))  \(metrics)\n"
        }
        return out + "(* current, - previous: the default `reel rollback` target)\n"
    }

    /// Up to four metrics, ranking quality first.
    static func keyMetrics(_ metaJSON: String?) -> String {
        guard let meta = metaJSON.flatMap(parse), let metrics = meta["metrics"] else { return "" }
        let flat = flatten(metrics).filter { $0.value is NSNumber }
        let preferred = ["ndcg", "precision", "recall", "map", "rmse", "coverage"]
        let ranked = flat.sorted { a, b in
            let ra = preferred.firstIndex { a.key.lowercased().contains($0) } ?? preferred.count
            let rb = preferred.firstIndex { b.key.lowercased().contains($0) } ?? preferred.count
            return ra != rb ? ra < rb : a.key < b.key
        }
        return ranked.prefix(4).map { "\($0.key)=\(format($0.value))" }.joined(separator: " ")
    }

    static func parse(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// Nested objects as dotted keys, sorted.
    static func flatten(_ value: Any, prefix: String = "") -> [(key: String, value: Any)] {
        guard let object = value as? [String: Any] else { return prefix.isEmpty ? [] : [(prefix, value)] }
        return object.keys.sorted().flatMap { key in flatten(object[key]!, prefix: prefix.isEmpty ? key : prefix + "." + key) }
    }

    static func format(_ value: Any) -> String {
        guard let d = (value as? NSNumber)?.doubleValue else { return "\(value)" }
        return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : Console.fixed(d, 4)
    }

    static func age(_ seconds: Int64) -> String {
        switch seconds {
        case ..<0: return "future"
        case ..<3600: return "\(seconds / 60)m"
        case ..<172_800: return "\(seconds / 3600)h"
        default: return "\(seconds / 86_400)d"
        }
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
