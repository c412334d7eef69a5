import Testing
@testable import ReelLakehouse

@Suite struct BronzeMD5Tests {
    /// The test suite of RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func matchesRFC1321(input: String, digest: String) {
        #expect(Array(input.utf8).withUnsafeBytes { MD5.hex($0) } == digest)
    }

    @Test func streamingInOddPiecesEqualsOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = data.withUnsafeBytes { MD5.hex($0) }
        for piece in [1, 3, 63, 64, 65, 1000] {
            var md5 = MD5()
            var at = 0
            while at < data.count {
                md5.update(Array(data[at..<min(at + piece, data.count)]))
                at += piece
            }
            #expect(md5.finalizeHex() == whole, "pieces of \(piece)")
        }
    }
}
