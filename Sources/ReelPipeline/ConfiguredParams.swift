import ReelCore
import ReelLakehouse
import ReelSilver
import ReelModel
import ReelRelease
import ReelServing

/// Turns the effective configuration into each stage's parameters, so the
/// nightly job and the single-stage commands (`reel etl`, `reel train`, …)
/// read `pipeline/reel.toml` the same way.
public extension ReelConfig {
    func etlOptions() -> ETLOptions {
        var o = ETLOptions()
        o.rejectThreshold = double("etl.reject_threshold")
        o.threads = int("etl.threads")
        o.popularityRules = popularityRules()
        return o
    }

    func popularityRules() -> PopularityRules {
        var r = PopularityRules()
        r.ratingWeight = Float(double("trending.rating_weight"))
        r.clickWeight = Float(double("trending.click_weight"))
        r.viewWeight = Float(double("trending.view_weight"))
        r.halfLifeFraction = double("trending.half_life_fraction")
        return r
    }

    /// ALS parameters for `mode` (default: `model.mode`).
    func alsParams(mode: ALSParams.Mode? = nil) -> ALSParams {
        let m = mode ?? ALSParams.Mode(rawValue: string("model.mode")) ?? .implicit
        let explicit = m == .explicit
        // The confidence transform and the recency weight are implicit-only (explicit ALS fits the stars).
        return ALSParams(mode: m, rank: int("model.rank"),
                         lambda: Float(double(explicit ? "model.explicit_lambda" : "model.implicit_lambda")),
                         alpha: Float(double("model.alpha")),
                         iterations: int(explicit ? "model.explicit_iterations" : "model.implicit_iterations"),
                         seed: UInt64(int("model.seed")), threads: int("model.threads"),
                         cgSteps: int("model.cg_steps"),
                         confidence: explicit ? .raw : ALSParams.Confidence(rawValue: string("model.confidence")) ?? .raw,
                         recencyHalfLifeDays: explicit ? 0 : double("model.recency_half_life_days"))
    }

    /// The engine `reel train` and the nightly's train stage use (`engine.kind`).
    func trainingEngine() -> TrainingEngine {
        TrainingEngine(rawValue: string("engine.kind")) ?? .reel
    }

    func sparkSettings() -> SparkSettings {
        SparkSettings(master: string("engine.master"), sparkSubmit: string("engine.spark_submit"),
                      executorMemory: string("engine.executor_memory"))
    }

    func hybridWeights() -> HybridWeights {
        HybridWeights(model: Float(double("hybrid.w_model")), trending: Float(double("hybrid.w_trending")),
                      diversity: Float(double("hybrid.w_diversity")))
    }

    func evaluationParams() -> EvaluationParams {
        var p = EvaluationParams(fraction: double("evaluation.split_fraction"),
                                 explicit: alsParams(mode: .explicit), implicit: alsParams(mode: .implicit),
                                 hybrid: hybridWeights(), hybridCandidates: int("release.k"),
                                 tuneBlend: bool("hybrid.tune"), pin: string("serving.pin"),
                                 validationUsers: int("evaluation.validation_users"),
                                 testWarmIterations: int("evaluation.test_warm_iterations"))
        p.itemKNN = bool("evaluation.item_knn")
        return p
    }

    func releaseOptions() -> ReleaseOptions {
        var o = ReleaseOptions()
        o.k = int("release.k")
        o.similarK = int("release.similar_k")
        o.trendingK = int("release.trending_k")
        o.recentN = int("release.recent_n")
        o.threads = int("model.threads")
        return o
    }

    /// Every setting as `key → value` text (the run record's params).
    func flattened() -> [String: String] {
        var out: [String: String] = [:]
        for s in Self.settings { out[s.key] = value(s.key).description }
        return out
    }

    /// A fingerprint of the settings a stage depends on (keys by prefix).
    func fingerprint(_ prefixes: [String]) -> UInt64 {
        var text = ""
        for s in Self.settings where prefixes.contains(where: { s.key.hasPrefix($0) }) {
            text += "\(s.key)=\(value(s.key))\n"
        }
        return text.withCString { XXH3.hash(UnsafeRawBufferPointer(start: $0, count: text.utf8.count)) }
    }
}
