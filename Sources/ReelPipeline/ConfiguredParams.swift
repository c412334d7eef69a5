import ReelCore
import ReelLakehouse
import ReelSilver
import ReelModel
import ReelRelease
import ReelServing
import ReelSettings

/// Turns the effective configuration into each stage's parameters, so the
/// nightly job and the single-stage commands (`reel etl`, `reel train`, …)
/// read `pipeline/reel.toml` the same way.
public extension ReelConfig {
    func etlOptions() -> ETLOptions {
        var o = ETLOptions()
        o.rejectThreshold = double(.etlRejectThreshold)
        o.threads = int(.etlThreads)
        o.popularityRules = popularityRules()
        return o
    }

    func popularityRules() -> PopularityRules {
        var r = PopularityRules()
        r.ratingWeight = Float(double(.trendingRatingWeight))
        r.clickWeight = Float(double(.trendingClickWeight))
        r.viewWeight = Float(double(.trendingViewWeight))
        r.halfLifeFraction = double(.trendingHalfLifeFraction)
        return r
    }

    /// ALS parameters for `mode` (default: `model.mode`).
    func alsParams(mode: ALSParams.Mode? = nil) -> ALSParams {
        let m = mode ?? ALSParams.Mode(rawValue: string(.modelMode)) ?? .implicit
        let explicit = m == .explicit
        // The confidence transform and the recency weight are implicit-only (explicit ALS fits the stars).
        return ALSParams(
            mode: m, rank: int(.modelRank),
            lambda: Float(double(explicit ? .modelExplicitLambda : .modelImplicitLambda)),
            alpha: Float(double(.modelAlpha)),
            iterations: int(explicit ? .modelExplicitIterations : .modelImplicitIterations),
            seed: UInt64(int(.modelSeed)), threads: int(.modelThreads),
            cgSteps: int(.modelCGSteps),
            confidence: explicit ? .raw : ALSParams.Confidence(rawValue: string(.modelConfidence)) ?? .raw,
            recencyHalfLifeDays: explicit ? 0 : double(.modelRecencyHalfLifeDays))
    }

    /// The engine `reel train` and the nightly's train stage use (`engine.kind`).
    func trainingEngine() -> TrainingEngine {
        TrainingEngine(rawValue: string(.engineKind)) ?? .reel
    }

    func sparkSettings() -> SparkSettings {
        SparkSettings(
            master: string(.engineMaster), sparkSubmit: string(.engineSparkSubmit),
            executorMemory: string(.engineExecutorMemory))
    }

    func hybridWeights() -> HybridWeights {
        HybridWeights(
            model: Float(double(.hybridWModel)), trending: Float(double(.hybridWTrending)),
            diversity: Float(double(.hybridWDiversity)))
    }

    func evaluationParams() -> EvaluationParams {
        var p = EvaluationParams(
            fraction: double(.evaluationSplitFraction),
            explicit: alsParams(mode: .explicit), implicit: alsParams(mode: .implicit),
            hybrid: hybridWeights(), hybridCandidates: int(.releaseK),
            tuneBlend: bool(.hybridTune), pin: string(.servingPin),
            validationUsers: int(.evaluationValidationUsers),
            testWarmIterations: int(.evaluationTestWarmIterations))
        p.itemKNN = bool(.evaluationItemKNN)
        return p
    }

    func releaseOptions() -> ReleaseOptions {
        var o = ReleaseOptions()
        o.k = int(.releaseK)
        o.similarK = int(.releaseSimilarK)
        o.trendingK = int(.releaseTrendingK)
        o.recentN = int(.releaseRecentN)
        o.threads = int(.modelThreads)
        return o
    }

    /// Every setting as `key → value` text (the run record's params).
    func flattened() -> [String: String] {
        var out: [String: String] = [:]
        for s in Self.settings { out[s.key] = value(of: s).description }
        return out
    }

    /// A fingerprint of the settings a stage depends on (keys by prefix).
    func fingerprint(_ prefixes: [String]) -> UInt64 {
        var text = ""
        for s in Self.settings where prefixes.contains(where: { s.key.hasPrefix($0) }) {
            text += "\(s.key)=\(value(of: s))\n"
        }
        return text.withCString { XXH3.hash(UnsafeRawBufferPointer(start: $0, count: text.utf8.count)) }
    }
}
