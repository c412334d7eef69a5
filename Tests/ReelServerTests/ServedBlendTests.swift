import ReelCore
@testable import ReelServer
import Testing
@testable import ReelServing

/// A `FakeStore` whose release carries a served blend. Its "precomputed"
/// lists are deliberately not the re-rank (the model list reversed, score
/// 42), so a test can tell a stored list from a request-time re-rank.
final class BlendedFakeStore: RecommendationStore, @unchecked Sendable {
    let base = FakeStore()
    let blend: ServingBlend?
    private let marker: UnsafeMutableBufferPointer<Int32>
    private let markerScores: UnsafeMutableBufferPointer<Float>

    init(blend: ServingBlend) {
        self.blend = blend
        let k = base.storedK
        marker = .allocate(capacity: base.userCount * k)
        markerScores = .allocate(capacity: base.userCount * k)
        for u in 0..<base.userCount {
            let list = base.recommendations(userRow: u)
            for j in 0..<k { marker[u * k + j] = list.movies[k - 1 - j]; markerScores[u * k + j] = 42 }
        }
    }

    deinit { marker.deallocate(); markerScores.deallocate() }

    func blendedRecommendations(userRow: Int) -> RankedList? {
        let k = base.storedK
        return RankedList(
            movies: UnsafeBufferPointer(rebasing: marker[userRow * k..<(userRow + 1) * k]),
            scores: UnsafeBufferPointer(rebasing: markerScores[userRow * k..<(userRow + 1) * k]))
    }

    var releaseID: String { base.releaseID }
    var createdAt: Int64 { base.createdAt }
    var storedK: Int { base.storedK }
    var similarK: Int { base.similarK }
    var trendingK: Int { base.trendingK }
    var userCount: Int { base.userCount }
    var movieCount: Int { base.movieCount }
    var metadataJSON: UnsafeRawBufferPointer { base.metadataJSON }
    func movieRow(forID id: Int32) -> Int? { base.movieRow(forID: id) }
    func movie(row: Int) -> MovieView { base.movie(row: row) }
    func userRow(forID id: Int32) -> Int? { base.userRow(forID: id) }
    func recommendations(userRow: Int) -> RankedList { base.recommendations(userRow: userRow) }
    func similar(movieRow: Int) -> RankedList { base.similar(movieRow: movieRow) }
    func trending(window: TrendingWindow, genre: Int?) -> RankedList { base.trending(window: window, genre: genre) }
    func popularity(movieRow: Int, window: TrendingWindow) -> Float { base.popularity(movieRow: movieRow, window: window) }
}

@Suite("The release's served blend")
struct ServedBlendTests {
    let blend = ServingBlend(weights: HybridWeights(model: 0.8, trending: 0.2, diversity: 0.05), window: .day)

    func answer(
        _ store: BlendedFakeStore, mode: RecommendationMode?, _ weights: WeightOverrides = WeightOverrides(),
        k: Int = 4
    ) throws -> (LookupAnswer, [Int32]) {
        var engine = LookupEngine<BlendedFakeStore>()
        let a = try engine.answer(.recommendations(userID: 2, k: k, mode: mode, weights: weights), store: store)
        return (a, engine.items.map(\.movie))
    }

    @Test("no mode: the precomputed blend, reported as hybrid with its weights")
    func defaultServesTheStoredBlend() throws {
        let store = BlendedFakeStore(blend: blend)
        let (a, items) = try answer(store, mode: nil)
        #expect(a == .recommendations(userID: 2, source: .hybrid, weights: blend.weights))
        #expect(items == Array(store.blendedRecommendations(userRow: 1)!.movies.prefix(4)))
        // Naming the blend's own weights is the same request.
        let (_, same) = try answer(store, mode: .hybrid, WeightOverrides(model: 0.8, trending: 0.2, diversity: 0.05))
        #expect(same == items)
    }

    @Test("mode=als is the model's list; other weights re-rank in the blend's window")
    func explicitModes() throws {
        let store = BlendedFakeStore(blend: blend)
        let (als, alsItems) = try answer(store, mode: .als)
        #expect(als == .recommendations(userID: 2, source: .als, weights: nil))
        #expect(alsItems == Array(store.recommendations(userRow: 1).movies.prefix(4)))

        let (a, items) = try answer(store, mode: .hybrid, WeightOverrides(trending: 0.9))
        let weights = HybridWeights(model: 0.8, trending: 0.9, diversity: 0.05)
        #expect(a == .recommendations(userID: 2, source: .hybrid, weights: weights))
        var expected: [(movie: Int32, score: Float)] = []
        let list = store.recommendations(userRow: 1)
        HybridRanker.rerank(
            candidates: list.movies, scores: list.scores, k: 4, weights: weights,
            popularity: { store.popularity(movieRow: Int($0), window: .day) },
            genres: { store.movie(row: Int($0)).genres }, output: &expected)
        #expect(items == expected.map(\.movie))
    }

    @Test("a release without a blend serves als by default and the contract's weights for hybrid")
    func withoutBlend() throws {
        let store = FakeStore()
        var engine = LookupEngine<FakeStore>()
        #expect(
            try engine.answer(.recommendations(userID: 2, k: 3, mode: nil, weights: WeightOverrides()), store: store)
                == .recommendations(userID: 2, source: .als, weights: nil))
        #expect(
            try engine.answer(.recommendations(userID: 2, k: 3, mode: .hybrid, weights: WeightOverrides()), store: store)
                == .recommendations(userID: 2, source: .hybrid, weights: HybridWeights()))
    }
}
