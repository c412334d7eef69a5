import ReelServing
import ReelCore

/// Where a user's list came from.
public enum RecommendationSource: String, Sendable, Equatable {
    /// The stored ALS top-K, as published (named by `RecommendationStore.modelName`).
    case als
    /// The stored top-K re-ranked by `HybridRanker` (UC3).
    case hybrid
    /// The user is not in the release: the global trending list instead.
    case fallback
    /// The release's served candidate (a baseline such as `trending-30d`, or a
    /// per-user blend), precomputed by `reel publish`; the response's `source`
    /// is the candidate's name (`RecommendationStore.servedName`).
    case served
}

extension RecommendationSource {
    /// The name an answer gives as its `source`: the candidate name of the
    /// model (`implicit-als`) or of the served candidate (`trending-30d`), as
    /// the evaluation report names them; `als`/`served` only for stores that
    /// do not say.
    public func name<Store: RecommendationStore>(in store: Store) -> String {
        switch self {
        case .als: return store.modelName ?? rawValue
        case .served: return store.servedName ?? rawValue
        case .hybrid, .fallback: return rawValue
        }
    }
}

/// What a lookup found. The ranked items themselves are in `LookupEngine.items`
/// (a buffer the engine reuses), so an answer is a few words and no allocation.
public enum LookupAnswer: Sendable, Equatable {
    case recommendations(userID: Int32, source: RecommendationSource, weights: HybridWeights?)
    case trending(window: TrendingWindow, genre: Int?)
    case similar(movieRow: Int)
    case movie(row: Int)
}

/// Answers `LookupRequest`s from a store: validates `k` against what the
/// release holds, resolves ids to rows, applies the fallback, the release's
/// default mode and the hybrid re-rank, and leaves the ranked (movie row,
/// score) pairs in `items`.
///
/// One engine per connection (or per CLI run): `items` keeps its capacity, so
/// after the first request a lookup allocates nothing (except a hybrid
/// re-rank's scratch in `HybridRanker`).
public struct LookupEngine<Store: RecommendationStore> {
    /// The ranked result of the last `answer`: movie rows and scores, best first.
    public private(set) var items: [(movie: Int32, score: Float)] = []

    public init() {
        items.reserveCapacity(128)
    }

    /// Answers `request`; a bad `k` is a 400 naming the allowed range, an
    /// unknown movie a 404. An unknown user is not an error: it gets the
    /// trending list, marked `.fallback`.
    public mutating func answer(_ request: LookupRequest, store: Store) throws(LookupFailure) -> LookupAnswer {
        items.removeAll(keepingCapacity: true)
        switch request {
        case let .recommendations(userID, k, requestedMode, overrides):
            let k = try effectiveK(
                k, default: LookupDefaults.recommendationsK, stored: store.storedK,
                what: "recommendations per user")
            guard let userRow = store.userRow(forID: userID) else {
                append(store.trending(window: LookupDefaults.window, genre: nil), limit: k)
                return .recommendations(userID: userID, source: .fallback, weights: nil)
            }
            // The release's served candidate, when it stores one, is the default order.
            if requestedMode == nil, let served = store.servedRecommendations(userRow: userRow) {
                append(served, limit: k)
                return .recommendations(userID: userID, source: .served, weights: nil)
            }
            let list = store.recommendations(userRow: userRow)
            let blend = store.blend
            switch requestedMode ?? (blend == nil ? .als : .hybrid) {
            case .als:
                append(list, limit: k)
                return .recommendations(userID: userID, source: .als, weights: nil)
            case .hybrid:
                let weights = overrides.applied(to: blend?.weights ?? HybridWeights())
                // The release's own blend is precomputed: a copy, not a re-rank.
                if weights == blend?.weights, let stored = store.blendedRecommendations(userRow: userRow) {
                    append(stored, limit: k)
                } else {
                    let window = blend?.window ?? LookupDefaults.window
                    HybridRanker.rerank(
                        candidates: list.movies, scores: list.scores, k: k, weights: weights,
                        popularity: { store.popularity(movieRow: Int($0), window: window) },
                        genres: { store.movie(row: Int($0)).genres },
                        output: &items)
                }
                return .recommendations(userID: userID, source: .hybrid, weights: weights)
            }

        case let .trending(window, genre, k):
            let k = try effectiveK(
                k, default: LookupDefaults.trendingK, stored: store.trendingK,
                what: "movies per trending list")
            append(store.trending(window: window, genre: genre), limit: k)
            return .trending(window: window, genre: genre)

        case let .similar(movieID, k):
            let k = try effectiveK(
                k, default: LookupDefaults.similarK, stored: store.similarK,
                what: "similar movies per movie")
            let row = try movieRow(movieID, store)
            append(store.similar(movieRow: row), limit: k)
            return .similar(movieRow: row)

        case let .movie(id):
            return .movie(row: try movieRow(id, store))
        }
    }

    private mutating func append(_ list: RankedList, limit: Int) {
        for i in 0..<min(limit, list.count) {
            items.append((list.movies[i], list.scores[i]))
        }
    }

    /// The effective k: the default capped at what the release stores, or the
    /// requested one when it lies in 1...stored.
    private func effectiveK(
        _ requested: Int?, default fallback: Int, stored: Int,
        what: String
    ) throws(LookupFailure) -> Int {
        guard let requested else { return min(fallback, stored) }
        guard stored > 0 else {
            throw .badParameter("this release stores no \(what), so k cannot be given")
        }
        guard requested >= 1 && requested <= stored else {
            throw .badParameter("k must be between 1 and \(stored) (the release stores \(stored) \(what)); got \(requested)")
        }
        return requested
    }

    private func movieRow(_ id: Int32, _ store: Store) throws(LookupFailure) -> Int {
        guard let row = store.movieRow(forID: id) else {
            throw .notFound("movie \(id) is not in release \(store.releaseID)")
        }
        return row
    }
}
