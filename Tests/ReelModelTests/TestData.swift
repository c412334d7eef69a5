import ReelCore
import ReelSilver
@testable import ReelModel

/// In-memory silver ratings for tests, built without the ETL: users and
/// movies are rows 0..<n with external id = row + 1; later duplicates of a
/// (user, movie) pair replace earlier ones.
func makeRatings(users: Int, movies: Int, _ triples: [(user: Int, movie: Int, rating: Float, time: Int64)]) -> SilverRatings {
    SilverRatings.fromTriples(users: users, movies: movies, triples)
}

/// Movie metadata for `n` movies: titles "Movie i", genre bit i % 5.
func makeMovies(_ n: Int) -> SilverMovies {
    var offsets: [UInt32] = [0], bytes: [UInt8] = []
    for i in 0..<n { bytes += Array("Movie \(i + 1)".utf8); offsets.append(UInt32(bytes.count)) }
    return SilverMovies(
        ids: (0..<n).map { Int32($0 + 1) }, titleOffsets: offsets, titleBytes: bytes,
        years: [Int16](repeating: 2000, count: n), genres: (0..<n).map { UInt32(1) << UInt32($0 % 5) },
        ratingCounts: [Int32](repeating: 0, count: n), ratingMeans: [Float](repeating: 0, count: n))
}

/// Planted-taste data: users and movies have latent vectors; taste decides
/// both *which* movies a user rates (exposure ∝ popularity × exp(affinity))
/// and the rating, so a model that recovers the taste beats popularity.
/// Timestamps are uniform over a year, so a temporal split mixes users.
func plantedRatings(users: Int, movies: Int, perUser: Int, rank: Int = 4, seed: UInt64 = 7) -> SilverRatings {
    var g = SplitMix64(seed: seed)
    let u = (0..<users * rank).map { _ in Float(g.nextGaussian()) }
    let v = (0..<movies * rank).map { _ in Float(g.nextGaussian()) }
    let popularity = (0..<movies).map { 1 / Double($0 + 3).squareRoot() }
    var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
    for a in 0..<users {
        var affinity = [Double](repeating: 0, count: movies)
        for m in 0..<movies {
            var s: Float = 0
            for d in 0..<rank { s += u[a * rank + d] * v[m * rank + d] }
            affinity[m] = Double(s)
        }
        let weights = (0..<movies).map { popularity[$0] * _exp(1.5 * affinity[$0]) }
        var chosen = Set<Int>()
        while chosen.count < perUser {
            let total = (0..<movies).filter { !chosen.contains($0) }.reduce(0.0) { $0 + weights[$1] }
            var x = g.nextDouble() * total
            for m in 0..<movies where !chosen.contains(m) {
                x -= weights[m]
                if x <= 0 { chosen.insert(m); break }
            }
        }
        for m in chosen.sorted() {
            let raw = 3.0 + 0.8 * affinity[m] + 0.3 * g.nextGaussian()
            let rating = Float(min(5, max(0.5, (raw * 2).rounded() / 2)))
            triples.append((a, m, rating, 1_600_000_000 + Int64(g.nextDouble() * 365 * 86_400)))
        }
    }
    return makeRatings(users: users, movies: movies, triples)
}

#if canImport(Glibc)
import Glibc
func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#endif
