import ReelCore
import ReelServing

/// A fold-in request, from the HTTP body or `reel topk --ratings`.
public struct FoldInRequest: Sendable, Equatable {
    /// Nil: `POST /v1/recommendations` (a new user). Set: `POST /v1/users/{id}/recommendations`.
    public var userID: Int32?
    public var movieIDs: [Int32]
    public var ratings: [Float]
    public var k: Int?
    public var mode: RecommendationMode?

    public init(userID: Int32? = nil, movieIDs: [Int32], ratings: [Float], k: Int? = nil, mode: RecommendationMode? = nil) {
        self.userID = userID
        self.movieIDs = movieIDs
        self.ratings = ratings
        self.k = k
        self.mode = mode
    }
}

/// What a fold-in found; the ranked items are in `FoldInEngine.items`.
public struct FoldInAnswer: Sendable, Equatable {
    public var userID: Int32?
    /// The order served: `als` (the model's) or `hybrid` (the blend re-rank).
    public var mode: RecommendationMode
    public var weights: HybridWeights?
    /// A known user whose stored factors the ratings were added to (else a
    /// new user solved from the ratings alone).
    public var updatedStoredUser: Bool
    /// Nanoseconds spent solving and ranking (the fold-in histogram).
    public var nanoseconds: UInt64
}

/// Answers fold-in requests from a release's `FoldInModel`: maps movie ids to
/// rows (unknown ids are ignored and listed), solves the user's ALS row,
/// ranks every movie with factors except the rated ones, and applies the
/// served blend exactly as for stored users (`HybridRanker` over the best
/// `storedK` by model score, the window and weights of the release's blend),
/// so a folded-in user's list is built like a trained user's.
///
/// A known user (`userID` in the release, user factors kept) gets the ratings
/// added to their stored row (`FoldInModel.update`) and is ranked among their
/// stored candidates: the release does not keep users' histories, and those
/// candidates are the movies known to be unseen. Other users are solved from
/// the ratings alone.
///
/// One per connection (or CLI run): buffers keep their capacity.
public struct FoldInEngine<Store: RecommendationStore> {
    public private(set) var items: [(movie: Int32, score: Float)] = []
    /// Movie ids of the request that the release does not know, in request order.
    public private(set) var ignored: [Int32] = []
    private var scratch: FoldInScratch?
    private weak var scratchModel: FoldInModel?
    private var rows: [Int32] = []
    private var values: [Float] = []
    private var candidates: [(movie: Int32, score: Float)] = []

    public init() {
        items.reserveCapacity(128)
        candidates.reserveCapacity(128)
    }

    public mutating func answer(_ request: FoldInRequest, model: FoldInModel?, store: Store) throws(LookupFailure) -> FoldInAnswer {
        items.removeAll(keepingCapacity: true)
        ignored.removeAll(keepingCapacity: true)
        guard let model else {
            throw LookupFailure(
                .notFound, "fold_in_unavailable",
                "release \(store.releaseID) has no fold-in sections (published before format 1.1, or from factors without their training parameters); republish it with this reel to serve POST requests"
            )
        }
        let k = try effectiveK(request.k, stored: store.storedK)
        guard request.movieIDs.count == request.ratings.count, request.movieIDs.count <= FoldInLimits.maxRatings else {
            throw .badParameter("at most \(FoldInLimits.maxRatings) ratings, each with a movie id")
        }
        rows.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        for (id, rating) in zip(request.movieIDs, request.ratings) {
            guard rating >= FoldInLimits.minRating, rating <= FoldInLimits.maxRating else {
                throw .badParameter("rating \(rating) for movie \(id) is outside 0.5–5.0")
            }
            if let row = store.movieRow(forID: id) {
                rows.append(Int32(row))
                values.append(rating)
            } else {
                ignored.append(id)
            }
        }
        let userRow = request.userID.flatMap { store.userRow(forID: $0) }
        if userRow != nil && model.userCount == 0 {
            throw LookupFailure(
                .notFound, "fold_in_unavailable",
                "release \(store.releaseID) keeps no user factors, so new ratings cannot be added to user \(request.userID!)'s stored history")
        }
        guard !rows.isEmpty || userRow != nil else {
            throw .badParameter(
                request.movieIDs.isEmpty
                    ? "'ratings' is empty: give at least one rated movie"
                    : "none of the \(request.movieIDs.count) rated movies is in release \(store.releaseID); nothing to fold in")
        }
        let scratch = scratchFor(model, store: store)
        guard scratch.setRatings(rows: rows, values: values) else { throw .badParameter("too many ratings") }

        let start = Clock.nanos()
        let blend = store.blend
        let mode = request.mode ?? (blend == nil ? .als : .hybrid)
        let depth = mode == .hybrid ? store.storedK : k
        candidates.removeAll(keepingCapacity: true)
        var updated = false
        if let userRow, model.update(userRow: userRow, scratch) {
            updated = true
            rankStored(store.recommendations(userRow: userRow), model: model, scratch: scratch)
        } else {
            guard model.solve(scratch) else {
                throw LookupFailure(.badRequest, "fold_in_failed", "the ratings give a singular system; this should not happen with lambda > 0")
            }
            let n = model.topK(depth, scratch)
            for i in 0..<n { candidates.append((scratch.movies[i], scratch.scores[i])) }
        }
        var weights: HybridWeights?
        if mode == .hybrid {
            let w = blend?.weights ?? HybridWeights()
            let window = blend?.window ?? LookupDefaults.window
            weights = w
            let c = candidates
            HybridRanker.rerank(
                candidates: c.lazy.map(\.movie), scores: c.lazy.map(\.score), k: k, weights: w,
                popularity: { store.popularity(movieRow: Int($0), window: window) },
                genres: { store.movie(row: Int($0)).genres }, output: &items)
        } else {
            items.append(contentsOf: candidates.prefix(k))
        }
        return FoldInAnswer(
            userID: request.userID, mode: mode, weights: weights, updatedStoredUser: updated,
            nanoseconds: Clock.nanos() &- start)
    }

    /// A known user's stored candidates (unseen at publish) re-scored with the
    /// updated row, the newly rated ones left out, best first.
    private mutating func rankStored(_ list: RankedList, model: FoldInModel, scratch: FoldInScratch) {
        for i in 0..<list.count {
            let m = list.movies[i]
            if rows.contains(m) { continue }
            candidates.append((m, model.score(movieRow: Int(m), scratch)))
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.movie < $1.movie }
    }

    private mutating func scratchFor(_ model: FoldInModel, store: Store) -> FoldInScratch {
        if let scratch, scratchModel === model { return scratch }
        let made = model.makeScratch(maxK: max(store.storedK, 1), maxRatings: FoldInLimits.maxRatings)
        scratch = made
        scratchModel = model
        return made
    }

    private func effectiveK(_ requested: Int?, stored: Int) throws(LookupFailure) -> Int {
        guard let requested else { return min(LookupDefaults.recommendationsK, stored) }
        guard requested >= 1 && requested <= stored else {
            throw .badParameter("k must be between 1 and \(stored) (the release stores \(stored) recommendations per user); got \(requested)")
        }
        return requested
    }
}
