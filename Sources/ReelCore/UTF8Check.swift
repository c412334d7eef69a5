/// Strict UTF-8 validation (no overlongs, surrogates or code points above
/// U+10FFFF), shared by every reader that copies file bytes into JSON or a
/// terminal as is, and by the ingest/ETL data rules.
public enum UTF8Check {
    /// The length of the valid UTF-8 sequence starting at `i` (1–4), or nil.
    @inlinable
    public static func sequenceLength<C: RandomAccessCollection>(_ bytes: C, at i: C.Index) -> Int?
    where C.Element == UInt8, C.Index == Int {
        let b = bytes[i]
        if b < 0x80 { return 1 }
        var need = 0
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; upper = 0x9F
        case 0xF0: need = 3; lower = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; upper = 0x8F
        default: return nil
        }
        guard bytes.endIndex - i > need else { return nil }
        for j in 1...need {
            let c = bytes[i + j]
            let lo: UInt8 = j == 1 ? lower : 0x80
            let hi: UInt8 = j == 1 ? upper : 0xBF
            guard c >= lo, c <= hi else { return nil }
        }
        return need + 1
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    public static func firstInvalid<C: RandomAccessCollection>(_ bytes: C) -> Int?
    where C.Element == UInt8, C.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] < 0x80 { i += 1; continue }
            guard let n = sequenceLength(bytes, at: i) else { return i - bytes.startIndex }
            i += n
        }
        return nil
    }
}
