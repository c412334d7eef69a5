#if canImport(Glibc)
import Glibc
#endif
import ReelCore
import ReelLakehouse
import Testing
@testable import ReelModel

@Suite("Confidence transform and recency weight")
struct ConfidenceTransformTests {
    /// Two users, three movies; user 0's newest rating is the data's newest.
    let ratings = makeRatings(
        users: 2, movies: 3,
        [
            (0, 0, 5, 1_000_000), (0, 1, 2, 1_000_000 - 86_400 * 10), (0, 2, 4, 1_000_000 - 86_400 * 20),
            (1, 0, 3, 1_000_000 - 86_400 * 10), (1, 2, 4.5, 1_000_000 - 86_400 * 40),
        ])

    @Test func defaultsTrainOnTheStarsAsStored() {
        let p = ALSParams(mode: .implicit)
        #expect(p.confidence == .raw && p.recencyHalfLifeDays == 0 && !p.transformsRatings)
        let same = ConfidenceTransform.apply(ratings, params: p)
        #expect(same.userRatings == ratings.userRatings && same.movieRatings == ratings.movieRatings)
    }

    @Test func positiveKeepsOnlyRatingsOfFourAndAbove() {
        let t = ConfidenceTransform.apply(ratings, params: ALSParams(mode: .implicit, confidence: .positive))
        #expect(t.ratingCount == 3)
        #expect(t.userRatings == [5, 4, 4.5])
        #expect(t.userMovies == [0, 2, 2])
        #expect(t.movieOffsets == [0, 1, 1, 3])
    }

    @Test func logScalesEveryRating() {
        let t = ConfidenceTransform.apply(ratings, params: ALSParams(mode: .implicit, confidence: .log))
        for (x, r) in zip(t.userRatings, ratings.userRatings) { #expect(abs(x - Float(log1p(Double(r)))) < 1e-6) }
    }

    @Test func recencyHalvesTheWeightEveryHalfLife() {
        let t = ConfidenceTransform.apply(ratings, params: ALSParams(mode: .implicit, recencyHalfLifeDays: 10))
        // Ages 0, 10, 20 days (user 0), 10, 40 days (user 1).
        let expected: [Float] = [5, 1, 1, 1.5, 4.5 / 16]
        for (x, e) in zip(t.userRatings, expected) { #expect(abs(x - e) < 1e-5) }
        // The movie-major copy carries the same weights.
        #expect(abs(t.movieRatings[0] - 5) < 1e-5 && abs(t.movieRatings[1] - 1.5) < 1e-5)
    }

    @Test func explicitModeIgnoresTheOptions() {
        let p = ALSParams(mode: .explicit, confidence: .positive, recencyHalfLifeDays: 5)
        #expect(!p.transformsRatings)
    }

    @Test func oldRecordsDecodeAsTheBehaviourTheyHad() throws {
        let old = #"{"mode":"implicit","rank":8,"lambda":20,"alpha":1,"iterations":15,"seed":42,"threads":2,"cgSteps":3,"solver":"cg"}"#
        let p = try JSONText.decode(ALSParams.self, from: old)
        #expect(p.confidence == .raw && p.recencyHalfLifeDays == 0)
        let round = try JSONText.decode(ALSParams.self, from: JSONText.encode(ALSParams(confidence: .log, recencyHalfLifeDays: 90)))
        #expect(round.confidence == .log && round.recencyHalfLifeDays == 90)
    }

    @Test func theTrainRecordSaysWhatWasTrained() throws {
        let data = plantedRatings(users: 60, movies: 40, perUser: 12)
        let p = ALSParams(mode: .implicit, rank: 4, iterations: 3, threads: 2, confidence: .positive, recencyHalfLifeDays: 30)
        let model = try ALS.train(data, params: p, log: { _ in })
        let record = try JSONText.decode(ALSRecord.self, from: model.metadataJSON)
        #expect(record.params.confidence == .positive && record.params.recencyHalfLifeDays == 30)
        #expect(record.ratings == data.userRatings.filter { $0 >= 4 }.count)
        // Transformed training differs from the default on the same data and seed.
        let plain = try ALS.train(data, params: ALSParams(mode: .implicit, rank: 4, iterations: 3, threads: 2), log: { _ in })
        #expect(plain.userFactors != model.userFactors)
    }

    @Test func negativeHalfLifeIsAUsageError() {
        #expect(throws: ReelError.self) { try ALSParams(recencyHalfLifeDays: -1).validate() }
    }
}
