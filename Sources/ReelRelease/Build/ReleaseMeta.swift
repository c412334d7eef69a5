import Foundation
import ReelCore
import ReelModel
import ReelServing

/// The `meta` section: a JSON object describing the release for humans and
/// tools (`/v1/release`, `reel releases`, `reel inspect`, the nightly job's
/// quality gate). Built off the hot path, so Foundation's JSON is fine here.
enum ReleaseMeta {
    struct Counts {
        var users = 0, movies = 0, ratings = 0
        var usersWithRecommendations = 0, moviesWithFactors = 0
        var factorUsersNotInSilver = 0, factorMoviesNotInSilver = 0
        var genres = 0
    }

    static func json(
        metadata: ReleaseMetadata, options: ReleaseOptions, rank: Int, counts: Counts,
        silverVersion: String, silverFingerprint: UInt64, trendingEnd: Int64,
        modelJSON: String, blend: ServingBlend?, served: ServingCandidate? = nil
    ) throws -> String {
        let model = try object(modelJSON, what: "model factors metadata")
        let metrics = try metadata.metricsJSON.map { try object($0, what: "metrics") } ?? (model["metrics"] as? [String: Any] ?? [:])
        let meta: [String: Any] = [
            "format": ReleaseFormat.versionString,
            "releaseID": metadata.releaseID,
            "created": Clock.iso8601(metadata.createdAt),
            "createdAt": metadata.createdAt,
            "counts": [
                "users": counts.users,
                "movies": counts.movies,
                "ratings": counts.ratings,
                "usersWithRecommendations": counts.usersWithRecommendations,
                "moviesWithFactors": counts.moviesWithFactors,
                "factorUsersNotInSilver": counts.factorUsersNotInSilver,
                "factorMoviesNotInSilver": counts.factorMoviesNotInSilver,
                "genres": counts.genres,
            ],
            "params": [
                "k": options.k,
                "similarK": options.similarK,
                "trendingK": options.trendingK,
                "recentN": options.recentN,
                "rank": rank,
                "model": model["params"] ?? [String: Any](),
            ] as [String: Any],
            "metrics": metrics,
            // What UC1 serves without `mode`: the evaluated blend's precomputed lists, or the model's.
            "serving": blend.map { b -> [String: Any] in
                [
                    "defaultMode": "hybrid", "candidate": (served ?? .blend(b)).label,
                    "blend": [
                        "model": decimal(b.weights.model), "trending": decimal(b.weights.trending),
                        "diversity": decimal(b.weights.diversity), "window": b.window.label,
                    ] as [String: Any],
                ]
            } ?? served.flatMap { c -> [String: Any]? in
                c == .model ? nil : ["defaultMode": c.name, "candidate": c.label, "baseline": c.family.isBaseline]
            } ?? ["defaultMode": modelName(model) ?? "als"],
            "fingerprints": [
                "silver": XXH3.hex(silverFingerprint),
                "model": XXH3.hex(metadata.modelFingerprint),
            ],
            "silverVersion": silverVersion,
            "modelRun": metadata.modelRun,
            "trending": [
                "end": Clock.iso8601(trendingEnd),
                "endTime": trendingEnd,
                "windows": ["24h", "7d", "30d"],
            ] as [String: Any],
        ]
        let data = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The candidate name of the model the factors came from (`implicit-als`,
    /// `explicit-als`: the evaluation report's names), read from the training
    /// record in the factors' metadata; nil when it records no mode.
    static func modelName(_ model: [String: Any]) -> String? {
        guard let params = model["params"] as? [String: Any], let mode = params["mode"] as? String,
            ["implicit", "explicit"].contains(mode)
        else { return nil }
        return "\(mode)-als"
    }

    /// `modelName` of a factors file's metadata JSON.
    static func modelName(modelJSON: String) -> String? {
        (try? object(modelJSON, what: "model factors metadata")).flatMap(modelName)
    }

    /// A weight as the decimal it was written as (0.1, not 0.10000000149011612).
    static func decimal(_ x: Float) -> Double { Double("\(x)") ?? Double(x) }

    /// Parses a JSON object; an empty string counts as `{}`.
    static func object(_ text: String, what: String) throws -> [String: Any] {
        if text.allSatisfy(\.isWhitespace) { return [:] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let object = value as? [String: Any]
        else {
            throw ReelError(.invalidInput, "\(what) is not a JSON object")
        }
        return object
    }
}
