import ReelCore
@testable import ReelLakehouse
import Testing

@Suite struct QuarantineRetentionTests {
    @Test func keepsTheNewestRunsFolders() throws {
        let home = ReelHome(root: SynthTestSupport.tempDir("quarantine"))
        let runs = [
            "20261120T020000.000Z-aaaa", "20261121T020000.000Z-bbbb", "20261122T020000.000Z-cccc",
            "20261123T020000.000Z-dddd", "20261124T020000.000Z-eeee",
        ]
        for run in runs.shuffled() {
            try FileSystem.createDirectory(home.quarantine(run: run))
            try FileSystem.writeAtomically(Path.join(home.quarantine(run: run), "ratings.rejects.csv"), text: "line,rule,original\n")
        }
        #expect(try QuarantineRetention.prune(home: home, keep: 2) == Array(runs.prefix(3)))
        for (i, run) in runs.enumerated() { #expect(FileSystem.exists(home.quarantine(run: run)) == (i >= 3), "\(run)") }
        #expect(try QuarantineRetention.prune(home: home, keep: 2).isEmpty)
        // A home that never quarantined anything.
        #expect(try QuarantineRetention.prune(home: ReelHome(root: SynthTestSupport.tempDir("quarantine-none")), keep: 1).isEmpty)
    }
}
