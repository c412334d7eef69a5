import Testing
import ReelCore
@testable import ReelRelease
#if canImport(Glibc)
import Glibc
#endif

@Suite struct VerificationStampTests {
    @Test func stampMatchesOnlyTheVerifiedFile() throws {
        var template = Array("/tmp/reel-stamp-XXXXXX".utf8CString)
        let dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
        let path = dir + "/a.reel"
        var w = SectionFileWriter(kind: ReleaseFormat.kind)
        w.add("x", [UInt32](0..<100))
        try w.write(to: path)
        #expect(!VerificationStamp.matches(path))
        try VerificationStamp.write(for: path)
        #expect(VerificationStamp.matches(path))
        // Through a relative symlink, as output/current is.
        symlink("a.reel", dir + "/current")
        #expect(VerificationStamp.matches(dir + "/current"))
        // A rewritten file (new inode, new mtime) no longer matches.
        var bytes = try FileSystem.readBytes(path)
        bytes[200] ^= 1
        try FileSystem.writeAtomically(path, bytes: bytes)
        #expect(!VerificationStamp.matches(path))
    }
}
