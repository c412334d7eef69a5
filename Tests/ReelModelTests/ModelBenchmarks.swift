import Testing
import ReelCore
import ReelSilver
@testable import ReelModel

/// Speed figures, not timed tests: skipped unless REEL_BENCH is set. Run in
/// release mode on a quiet machine:
///
///     REEL_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ModelBenchmarks
///
/// REEL_BENCH_USERS / _MOVIES / _PER_USER / _RANK size the synthetic data
/// (default 20,000 × 5,000 × 50 × 64: small scale).
@Suite(.enabled(if: benchEnabled)) struct ModelBenchmarks {
    @Test func alsAndTopKThroughput() throws {
        let users = benchValue("REEL_BENCH_USERS", 20_000), movies = benchValue("REEL_BENCH_MOVIES", 5_000)
        let perUser = benchValue("REEL_BENCH_PER_USER", 50), rank = benchValue("REEL_BENCH_RANK", 64)
        let threads = benchValue("REEL_BENCH_THREADS", Parallel.availableCores)
        let ratings = randomRatings(users: users, movies: movies, perUser: perUser)
        print("data: \(users) users × \(movies) movies, \(ratings.ratingCount) ratings, rank \(rank), \(threads) threads")
        for (mode, solver) in benchValue("REEL_BENCH_SKIP_ALS", 0) == 1
            ? [] : [(ALSParams.Mode.explicit, ALSParams.Solver.cholesky), (.explicit, .cg), (.implicit, .cg), (.implicit, .cholesky)]
        {
            var log: [ALSIteration] = []
            let start = Clock.monotonic(), cpuStart = cpuSeconds()
            let f = try ALS.train(ratings, params: ALSParams(mode: mode, rank: rank, iterations: 3, threads: threads, solver: solver)) {
                log.append($0)
            }
            let wall = Clock.monotonic() - start
            let perIteration = log.map(\.seconds).reduce(0, +) / Double(log.count)
            print(
                "ALS \(mode.rawValue)/\(solver.rawValue): \(Console.fixed(perIteration, 3)) s per iteration (\(Console.fixed(wall, 2)) s wall, \(Console.fixed(cpuSeconds() - cpuStart, 2)) CPU-s for 3 with loss), loss \(log.last!.loss), load \(Console.fixed(loadAverage(), 2))"
            )
            let finite = f.userFactors.allSatisfy { $0.isFinite }
            #expect(finite)
        }
        let q = (0..<users * rank).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        let v = (0..<movies * rank).map { Float(($0 * 104_729) % 1000) / 1000 - 0.5 }
        for (k, excluding) in [(100, true), (100, false), (10, false)] {
            let start = Clock.monotonic(), cpuStart = cpuSeconds()
            let top = q.withUnsafeBufferPointer { qb in
                v.withUnsafeBufferPointer { vb in
                    ratings.userOffsets.withUnsafeBufferPointer { o in
                        ratings.userMovies.withUnsafeBufferPointer { m in
                            TopK.compute(
                                queries: qb, queryCount: users, items: vb, itemCount: movies, rank: rank, k: k,
                                exclude: excluding ? ExcludeLists(offsets: o, items: m) : nil, threads: threads)
                        }
                    }
                }
            }
            let seconds = Clock.monotonic() - start, cpu = cpuSeconds() - cpuStart
            let flop = 2 * Double(users) * Double(movies) * Double(rank)
            print(
                "top-\(k) for every user\(excluding ? ", rated movies excluded" : ""): \(Console.fixed(seconds, 3)) s wall (\(Console.fixed(flop / seconds / 1e9, 1)) GFLOP/s), \(Console.fixed(cpu, 3)) CPU-s (\(Console.fixed(flop / cpu / 1e9, 1)) GFLOP per CPU-s), load \(Console.fixed(loadAverage(), 2))"
            )
            #expect(top.movies.count == users * k)
        }
    }

    func randomRatings(users: Int, movies: Int, perUser: Int) -> SilverRatings {
        var g = SplitMix64(seed: 1)
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        triples.reserveCapacity(users * perUser)
        for u in 0..<users {
            var seen = Set<Int>()
            while seen.count < min(perUser, movies) {
                // Skewed towards low movie rows, like real popularity.
                let x = g.nextDouble()
                seen.insert(min(movies - 1, Int(Double(movies) * x * x)))
            }
            for m in seen { triples.append((u, m, Float(1 + g.next() % 9) / 2, Int64(g.next() % 1_000_000))) }
        }
        return makeRatings(users: users, movies: movies, triples)
    }
}

let benchEnabled: Bool = getenv("REEL_BENCH") != nil

func benchValue(_ name: String, _ fallback: Int) -> Int {
    guard let p = getenv(name) else { return fallback }
    return Int(String(cString: p)) ?? fallback
}

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func loadAverage() -> Double {
    var l = [Double](repeating: 0, count: 3)
    return getloadavg(&l, 3) > 0 ? l[0] : -1
}

#if canImport(Glibc)
import Glibc
@testable import ReelServing
#endif

/// The grid behind the defaults in docs/model.md (small planted data):
///
///     REEL_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ModelDefaultsGrid
@Suite(.enabled(if: benchEnabled)) struct ModelDefaultsGrid {
    @Test func implicitAndExplicitGrid() throws {
        let users = benchValue("REEL_BENCH_USERS", 2_000), movies = benchValue("REEL_BENCH_MOVIES", 600)
        let perUser = benchValue("REEL_BENCH_PER_USER", 30), rank = benchValue("REEL_BENCH_RANK", 32)
        let ratings = plantedRatings(users: users, movies: movies, perUser: perUser, rank: 8, seed: 11)
        let meta = makeMovies(movies)
        print("planted: \(users) users × \(movies) movies, \(ratings.ratingCount) ratings, model rank \(rank)")
        for split in [EvaluationParams.Split.temporal, .leaveLastN] {
            func run(_ e: ALSParams, _ i: ALSParams, _ h: HybridWeights = HybridWeights()) throws -> EvaluationReport {
                try Evaluation.run(
                    ratings: ratings, movies: meta,
                    params: EvaluationParams(split: split, explicit: e, implicit: i, hybrid: h))
            }
            let cheapImplicit = ALSParams(mode: .implicit, rank: 4, iterations: 1)
            let cheapExplicit = ALSParams(mode: .explicit, rank: 4, iterations: 1)
            for lambda: Float in [0.01, 0.05, 0.1, 0.3] {
                let r = try run(ALSParams(mode: .explicit, rank: rank, lambda: lambda, iterations: 10), cheapImplicit)
                let e = r.result("explicit-als")!
                print(
                    "\(split.rawValue) explicit λ=\(lambda): RMSE \(Console.fixed(e.rmse!, 4)) NDCG@10 \(Console.fixed(e.ndcg, 4)) | popular \(Console.fixed(r.result("popular")!.ndcg, 4))"
                )
            }
            for lambda: Float in [0.1, 1, 5, 20, 50] {
                for alpha: Float in [0.5, 1, 3] {
                    let r = try run(cheapExplicit, ALSParams(mode: .implicit, rank: rank, lambda: lambda, alpha: alpha, iterations: 15))
                    let i = r.result("implicit-als")!, h = r.result("hybrid")!
                    print(
                        "\(split.rawValue) implicit λ=\(lambda) α=\(alpha): NDCG@10 \(Console.fixed(i.ndcg, 4)) P@10 \(Console.fixed(i.precision, 4)) hybrid \(Console.fixed(h.ndcg, 4)) coverage \(Console.fixed(i.coverage, 3))"
                    )
                }
            }
            for (m, t) in [(Float(1), Float(0)), (0.8, 0.2), (0.6, 0.4), (0.4, 0.6)] {
                for d: Float in [0, 0.1] {
                    let r = try run(
                        cheapExplicit, ALSParams(mode: .implicit, rank: rank, iterations: 15), HybridWeights(model: m, trending: t, diversity: d))
                    print(
                        "\(split.rawValue) hybrid model \(m) trending \(t) diversity \(d): NDCG@10 \(Console.fixed(r.result("hybrid")!.ndcg, 4)) (implicit \(Console.fixed(r.result("implicit-als")!.ndcg, 4)), trending-30d \(Console.fixed(r.result("trending-30d")!.ndcg, 4)))"
                    )
                }
            }
            #expect(ratings.ratingCount == users * perUser)
        }
    }
}
