import Testing
import ReelTestSupport
@testable import ReelCore

/// `FileSystem.linkTarget`: the one resolver of `output/current`,
/// `output/models/latest` and `lakehouse/silver/current`.
@Suite struct LinkTargetTests {
    @Test func aRelativeTargetIsTakenFromTheLinksFolder() throws {
        let root = makeTempDir("reel-link")
        let output = Path.join(root, "output")
        try FileSystem.createDirectory(Path.join(output, "releases"))
        try FileSystem.writeAtomically(Path.join(output, "releases/a.reel"), text: "x")
        try FileSystem.replaceSymlink(Path.join(output, "current"), target: "releases/a.reel")
        try FileSystem.replaceSymlink(Path.join(output, "absolute"), target: Path.join(output, "releases"))
        #expect(FileSystem.linkTarget(Path.join(output, "current")) == Path.join(output, "releases/a.reel"))
        #expect(FileSystem.linkTarget(Path.join(output, "releases/a.reel")) == nil)
        #expect(FileSystem.linkTarget(Path.join(output, "missing")) == nil)
        #expect(FileSystem.linkedDirectory(Path.join(output, "absolute")) == Path.join(output, "releases"))
        #expect(FileSystem.linkedDirectory(Path.join(output, "current")) == nil, "a link to a file is not a folder")
    }
}
