import ReelCore
import ReelModel
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// What to precompute into a release (`reel publish --k --similar-k --trending-k`).
public struct ReleaseOptions: Sendable, Equatable {
    /// Recommendations stored per user: the largest k the daemon can serve.
    public var k: Int
    /// Similar movies stored per movie.
    public var similarK: Int
    /// Entries per trending list.
    public var trendingK: Int
    /// Threads for the top-K kernel.
    public var threads: Int
    /// Query rows per `TopK.compute` call: bounds the result held per call and
    /// sets how often progress is reported; large enough that the kernel's own
    /// per-call setup (packing movie factors) is negligible.
    public var queryBlock: Int
    /// The UC3 blend to precompute and serve by default (from the latest
    /// evaluation); nil or the model's own order: UC1 serves the model's list.
    public var blend: ServingBlend?
    /// The candidate UC1 serves by default (from the latest evaluation); takes
    /// precedence over `blend`. A blend is precomputed as `blend` is; a baseline
    /// or per-user blend is stored as the release's served lists.
    public var served: ServingCandidate?
    /// Add the fold-in sections (YᵀY, λ, α: `FoldInSections`) when the model
    /// records its training parameters.
    public var foldIn = true
    /// With them, the users' factors (users × rank floats), so known users can
    /// fold in new ratings on top of their stored row (docs/serving.md).
    public var foldInUsers = true
    /// Recent ratings stored per user for the web face's user view (0: none).
    public var recentN = 20
    /// The evaluation report page (`reel report`) carried in the release and
    /// served at `/report`; empty: none.
    public var reportHTML: [UInt8] = []

    public init(
        k: Int = 100, similarK: Int = 20, trendingK: Int = 100,
        threads: Int = Parallel.availableCores, queryBlock: Int = 16_384
    ) {
        self.k = k
        self.similarK = similarK
        self.trendingK = trendingK
        self.threads = threads
        self.queryBlock = queryBlock
    }

    /// Refuses values the format cannot hold, naming the option.
    public func validate() throws {
        for (name, value) in [("--k", k), ("--similar-k", similarK), ("--trending-k", trendingK)] {
            guard value >= 1, value <= 10_000 else {
                throw ReelError(.usage, "\(name) must be between 1 and 10000 (got \(value))")
            }
        }
        guard recentN >= 0, recentN <= 10_000 else {
            throw ReelError(.usage, "release.recent_n must be between 0 and 10000 (got \(recentN))")
        }
        guard threads >= 1, queryBlock >= 1 else {
            throw ReelError(.usage, "threads and query block must be at least 1")
        }
    }
}

/// Where a release comes from, recorded in its header and `meta`.
public struct ReleaseMetadata: Sendable {
    /// The release id (also the file name): sortable by time, e.g. `20261125T020000Z-3fa2`.
    public var releaseID: String
    public var createdAt: Int64
    /// The model run the factors come from (the folder name under `output/models/`).
    public var modelRun: String
    /// xxh3-64 of the factors file.
    public var modelFingerprint: UInt64
    /// Evaluation metrics as a JSON object; nil takes `metrics` from the model's metadata.
    public var metricsJSON: String?

    public init(
        releaseID: String? = nil, createdAt: Int64 = Clock.now(), modelRun: String,
        modelFingerprint: UInt64, metricsJSON: String? = nil
    ) {
        self.releaseID = releaseID ?? Clock.runID()
        self.createdAt = createdAt
        self.modelRun = modelRun
        self.modelFingerprint = modelFingerprint
        self.metricsJSON = metricsJSON
    }
}
