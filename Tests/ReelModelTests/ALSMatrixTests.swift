import Testing
import ReelCore
import ReelSilver
@testable import ReelModel

/// `ALS.train` on a plain `CSRMatrix` (as `implicit` takes a `csr_matrix`):
/// the same factors as the silver entry, and a clear error for a matrix or
/// ids that do not fit.
@Suite struct ALSMatrixTests {
    let ratings = plantedRatings(users: 60, movies: 40, perUser: 8)

    @Test(arguments: [ALSParams.Mode.explicit, .implicit])
    func aMatrixPairTrainsTheSameFactorsAsSilver(mode: ALSParams.Mode) throws {
        let p = ALSParams(mode: mode, rank: 6, lambda: 0.1, alpha: 2, iterations: 3, seed: 5, threads: 2)
        let silver = try ALS.train(ratings, params: p) { _ in }
        let both = try ALS.train(
            byUser: ratings.byUser, byMovie: ratings.byMovie, userIDs: ratings.userIDs,
            movieIDs: ratings.movieIDs, params: p
        ) { _ in }
        // Without the movie-major layout the trainer transposes: the same bytes.
        let transposed = try ALS.train(byUser: ratings.byUser, userIDs: ratings.userIDs, movieIDs: ratings.movieIDs, params: p) { _ in }
        for f in [both, transposed] {
            #expect(f.userFactors == silver.userFactors && f.movieFactors == silver.movieFactors)
            #expect(f.userIDs == silver.userIDs && f.movieIDs == silver.movieIDs)
            #expect(try JSONText.decode(ALSRecord.self, from: f.metadataJSON).ratings == ratings.ratingCount)
        }
    }

    @Test func aMalformedMatrixOrIdsOfAnotherSizeAreInvalidInput() {
        let p = ALSParams(mode: .explicit, rank: 4, iterations: 1, seed: 1, threads: 1)
        var outOfRange = ratings.byUser
        outOfRange.indices[3] = Int32(ratings.movieCount)
        var decreasing = ratings.byUser
        decreasing.offsets[2] = decreasing.offsets[3] + 1
        for (m, users, note) in [
            (outOfRange, ratings.userIDs, "column"), (decreasing, ratings.userIDs, "offsets"),
            (ratings.byUser, Array(ratings.userIDs.dropLast()), "ids"),
        ] {
            do {
                _ = try ALS.train(byUser: m, userIDs: users, movieIDs: ratings.movieIDs, params: p) { _ in }
                Issue.record("\(note): trained on a matrix that does not fit")
            } catch {
                #expect((error as? ReelError)?.kind == .invalidInput, "\(note): \(error)")
            }
        }
    }

    @Test func confidenceOptionsNeedTheSilverEntry() {
        var p = ALSParams(mode: .implicit, rank: 4, iterations: 1, seed: 1, threads: 1)
        p.confidence = .log
        #expect { _ = try ALS.train(byUser: ratings.byUser, userIDs: ratings.userIDs, movieIDs: ratings.movieIDs, params: p) } throws: {
            ($0 as? ReelError)?.kind == .usage
        }
        #expect(throws: Never.self) { _ = try ALS.train(ratings, params: p) { _ in } }
    }
}
