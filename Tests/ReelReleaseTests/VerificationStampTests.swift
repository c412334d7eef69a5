import Testing
import ReelCore
import ReelTestSupport
@testable import ReelRelease
#if canImport(Glibc)
import Glibc
@testable import ReelServing
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

    /// Issue 16 item 4: an in-place edit (same inode, same size) with the modification
    /// time put back must not pass for the verified file; the change time betrays it.
    @Test func inPlaceEditWithRestoredMtimeDoesNotMatch() throws {
        var template = Array("/tmp/reel-stamp-XXXXXX".utf8CString)
        let dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/a.reel"
        var w = SectionFileWriter(kind: ReleaseFormat.kind)
        w.add("x", [UInt32](0..<100))
        try w.write(to: path)
        try VerificationStamp.write(for: path)
        #expect(VerificationStamp.matches(path))
        var before = stat()
        #expect(stat(path, &before) == 0)
        // Let the clock move past the stamp's ctime (ns resolution, but coarse filesystem ticks).
        usleep(20_000)
        // Flip one byte inside a section in place, then restore the modification time.
        let fd = open(path, O_WRONLY)
        #expect(fd >= 0)
        var byte: UInt8 = 0x5A
        #expect(pwrite(fd, &byte, 1, 200) == 1)
        var times = [before.st_atim, before.st_mtim]
        #expect(futimens(fd, &times) == 0)
        close(fd)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(!VerificationStamp.matches(path))
    }
}

/// A lookup that had to verify a release in full stamps it, so the next one is fast: a release
/// copied to an edge host, or stamped by an older Reel (no change time in the stamp), is hashed
/// once, not by every `reel topk`. A damaged file gets no stamp.
@Suite struct LookupStampingTests {
    let dir = makeTempDir()

    @Test func fullVerificationByALookupWritesTheStamp() throws {
        let path = dir + "/r.reel"
        try TinyWorld.make().contents().write(to: path)
        // A stamp in the older format (no change time): it does not match.
        try FileSystem.writeAtomically(VerificationStamp.path(for: path), text: "1 2 3 4.5 0123456789abcdef\n")
        #expect(!VerificationStamp.matches(path))
        _ = try Release.openForLookup(path: path)
        #expect(VerificationStamp.matches(path), "the lookup verified in full and stamped the file")
        // Through output/current's relative symlink the stamp is the target's.
        symlink("r.reel", dir + "/current")
        #expect(VerificationStamp.matches(dir + "/current"))

        var bytes = try FileSystem.readBytes(path)
        bytes[bytes.count / 2] ^= 1
        let damaged = dir + "/damaged.reel"
        try FileSystem.writeAtomically(damaged, bytes: bytes)
        #expect(throws: ReelError.self) { _ = try Release.openForLookup(path: damaged) }
        #expect(!FileSystem.exists(VerificationStamp.path(for: damaged)), "a refused file is never stamped")
    }
}
