import Testing
import ReelCore
import ReelLakehouse
import ReelSilver
@testable import ReelModel

@Suite struct ALSTests {
    /// A fully observed 7 × 6 matrix of true rank 2.
    func tinyRankTwo() -> (SilverRatings, [[Float]]) {
        let u: [[Float]] = [[1, 0.5], [0.2, 1], [1, 1], [-0.5, 0.3], [0.8, -0.6], [0.1, 0.9], [1.2, 0.4]]
        let v: [[Float]] = [[1, 0.2], [0.5, 1], [-0.3, 0.8], [0.9, -0.4], [0.4, 0.4], [1.1, 0.7]]
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        var truth: [[Float]] = []
        for a in 0..<7 {
            truth.append((0..<6).map { m in u[a][0] * v[m][0] + u[a][1] * v[m][1] })
            for m in 0..<6 { triples.append((a, m, truth[a][m], 1)) }
        }
        return (makeRatings(users: 7, movies: 6, triples), truth)
    }

    func quietTrain(_ r: SilverRatings, _ p: ALSParams, warm: ModelFactors? = nil) throws -> (ModelFactors, [ALSIteration]) {
        var log: [ALSIteration] = []
        let f = try ALS.train(r, params: p, warmStart: warm) { log.append($0) }
        return (f, log)
    }

    func predict(_ f: ModelFactors, _ u: Int, _ m: Int) -> Float {
        (0..<f.rank).reduce(Float(0)) { $0 + f.userFactors[u * f.rank + $1] * f.movieFactors[m * f.rank + $1] }
    }

    @Test(arguments: [ALSParams.Solver.cholesky, .cg])
    func reconstructsATinyMatrixOfItsTrueRank(solver: ALSParams.Solver) throws {
        let (r, truth) = tinyRankTwo()
        let p = ALSParams(mode: .explicit, rank: 2, lambda: 1e-7, iterations: 200, seed: 1, threads: 1, cgSteps: 2, solver: solver)
        let (f, log) = try quietTrain(r, p)
        var worst: Float = 0
        for a in 0..<7 { for m in 0..<6 { worst = max(worst, abs(predict(f, a, m) - truth[a][m])) } }
        #expect(worst < 1e-3, "largest reconstruction error \(worst)")
        #expect(log.count == 200)
        #expect(log.last!.trainRMSE < 1e-3)
    }

    @Test(arguments: [ALSParams.Mode.explicit, .implicit])
    func choleskyAndConjugateGradientAgree(mode: ALSParams.Mode) throws {
        let r = plantedRatings(users: 40, movies: 30, perUser: 8)
        // With as many CG steps as unknowns, CG solves each row exactly too.
        let chol = try quietTrain(r, ALSParams(mode: mode, rank: 5, lambda: 0.5, alpha: 2, iterations: 5, seed: 3, threads: 2, solver: .cholesky)).0
        let cg = try quietTrain(
            r, ALSParams(mode: mode, rank: 5, lambda: 0.5, alpha: 2, iterations: 5, seed: 3, threads: 2, cgSteps: 12, solver: .cg)
        ).0
        var worst: Float = 0
        for a in 0..<40 { for m in 0..<30 { worst = max(worst, abs(predict(chol, a, m) - predict(cg, a, m))) } }
        #expect(worst < 2e-3, "largest disagreement \(worst)")
    }

    @Test(arguments: [ALSParams.Mode.explicit, .implicit])
    func lossNeverRises(mode: ALSParams.Mode) throws {
        let r = plantedRatings(users: 50, movies: 40, perUser: 10)
        let (_, log) = try quietTrain(
            r, ALSParams(mode: mode, rank: 6, lambda: 0.1, alpha: 1, iterations: 12, seed: 9, threads: 2, solver: .cholesky))
        for i in 1..<log.count {
            #expect(log[i].loss <= log[i - 1].loss * (1 + 1e-6), "iteration \(i + 1): \(log[i - 1].loss) → \(log[i].loss)")
        }
        #expect(log.last!.loss < log.first!.loss)
    }

    @Test func explicitStartsFromUnitRowsLikeSparkAndImplicitSmall() {
        let rank = 24, n16 = 32, rows = 50
        for mode in ALSParams.Mode.allCases {
            let m = FloatBuffer(count: rows * n16)
            defer { m.free() }
            FactorInitializer.fill(m, rows: rows, rank: rank, n16: n16, seed: 3, side: 1, mode: mode, threads: 2)
            let norms = (0..<rows).map { i in (0..<rank).reduce(Float(0)) { $0 + m[i * n16 + $1] * m[i * n16 + $1] }.squareRoot() }
            if mode == .explicit {
                #expect(norms.allSatisfy { abs($0 - 1) < 1e-5 }, "\(norms)")
            } else {
                let mean = norms.reduce(0, +) / Float(rows)
                #expect(mean > 0.08 && mean < 0.12, "mean row norm \(mean)")
            }
            #expect((0..<rows).allSatisfy { i in (rank..<n16).allSatisfy { m[i * n16 + $0] == 0 } })
        }
    }

    /// Ten explicit iterations from Spark's start (unit rows, movies solved
    /// first) end within 1% of the loss of 60 (measured: 1.010); from rows of
    /// norm 0.1 they ended 47% above it — the cause of a 1.11× RMSE gap to
    /// Spark (docs/model.md).
    @Test func explicitALSNearlyConvergesInTheDefaultTenIterations() throws {
        let r = plantedRatings(users: 300, movies: 120, perUser: 25)
        let p = ALSParams(mode: .explicit, rank: 8, lambda: 0.05, iterations: 10, seed: 4, threads: 2)
        let (_, ten) = try quietTrain(r, p)
        var long = p
        long.iterations = 60
        let (_, converged) = try quietTrain(r, long)
        #expect(ten.last!.loss <= converged.last!.loss * 1.03, "10 iterations: \(ten.last!.loss), 60: \(converged.last!.loss)")
    }

    @Test func sameSeedGivesIdenticalBytesForAnyThreadCount() throws {
        let r = plantedRatings(users: 200, movies: 60, perUser: 12)
        for mode in ALSParams.Mode.allCases {
            let a = try quietTrain(r, ALSParams(mode: mode, rank: 16, iterations: 3, seed: 5, threads: 2)).0
            let b = try quietTrain(r, ALSParams(mode: mode, rank: 16, iterations: 3, seed: 5, threads: 2)).0
            let c = try quietTrain(r, ALSParams(mode: mode, rank: 16, iterations: 3, seed: 5, threads: 1)).0
            let d = try quietTrain(r, ALSParams(mode: mode, rank: 16, iterations: 3, seed: 6, threads: 2)).0
            #expect(a.userFactors.map(\.bitPattern) == b.userFactors.map(\.bitPattern))
            #expect(a.movieFactors.map(\.bitPattern) == b.movieFactors.map(\.bitPattern))
            #expect(a.userFactors.map(\.bitPattern) == c.userFactors.map(\.bitPattern))
            #expect(a.userFactors != d.userFactors)
        }
    }

    @Test func singularCholeskySystemIsAClearErrorAndCGStaysFinite() throws {
        // λ = 0 and a user with 1 rating at rank 4: that user's 4 × 4 system has rank 1.
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = [(0, 0, 4, 1)]
        for a in 1..<6 { for m in 0..<6 { triples.append((a, m, Float((a + m) % 5 + 1), 1)) } }
        let r = makeRatings(users: 6, movies: 6, triples)
        #expect {
            _ = try quietTrain(r, ALSParams(mode: .explicit, rank: 4, lambda: 0, iterations: 2, threads: 1, solver: .cholesky))
        } throws: { error in
            let e = error as? ReelError
            return e?.kind == .invalidInput && e!.message.contains("iteration 1") && e!.message.contains("user row 0")
        }
        let (f, _) = try quietTrain(r, ALSParams(mode: .explicit, rank: 4, lambda: 0, iterations: 3, threads: 1, solver: .cg))
        #expect(f.userFactors.allSatisfy(\.isFinite) && f.movieFactors.allSatisfy(\.isFinite))
    }

    @Test func badParametersAreUsageErrors() {
        let r = plantedRatings(users: 5, movies: 5, perUser: 2)
        for p in [ALSParams(rank: 0), ALSParams(lambda: -1), ALSParams(alpha: .nan), ALSParams(iterations: 0), ALSParams(threads: 0)] {
            #expect { _ = try ALS.train(r, params: p) } throws: { ($0 as? ReelError)?.kind == .usage }
        }
    }

    @Test func warmStartMatchesIdsAndRefusesAnotherRank() throws {
        let r = plantedRatings(users: 60, movies: 40, perUser: 10)
        let p = ALSParams(mode: .explicit, rank: 4, lambda: 0.1, iterations: 8, seed: 2, threads: 2)
        let (trained, log) = try quietTrain(r, p)
        var one = p; one.iterations = 1
        let (_, cold) = try quietTrain(r, one)
        let (_, warm) = try quietTrain(r, one, warm: trained)
        #expect(warm[0].loss < cold[0].loss)
        #expect(warm[0].loss <= log.last!.loss * 1.0001)
        // A previous model that knows only some ids still starts every row.
        var partial = trained
        partial.userIDs = partial.userIDs.map { $0 + 30 }
        #expect(throws: Never.self) { _ = try quietTrain(r, one, warm: partial) }
        var other = p; other.rank = 8
        #expect { _ = try ALS.train(r, params: other, warmStart: trained) } throws: { ($0 as? ReelError)?.kind == .usage }
    }

    @Test func rowsWithoutRatingsGetZeroFactorsAndMetadataRecordsTheRun() throws {
        let r = makeRatings(users: 3, movies: 4, [(0, 0, 5, 1), (1, 1, 3, 1), (2, 0, 4, 1)])
        let (f, _) = try quietTrain(r, ALSParams(mode: .implicit, rank: 3, iterations: 2, threads: 1))
        #expect(f.movieFactors[2 * 3..<4 * 3].allSatisfy { $0 == 0 })
        #expect(f.userIDs == [1, 2, 3] && f.movieIDs == [1, 2, 3, 4])
        let record = try JSONText.decode(ALSRecord.self, from: f.metadataJSON)
        #expect(record.params.mode == .implicit && record.iterations.count == 2 && record.ratings == 3)
    }

    @Test func factorsSurviveTheFileRoundTrip() throws {
        let r = plantedRatings(users: 20, movies: 10, perUser: 4)
        let (f, _) = try quietTrain(r, ALSParams(mode: .explicit, rank: 3, iterations: 2, threads: 1))
        let dir = "/tmp/reel-model-test-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        defer { try? FileSystem.removeTree(dir) }
        try f.write(to: dir + "/model.factors")
        let back = try ModelFactors.read(path: dir + "/model.factors")
        #expect(back.userFactors == f.userFactors && back.movieIDs == f.movieIDs && back.metadataJSON == f.metadataJSON)
    }
}
