extension ReelConfig {
    /// Every setting Reel knows, in the order `reel config show` prints them and
    /// `pipeline/reel.toml` lists them. Adding one: a case in `SettingKey.swift`,
    /// a line here, then `reel config init --stdout > pipeline/reel.toml`.
    public static let settings: [Setting] = [
        Setting(
            .etlRejectThreshold, 0...1, default: 0.01,
            help: "A table whose rejected/read ratio exceeds this fails the ETL run."),
        Setting(
            .etlThreads, 1...256, default: 2,
            help: "Threads for CSV parsing."),
        Setting(
            .modelMode, choices: ["implicit", "explicit"], default: "implicit",
            help: "ALS flavour trained by `reel train` and published (docs/model.md)."),
        Setting(
            .modelRank, 1...1024, default: 64,
            help: "Latent factors per user and movie."),
        Setting(
            .modelImplicitLambda, 0...1e6, default: 20.0,
            help: "Implicit mode: regularisation λ (docs/model.md: chosen by the evaluation)."),
        Setting(
            .modelExplicitLambda, 0...1e6, default: 0.05,
            help: "Explicit mode: regularisation λ, scaled by each row's rating count (ALS-WR)."),
        Setting(
            .modelAlpha, 0...1e6, default: 1.0,
            help: "Implicit mode: confidence = 1 + alpha × rating (Spark's convention)."),
        Setting(
            .modelImplicitIterations, 1...1000, default: 15,
            help: "Implicit mode: ALS sweeps (one user half + one movie half each)."),
        Setting(
            .modelExplicitIterations, 1...1000, default: 10,
            help: "Explicit mode: ALS sweeps."),
        Setting(
            .modelCGSteps, 1...100, default: 3,
            help: "Implicit mode: conjugate-gradient steps per row and half-iteration."),
        Setting(
            .modelSeed, 0...Int64.max, default: 42,
            help: "Seed of the factor initialisation: same seed and threads, same factors."),
        Setting(
            .modelThreads, 1...256, default: 2,
            help: "Threads for training and scoring."),
        Setting(
            .modelWarmStart, default: true,
            help: "Nightly: start from the previous model's factors when there is one."),
        Setting(
            .modelConfidence, choices: ["raw", "positive", "log"], default: "raw",
            help:
                "Implicit mode: confidence from a rating: raw (1 + alpha × rating), positive (only ratings ≥ 4 count), log (1 + alpha × ln(1 + rating))."
        ),
        Setting(
            .modelRecencyHalfLifeDays, 0...100_000, default: 0.0,
            help: "Implicit mode: a rating this many days older than the newest counts half as much (0: off)."),
        Setting(
            .evaluationSplitFraction, 0.05...0.99, default: 0.8,
            help: "Global temporal split: train on ratings before this time quantile."),
        Setting(
            .evaluationValidationUsers, 1...10_000_000, default: 8000,
            help: "Validation users the candidates are scored on (a seeded sample beyond this)."),
        Setting(
            .evaluationTestWarmIterations, 0...1000, default: 5,
            help: "Iterations of the test-split model, warm-started from the validation model (0: trained from scratch)."),
        Setting(
            .evaluationItemKNN, default: true,
            help: "Score the item-based item-knn candidate too (item-item cosine; served when it wins on validation)."),
        Setting(
            .tuningApply, default: true,
            help: "Use the implicit-ALS settings `reel tune` chose (output/tuning/latest) for every model.* key it covers that is not pinned."),
        Setting(
            .tuningPin, default: "",
            help:
                "Settings tuning must not change, comma-separated (rank, lambda, alpha, iterations, confidence, recency, or all); a non-default model.* value here, an env var or a flag pins too."
        ),
        Setting(
            .tuningNightly, default: true,
            help:
                "`reel nightly` tunes when never tuned, when silver grew by more than tuning.growth, or after tuning.max_age_days (`--tune` forces it)."
        ),
        Setting(
            .tuningGrowth, 0...1000, default: 0.1,
            help: "Nightly: tune again once silver has this fraction more ratings than at the last tuning (0.1: 10%)."),
        Setting(
            .tuningMaxAgeDays, 0...36_500, default: 7,
            help: "Nightly: tune again when the last tuning is this many days old (0: no age rule)."),
        Setting(
            .tuningBudget, default: "3x",
            help: "Search budget: a multiple of one training run (3x: work-counted, deterministic) or seconds (600s)."),
        Setting(
            .tuningMinWorkGFLOP, 0...1_000_000, default: 600,
            help:
                "Floor of a multiple budget, in GFLOP of estimated work (600: about a minute on 2 cores): where 3x a training run is a few seconds, the search still tries a few dozen points; 0: no floor."
        ),
        Setting(
            .tuningSeed, 0...Int64.max, default: 42,
            help: "Seed of the sampled search points: same data, seed and work budget, same choice."),
        Setting(
            .releaseK, 1...10_000, default: 100,
            help: "Recommendations stored per user (the largest k the daemon serves)."),
        Setting(
            .releaseSimilarK, 1...10_000, default: 20,
            help: "Similar movies stored per movie."),
        Setting(
            .releaseTrendingK, 1...10_000, default: 100,
            help: "Entries per trending list (per window, globally and per genre)."),
        Setting(
            .releaseRecentN, 0...10_000, default: 20,
            help: "Most recent ratings stored per user for the Explore page's user view (0: none)."),
        Setting(
            .releaseKeep, 2...1000, default: 5,
            help: "Releases kept in output/releases (current and previous are never pruned)."),
        Setting(
            .trendingRatingWeight, 0...1000, default: 1.0,
            help: "Weight of a rating in trending scores."),
        Setting(
            .trendingClickWeight, 0...1000, default: 0.5,
            help: "Weight of a click event in trending scores."),
        Setting(
            .trendingViewWeight, 0...1000, default: 0.2,
            help: "Weight of a view event in trending scores."),
        Setting(
            .trendingHalfLifeFraction, 0.01...10, default: 0.25,
            help: "Decay half-life as a fraction of the window (0.25: 6 h for 24h)."),
        Setting(
            .hybridTune, default: true,
            help:
                "`reel evaluate` chooses the served blend (weights, window) on a validation split; false: only the weights below compete with the model's order."
        ),
        Setting(
            .hybridWModel, 0...100, default: 0.6,
            help: "UC3: weight of the normalised model score (with hybrid.tune = false, or to compare with the chosen blend)."),
        Setting(
            .hybridWTrending, 0...100, default: 0.4,
            help: "UC3: weight of 7-day trending popularity (as above)."),
        Setting(
            .hybridWDiversity, 0...100, default: 0.1,
            help: "UC3: penalty for repeating genres (as above)."),
        Setting(
            .servingPin, choices: ["auto", "implicit-als", "hybrid", "popular", "trending-24h", "trending-7d", "trending-30d", "item-knn"],
            default: "auto",
            help:
                "What UC1 serves: auto (the evaluation's choice on validation, docs/model.md) or a pinned candidate (hybrid = the hybrid.* weights, 7d), reported as pinned."
        ),
        Setting(
            .gateNDCGMargin, 0...1, default: 0.05,
            help: "Do not publish when NDCG@10 falls more than this fraction below the current release's."),
        Setting(
            .nightlyRetries, 0...20, default: 2,
            help: "Retries of a stage after a transient I/O error."),
        Setting(
            .nightlyRetryDelaySeconds, 0...3600, default: 5.0,
            help: "Pause before a retry (doubles each time)."),
        Setting(
            .runsKeep, 1...100_000, default: 60,
            help: "Run records kept in output/runs, and ETL quarantine folders in lakehouse/quarantine; models and silver versions follow releases."),
        Setting(
            .lakehouseRetentionDays, 0...36_500, default: 7,
            help: "Days old versions of the lakehouse/silver and lakehouse/gold Delta tables stay readable before prune vacuums them."),
        Setting(
            .serveHost, default: "127.0.0.1",
            help: "Address `reel serve` binds (loopback by default)."),
        Setting(
            .servePort, 0...65535, default: 8000,
            help: "Port `reel serve` listens on (0: any free port)."),
        Setting(
            .servePollInterval, 0.1...3600, default: 2.0,
            help: "Seconds between checks of output/current for a new release."),
        Setting(
            .serveCorsOrigin, default: "",
            help: "Origin allowed to call the API from a browser (https://app.example.com, or *); empty: CORS off."),
        Setting(
            .engineKind, choices: ["reel", "spark"], default: "reel",
            help: "Who trains the model: reel (built-in ALS) or spark (pipeline/spark/train.py, factors imported; docs/scaling.md)."),
        Setting(
            .engineMaster, default: "local[2]",
            help: "Spark master for engine spark: spark://host:7077, yarn, k8s://…, or local[N]."),
        Setting(
            .engineSparkSubmit, default: "spark-submit",
            help: "The spark-submit to run (a path, or a name on PATH)."),
        Setting(
            .engineExecutorMemory, default: "2g",
            help: "Memory per Spark executor (spark-submit --executor-memory)."),
        Setting(
            .logFormat, choices: ["text", "json"], default: "text",
            help:
                "Log lines on stderr, pipeline and daemon alike: text (<time> <stage>: <message>) or json (one object per line); --log-format overrides."
        ),
    ]
}
