#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The `Date` header value (`Tue, 25 Nov 2026 13:49:18 GMT`), re-formatted at
/// most once per second per connection and otherwise copied.
struct HTTPDateCache {
    private var second: time_t = -1
    private var bytes = [UInt8](repeating: 0, count: 29)

    /// Writes the current value (29 bytes) through `writer`.
    mutating func write(into writer: inout RawJSONWriter) {
        let now = time(nil)
        if now != second {
            second = now
            var t = now
            var parts = tm()
            gmtime_r(&t, &parts)
            format(parts)
        }
        bytes.withUnsafeBytes { writer.bytes($0) }
    }

    private mutating func format(_ t: tm) {
        let days: StaticString = "SunMonTueWedThuFriSat"
        let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"
        bytes.withUnsafeMutableBufferPointer { out in
            days.withUTF8Buffer { d in for i in 0..<3 { out[i] = d[Int(t.tm_wday) * 3 + i] } }
            out[3] = UInt8(ascii: ","); out[4] = UInt8(ascii: " ")
            Self.two(Int(t.tm_mday), at: 5, out)
            out[7] = UInt8(ascii: " ")
            months.withUTF8Buffer { m in for i in 0..<3 { out[8 + i] = m[Int(t.tm_mon) * 3 + i] } }
            out[11] = UInt8(ascii: " ")
            let year = Int(t.tm_year) + 1900
            Self.two(year / 100, at: 12, out)
            Self.two(year % 100, at: 14, out)
            out[16] = UInt8(ascii: " ")
            Self.two(Int(t.tm_hour), at: 17, out)
            out[19] = UInt8(ascii: ":")
            Self.two(Int(t.tm_min), at: 20, out)
            out[22] = UInt8(ascii: ":")
            Self.two(Int(t.tm_sec), at: 23, out)
            for (i, ch) in " GMT".utf8.enumerated() { out[25 + i] = ch }
        }
    }

    private static func two(_ value: Int, at offset: Int, _ out: UnsafeMutableBufferPointer<UInt8>) {
        out[offset] = UInt8(truncatingIfNeeded: value / 10 % 10) + 48
        out[offset + 1] = UInt8(truncatingIfNeeded: value % 10) + 48
    }
}
