/// Writes CSV rows as bytes straight into a pre-sized buffer.
///
/// The generator emits 25 million rows; formatting them with `String` or
/// Foundation would cost more than generating them. The cursor writes digits,
/// half-star ratings and RFC 4180-quoted fields by hand. The caller sizes the
/// buffer for the worst case (`maxRowBytes` per row) and checks `room` once per row.
struct CSVByteCursor {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// Traps unless `bytes` more fit: a wrong size estimate is a bug, never a short file.
    @inline(__always)
    func require(_ bytes: Int) {
        precondition(count + bytes <= capacity, "synth row buffer too small")
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    @inline(__always)
    mutating func comma() { byte(UInt8(ascii: ",")) }

    @inline(__always)
    mutating func newline() { byte(UInt8(ascii: "\n")) }

    /// Decimal digits of `value` (with a leading '-' when negative).
    @inline(__always)
    mutating func int(_ value: Int64) {
        var v = value.magnitude
        if value < 0 { byte(UInt8(ascii: "-")) }
        var length = 1
        var rest = v
        while rest >= 10 { rest /= 10; length += 1 }
        var p = base + count + length
        repeat {
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        } while v != 0
        count += length
    }

    @inline(__always)
    mutating func int(_ value: Int) { int(Int64(value)) }

    /// A rating of `halves` half stars (1...10) as MovieLens writes it: "0.5" ... "5.0".
    @inline(__always)
    mutating func halfStars(_ halves: Int) {
        byte(UInt8(truncatingIfNeeded: halves >> 1) &+ 48)
        byte(UInt8(ascii: "."))
        byte(halves & 1 == 0 ? UInt8(ascii: "0") : UInt8(ascii: "5"))
    }

    /// Raw bytes, as they are.
    @inline(__always)
    mutating func bytes(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: $0.count) }
        count += text.count
    }

    /// A field quoted as RFC 4180 requires: only when it holds a comma, a quote
    /// or a line break, with inner quotes doubled (as movies.csv does).
    mutating func field(_ text: [UInt8]) {
        guard CSVText.needsQuoting(text) else { bytes(text); return }
        byte(UInt8(ascii: "\""))
        for b in text {
            if b == UInt8(ascii: "\"") { byte(b) }
            byte(b)
        }
        byte(UInt8(ascii: "\""))
    }
}

/// RFC 4180 helpers shared by the byte cursor and the sequential table writers.
enum CSVText {
    static func needsQuoting(_ text: [UInt8]) -> Bool {
        text.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
    }

    /// The most bytes a field of `n` bytes takes once quoted.
    static func quotedBound(_ n: Int) -> Int { 2 * n + 2 }

    /// Formats rows into a byte array sized by `bound` (worst-case bytes for all rows).
    static func build(bound: Int, _ body: (inout CSVByteCursor) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { buffer, initialized in
            var cursor = CSVByteCursor(buffer)
            body(&cursor)
            initialized = cursor.count
        }
    }
}
