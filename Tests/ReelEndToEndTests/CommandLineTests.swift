import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func helpListsEveryStage() throws {
        let home = try makeHome("help")
        let r = try ReelBinary.ok(["--help"], root: home)
        for word in ["synth", "bronze", "etl", "train", "evaluate", "publish", "serve", "topk"] {
            #expect(r.stdout.contains(word), "--help does not mention \(word)")
        }
    }

    @Test func unknownSubcommandFails() throws {
        let home = try makeHome("bad")
        let r = try ReelBinary.run(["no-such-command"], root: home)
        #expect(r.status != 0)
    }
}
