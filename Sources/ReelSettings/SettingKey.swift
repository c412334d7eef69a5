/// A setting's name, spelled as a case the compiler checks: `config.int(.modelRank)`
/// instead of `config.int("model.rank")`, so a misspelled or renamed key is a build
/// error rather than a crash in the middle of a nightly run. The four enums also
/// carry the value's type: `config.int(.modelAlpha)` does not compile either.
/// Every case is in `ReelConfig.settings` exactly once (a test checks it), which
/// is where its range, default and help sentence live.
public protocol SettingKey: Sendable, CaseIterable {
    /// The dotted key of `pipeline/reel.toml` (`model.rank`).
    var name: String { get }
}

public extension SettingKey where Self: RawRepresentable, RawValue == String {
    var name: String { rawValue }
}

public extension ReelConfig {
    /// Integer settings.
    enum IntKey: String, SettingKey {
        case etlThreads = "etl.threads"
        case modelRank = "model.rank"
        case modelImplicitIterations = "model.implicit_iterations"
        case modelExplicitIterations = "model.explicit_iterations"
        case modelCGSteps = "model.cg_steps"
        case modelSeed = "model.seed"
        case modelThreads = "model.threads"
        case evaluationValidationUsers = "evaluation.validation_users"
        case evaluationTestWarmIterations = "evaluation.test_warm_iterations"
        case tuningMaxAgeDays = "tuning.max_age_days"
        case tuningSeed = "tuning.seed"
        case releaseK = "release.k"
        case releaseSimilarK = "release.similar_k"
        case releaseTrendingK = "release.trending_k"
        case releaseRecentN = "release.recent_n"
        case releaseKeep = "release.keep"
        case nightlyRetries = "nightly.retries"
        case runsKeep = "runs.keep"
        case lakehouseRetentionDays = "lakehouse.retention_days"
        case servePort = "serve.port"
    }

    /// Number settings (an integer in the file is accepted and widened).
    enum DoubleKey: String, SettingKey {
        case etlRejectThreshold = "etl.reject_threshold"
        case modelImplicitLambda = "model.implicit_lambda"
        case modelExplicitLambda = "model.explicit_lambda"
        case modelAlpha = "model.alpha"
        case modelRecencyHalfLifeDays = "model.recency_half_life_days"
        case evaluationSplitFraction = "evaluation.split_fraction"
        case tuningGrowth = "tuning.growth"
        case tuningMinWorkGFLOP = "tuning.min_work_gflop"
        case trendingRatingWeight = "trending.rating_weight"
        case trendingClickWeight = "trending.click_weight"
        case trendingViewWeight = "trending.view_weight"
        case trendingHalfLifeFraction = "trending.half_life_fraction"
        case hybridWModel = "hybrid.w_model"
        case hybridWTrending = "hybrid.w_trending"
        case hybridWDiversity = "hybrid.w_diversity"
        case gateNDCGMargin = "gate.ndcg_margin"
        case nightlyRetryDelaySeconds = "nightly.retry_delay_seconds"
        case servePollInterval = "serve.poll_interval"
    }

    /// true/false settings.
    enum BoolKey: String, SettingKey {
        case modelWarmStart = "model.warm_start"
        case evaluationItemKNN = "evaluation.item_knn"
        case tuningApply = "tuning.apply"
        case tuningNightly = "tuning.nightly"
        case hybridTune = "hybrid.tune"
    }

    /// Text settings, free or one of a fixed list of choices.
    enum StringKey: String, SettingKey {
        case modelMode = "model.mode"
        case modelConfidence = "model.confidence"
        case tuningPin = "tuning.pin"
        case tuningBudget = "tuning.budget"
        case servingPin = "serving.pin"
        case serveHost = "serve.host"
        case serveCorsOrigin = "serve.cors_origin"
        case engineKind = "engine.kind"
        case engineMaster = "engine.master"
        case engineSparkSubmit = "engine.spark_submit"
        case engineExecutorMemory = "engine.executor_memory"
        case logFormat = "log.format"
    }

    /// Every key of the four enums (a test checks it matches `settings`).
    static var allKeys: [any SettingKey] {
        IntKey.allCases.map { $0 as any SettingKey } + DoubleKey.allCases.map { $0 }
            + BoolKey.allCases.map { $0 } + StringKey.allCases.map { $0 }
    }
}

/// `config.source(.modelRank)` and `config.set(.servingPin, …)` with the key's
/// enum inferred (the generic forms take a key of any of the four enums).
public extension ReelConfig {
    func source(_ key: IntKey) -> SettingSource { source(key as any SettingKey) }
    func source(_ key: DoubleKey) -> SettingSource { source(key as any SettingKey) }
    func source(_ key: BoolKey) -> SettingSource { source(key as any SettingKey) }
    func source(_ key: StringKey) -> SettingSource { source(key as any SettingKey) }

    mutating func set(_ key: IntKey, _ value: TOMLValue, source: SettingSource) throws {
        try set(key as any SettingKey, value, source: source)
    }
    mutating func set(_ key: DoubleKey, _ value: TOMLValue, source: SettingSource) throws {
        try set(key as any SettingKey, value, source: source)
    }
    mutating func set(_ key: BoolKey, _ value: TOMLValue, source: SettingSource) throws {
        try set(key as any SettingKey, value, source: source)
    }
    mutating func set(_ key: StringKey, _ value: TOMLValue, source: SettingSource) throws {
        try set(key as any SettingKey, value, source: source)
    }
}
