import Testing
import ReelCore
import ReelLakehouse
import ReelModel
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// The fold-in sections (format 1.1): written when the model records its ALS
/// parameters, read back and validated, absent (and not an error) otherwise;
/// a 1.0 file still opens.
@Suite struct FoldInReleaseTests {
    static let params = ALSParams(mode: .implicit, rank: 4, lambda: 3, alpha: 0.5)

    func world(recordParams: Bool) -> TinyWorld {
        var world = TinyWorld.make(seed: 21)
        if recordParams {
            world.factors.metadataJSON = JSONText.encode(ALSRecord(params: Self.params, iterations: [], users: 0, movies: 0, ratings: 0))
        }
        return world
    }

    @Test func sectionsRoundTripAndGiveAWorkingFoldIn() throws {
        let world = world(recordParams: true)
        let contents = try world.contents()
        #expect(contents.foldInParams == [0, 3, 0.5, 0])
        let path = makeTempDir() + "/r1.reel"
        try contents.write(to: path)
        let release = try Release(path: path)
        #expect(release.tables.file.minor == 1)
        let f = try #require(release.tables.foldIn)
        // YᵀY of the published movie factors, by brute force.
        let rank = release.rank, movies = release.movieCount
        for i in 0..<rank {
            for j in 0..<rank {
                var s: Float = 0
                for m in 0..<movies { s += release.tables.movieFactors[m * rank + i] * release.tables.movieFactors[m * rank + j] }
                #expect(abs(f.gram[i * rank + j] - s) <= 1e-3 * max(1, abs(s)), "gram[\(i),\(j)]")
            }
        }
        // User factors line up with silver rows (zero for users without factors).
        let users = try #require(f.users)
        for row in 0..<release.userCount {
            let id = world.silver.ratings.userIDs[row]
            let stored = Array(users[row * rank..<(row + 1) * rank])
            if let fr = world.factors.userIDs.firstIndex(of: id) {
                #expect(stored == Array(world.factors.userFactors[fr * rank..<(fr + 1) * rank]))
            } else {
                #expect(stored.allSatisfy { $0 == 0 })
            }
        }
        let model = try #require(release.makeFoldInModel())
        #expect(model.params == FoldInParams(rule: .implicitConfidence, lambda: 3, alpha: 0.5))
        let scratch = model.makeScratch(maxK: 8, maxRatings: 10)
        #expect(scratch.setRatings(rows: [0, 1, 3], values: [5, 4, 3]))
        #expect(model.solve(scratch))
        let n = model.topK(8, scratch)
        #expect(n == 8)
        for i in 0..<n {
            let m = Int(scratch.movies[i])
            #expect(![0, 1, 3].contains(m) && release.hasFactors(movieRow: m), "rated and factorless movies are never ranked")
        }
        #expect(model.userCount == release.userCount)
    }

    @Test func releaseWithoutTrainingRecordHasNoFoldInAndStillOpens() throws {
        let contents = try world(recordParams: false).contents()
        #expect(contents.foldInParams.isEmpty && contents.foldInGram.isEmpty && contents.foldInUsers.isEmpty)
        let path = makeTempDir() + "/r1.reel"
        try contents.write(to: path)
        let release = try Release(path: path)
        #expect(release.tables.foldIn == nil)
        #expect(release.makeFoldInModel() == nil)
    }

    @Test func aFormat10ReleaseStillOpens() throws {
        let contents = try world(recordParams: false).contents()
        var header = contents.header()
        header.minor = 0
        let path = makeTempDir() + "/old.reel"
        try ReleaseContents.write(sections: contents.encodedSections(), header: header, to: path)
        let release = try Release(path: path)
        #expect(release.tables.file.minor == 0 && release.tables.foldIn == nil)
    }

    @Test func optionalUserFactorsCanBeLeftOut() throws {
        let world = world(recordParams: true)
        var options = ReleaseOptions(k: 8, similarK: 5, trendingK: 6, threads: 2, queryBlock: 7)
        options.foldInUsers = false
        let contents = try ReleaseBuilder.build(
            silver: world.silver, factors: world.factors, options: options,
            metadata: ReleaseMetadata(releaseID: "r2", modelRun: "run", modelFingerprint: 1))
        #expect(contents.foldInUsers.isEmpty && !contents.foldInGram.isEmpty)
        let path = makeTempDir() + "/r2.reel"
        try contents.write(to: path)
        let release = try Release(path: path)
        #expect(release.tables.foldIn?.users == nil)
        #expect(release.makeFoldInModel()?.userCount == 0)
    }

    @Test func damagedFoldInSectionsAreRefusedByName() throws {
        let contents = try world(recordParams: true).contents()
        func refused(_ expected: String, _ edit: (inout [ReleaseContents.EncodedSection]) -> Void) {
            var sections = contents.encodedSections()
            edit(&sections)
            let path = makeTempDir() + "/bad.reel"
            let message = errorMessage {
                try ReleaseContents.write(sections: sections, header: contents.header(), to: path)
                _ = try Release(path: path)
            }
            #expect(message.contains(expected), "\(expected): got \(message)")
        }
        func replace(_ name: String, _ values: [Float]) -> (inout [ReleaseContents.EncodedSection]) -> Void {
            { sections in
                let i = sections.firstIndex { $0.name == name }!
                sections[i] = ReleaseContents.EncodedSection(
                    name: name, bytes: values.withUnsafeBytes { Array($0) },
                    count: values.count, elementSize: 4)
            }
        }
        refused("come together") { $0.removeAll { $0.name == ReleaseFormat.Section.foldInGram } }
        refused("needs 'foldInParams'") {
            $0.removeAll { $0.name == ReleaseFormat.Section.foldInGram || $0.name == ReleaseFormat.Section.foldInParams }
        }
        refused("foldInParams") { replace(ReleaseFormat.Section.foldInParams, [2, 3, 0.5, 0])(&$0) }
        refused("foldInParams") { replace(ReleaseFormat.Section.foldInParams, [0, 0, 0.5, 0])(&$0) }
        var asymmetric = contents.foldInGram
        asymmetric[1] += 1
        refused("not symmetric") { replace(ReleaseFormat.Section.foldInGram, asymmetric)(&$0) }
        refused("foldInGram") { replace(ReleaseFormat.Section.foldInGram, Array(contents.foldInGram.dropLast()))(&$0) }
        refused("foldInUsers") { replace(ReleaseFormat.Section.foldInUsers, Array(contents.foldInUsers.dropLast(4)))(&$0) }
    }
}
