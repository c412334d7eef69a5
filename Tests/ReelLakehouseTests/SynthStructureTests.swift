import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

/// The planted structure must be there: ratings follow the planted taste u·v
/// far more than movie popularity, and which movies a user rated is predicted
/// far better by taste-aware exposure than by a global most-popular list.
@Suite struct SynthStructureTests {
    typealias S = SynthTestSupport

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test func ratingsAndChoicesFollowPlantedTaste() throws {
        var config = S.config(users: 400, movies: 600, ratings: 12_000)
        config.rank = 6
        let dir = S.tempDir("synth-structure")
        try Synth.generate(config: config, to: dir)
        let planted = try Synth.plantedFactors(config: config)
        var row: [Int32: Int] = [:]
        for (i, id) in planted.movieIDs.enumerated() { row[id] = i }

        var ratings: [Double] = [], affinity: [Double] = [], popularity: [Double] = []
        var ratedBy = [Set<Int>](repeating: [], count: config.users)
        for line in S.dataLines(dir + "/ratings.csv") {
            let f = line.split(separator: ",")
            let u = Int(f[0])! - 1, m = row[Int32(f[1])!]!
            ratings.append(Double(f[2])!)
            affinity.append(Double(planted.affinity(userRow: u, movieRow: m)))
            popularity.append(log(planted.popularity[m]))
            ratedBy[u].insert(m)
        }
        let tasteCorrelation = Self.pearson(ratings, affinity)
        let popularityCorrelation = Self.pearson(ratings, popularity)
        #expect(tasteCorrelation > 0.5, "ratings vs u·v: \(tasteCorrelation)")
        #expect(tasteCorrelation > popularityCorrelation + 0.3, "u·v \(tasteCorrelation) vs popularity \(popularityCorrelation)")

        // Which movies: top-20 of each user by the planted exposure (popularity
        // draws mixed with taste draws, as the generator does) vs by popularity.
        let k = 20, r = planted.rank
        let totalPopularity = planted.popularity.reduce(0, +)
        var dimensionWeights = [[Double]](repeating: [], count: r)
        for d in 0..<r {
            dimensionWeights[d] = (0..<config.movies).map { m in
                let a = Double(max(planted.movieFactors[m * r + d], 0))
                return planted.popularity[m] * (a * a + 1e-6)
            }
        }
        let dimensionTotals = dimensionWeights.map { $0.reduce(0, +) }
        let byPopularity = Array((0..<config.movies).sorted { planted.popularity[$0] > planted.popularity[$1] }.prefix(k))
        var tasteHits = 0, popularHits = 0
        for u in 0..<config.users {
            let likes = (0..<r).map { d -> Double in
                let x = Double(max(planted.userFactors[u * r + d], 0)); return x * x + 1e-3
            }
            let likesTotal = likes.reduce(0, +)
            let exposure = (0..<config.movies).map { m in
                SynthModel.popularShare * planted.popularity[m] / totalPopularity
                    + (1 - SynthModel.popularShare)
                    * (0..<r).reduce(0.0) { $0 + likes[$1] / likesTotal * dimensionWeights[$1][m] / dimensionTotals[$1] }
            }
            let byTaste = (0..<config.movies).sorted { exposure[$0] > exposure[$1] }.prefix(k)
            tasteHits += byTaste.filter(ratedBy[u].contains).count
            popularHits += byPopularity.filter(ratedBy[u].contains).count
        }
        #expect(Double(tasteHits) > 1.3 * Double(popularHits), "taste hits \(tasteHits) vs popularity hits \(popularHits)")
        print(
            "structure: corr(r, u·v) = \(tasteCorrelation), corr(r, log pop) = \(popularityCorrelation), hits taste \(tasteHits) vs popular \(popularHits)"
        )
    }
}
