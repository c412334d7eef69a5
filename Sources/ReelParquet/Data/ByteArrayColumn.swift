/// Variable-length values (strings) stored Arrow-style: all bytes back to
/// back, and `offsets[i]..<offsets[i+1]` the bytes of value `i`. Two arrays
/// for a whole column instead of one `String` per value, so writing and
/// reading millions of strings allocates nothing per value.
public struct ByteArrayColumn: Sendable, Equatable {
    /// `count + 1` offsets, starting at 0, non-decreasing.
    public private(set) var offsets: [UInt32]
    public private(set) var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    /// Wraps prepared arrays; fails unless the offsets are well-formed.
    public init(offsets: [UInt32], bytes: [UInt8]) throws {
        guard let first = offsets.first, first == 0 else {
            throw ReelError(.invalidInput, "string column offsets must start with 0")
        }
        var previous: UInt32 = 0
        for o in offsets {
            guard o >= previous else { throw ReelError(.invalidInput, "string column offsets decrease (\(previous) then \(o))") }
            previous = o
        }
        guard Int(previous) == bytes.count else {
            throw ReelError(.invalidInput, "string column offsets end at \(previous) but there are \(bytes.count) bytes")
        }
        self.offsets = offsets
        self.bytes = bytes
    }

    public init(_ strings: [String]) {
        self.init()
        reserve(count: strings.count, bytes: strings.reduce(0) { $0 + $1.utf8.count })
        for s in strings { append(s) }
    }

    /// Values with nil as an empty entry (pair it with a validity array).
    public init(_ strings: [String?]) {
        self.init(strings.map { $0 ?? "" })
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserve(count: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(offsets.count + count)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    public mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    /// Appends an empty value (the slot of a null).
    public mutating func appendEmpty() {
        offsets.append(offsets[offsets.count - 1])
    }

    /// Appends all values of `other`.
    public mutating func append(contentsOf other: ByteArrayColumn) {
        let base = UInt32(truncatingIfNeeded: bytes.count)
        bytes.append(contentsOf: other.bytes)
        offsets.reserveCapacity(offsets.count + other.count)
        for i in 1..<other.offsets.count { offsets.append(base &+ other.offsets[i]) }
    }

    /// Byte range of value `i`.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    public func string(at i: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range(i)]), as: UTF8.self) }
    }

    public var strings: [String] { (0..<count).map(string(at:)) }
}

import ReelCore
