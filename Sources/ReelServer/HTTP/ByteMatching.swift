/// Byte-level comparisons for routing: the router matches the request
/// target's bytes against static literals, without building strings.
extension UnsafeRawBufferPointer {
    /// True when these bytes equal `literal`.
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        guard count > 0 else { return true }
        return literal.withUTF8Buffer { memoryEquals(baseAddress!, $0.baseAddress!, count) }
    }

    /// True when these bytes equal `literal`, ignoring ASCII case.
    func equalsIgnoringCase(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            for i in 0..<count where asciiLower(self[i]) != asciiLower(expected[i]) { return false }
            return true
        }
    }

    /// True when these bytes equal the UTF-8 of `string`, ignoring ASCII case.
    func equalsIgnoringCase(_ string: String) -> Bool {
        guard count == string.utf8.count else { return false }
        var i = 0
        for byte in string.utf8 {
            if asciiLower(self[i]) != asciiLower(byte) { return false }
            i += 1
        }
        return true
    }

    /// The bytes after `literal` when they start with it, else nil.
    func dropPrefix(_ literal: StaticString) -> UnsafeRawBufferPointer? {
        let n = literal.utf8CodeUnitCount
        guard count >= n else { return nil }
        let head = UnsafeRawBufferPointer(rebasing: self[0..<n])
        return head.equals(literal) ? UnsafeRawBufferPointer(rebasing: self[n...]) : nil
    }

    /// Where `byte` first occurs (`memchr`: faster than the generic
    /// `firstIndex(of:)`, which compares byte by byte).
    @inline(__always)
    func offset(of byte: UInt8) -> Int? {
        guard let base = baseAddress, count > 0, let found = memchr(base, Int32(byte), count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Splits at the first `byte`: the part before it and, when present, the part after it.
    func splitOnce(at byte: UInt8) -> (head: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer?) {
        guard let i = offset(of: byte) else { return (self, nil) }
        return (UnsafeRawBufferPointer(rebasing: self[0..<i]), UnsafeRawBufferPointer(rebasing: self[(i + 1)...]))
    }
}

@inline(__always)
private func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

@inline(__always)
private func memoryEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    memcmp(a, b, n) == 0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
