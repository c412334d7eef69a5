import ReelCore

extension ModelFactors {
    /// `REELFACT` version 1.0. Sections: `userIDs` (Int32), `movieIDs` (Int32),
    /// `userFactors` and `movieFactors` (Float32, row-major), `meta` (JSON).
    /// Header user words: 0 = rank, 1 = user count, 2 = movie count.
    public static let fileKind = SectionFileKind(magic: "REELFACT", major: 1, minor: 0, name: "model factors")

    /// Writes the factors atomically (verified before rename).
    public func write(to path: String, createdAt: Int64 = Clock.now()) throws {
        precondition(userFactors.count == userIDs.count * rank && movieFactors.count == movieIDs.count * rank)
        var w = SectionFileWriter(kind: Self.fileKind)
        w.header.createdAt = createdAt
        w.header.userWords[0] = UInt64(rank)
        w.header.userWords[1] = UInt64(userIDs.count)
        w.header.userWords[2] = UInt64(movieIDs.count)
        w.add("userIDs", userIDs)
        w.add("movieIDs", movieIDs)
        w.add("userFactors", userFactors)
        w.add("movieFactors", movieFactors)
        w.add("meta", text: metadataJSON)
        try w.write(to: path)
    }

    /// Reads and fully verifies a factors file.
    public static func read(path: String) throws -> ModelFactors {
        let r = try SectionFileReader(path: path, kind: fileKind, verify: .full)
        let rank = Int(r.userWords[0])
        let f = ModelFactors(
            rank: rank,
            userIDs: try r.copy("userIDs"), movieIDs: try r.copy("movieIDs"),
            userFactors: try r.copy("userFactors"), movieFactors: try r.copy("movieFactors"),
            metadataJSON: try r.text("meta"))
        guard rank > 0, f.userFactors.count == f.userIDs.count * rank, f.movieFactors.count == f.movieIDs.count * rank else {
            throw ReelError(.corrupt, "\(path): factor matrix sizes disagree with rank \(rank) and the id maps")
        }
        return f
    }
}
