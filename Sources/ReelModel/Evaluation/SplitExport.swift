import ReelCore

extension EvaluationSplit {
    /// Writes the split as CSV for the peer benchmarks (Benchmarks/peers/):
    /// `train.csv` and `test.csv` (`userId,movieId,rating,timestamp`, external
    /// ids, test already restricted to known users and movies) and
    /// `split.json` (cut and counts). Each file is written atomically.
    public func export(to dir: String, params: EvaluationParams) throws {
        try FileSystem.createDirectory(dir)
        let t = train
        try Self.writeCSV(Path.join(dir, "train.csv"), rows: t.userCount) { u, emit in
            for j in Int(t.userOffsets[u])..<Int(t.userOffsets[u + 1]) {
                emit(t.userIDs[u], t.movieIDs[Int(t.userMovies[j])], t.userRatings[j], t.userTimes[j])
            }
        }
        try Self.writeCSV(Path.join(dir, "test.csv"), rows: t.userCount) { u, emit in
            for j in testRange(u) { emit(t.userIDs[u], t.movieIDs[Int(testMovies[j])], testRatings[j], testTimes[j]) }
        }
        let meta = SplitExportInfo(
            split: params.split.rawValue, fraction: params.fraction, holdout: params.holdout,
            cutTime: cutTime, trainRatings: t.ratingCount, testRatings: testCount,
            k: params.k, relevantThreshold: params.relevantThreshold)
        try FileSystem.writeAtomically(Path.join(dir, "split.json"), text: JSONText.encode(meta) + "\n")
    }

    private static func writeCSV(
        _ path: String, rows: Int,
        _ body: (Int, (Int32, Int32, Float, Int64) -> Void) -> Void
    ) throws {
        try AtomicFile.write(to: path) { w in
            w.write("userId,movieId,rating,timestamp\n")
            for u in 0..<rows {
                body(u) { user, movie, rating, time in
                    w.write("\(user),\(movie),\(Console.fixed(Double(rating), 1)),\(time)\n")
                }
            }
        }
    }
}

/// `split.json` of an exported split.
struct SplitExportInfo: Codable {
    var split: String
    var fraction: Double
    var holdout: Int
    var cutTime: Int64
    var trainRatings: Int
    var testRatings: Int
    var k: Int
    var relevantThreshold: Float
}
