/// A byte-level RFC 4180 record scanner over a buffer (usually a memory-mapped
/// file): quoted fields with commas, doubled quotes and line breaks, LF or
/// CRLF line ends, a missing final newline. It never allocates and never
/// copies; each record is reported as byte ranges (`CSVRecord`).
///
/// Broken quoting does not derail the scan: a quote inside an unquoted field
/// is kept as data and text after a closing quote runs to the next comma or
/// line end, both marking the record `malformed` (the `field_count` rule
/// rejects it) without swallowing the lines after it. Only a quoted field that
/// never closes runs to the end of the buffer, as RFC 4180 requires.
///
/// A scanner covers `[start, limit)`: it reports every record that *starts*
/// before `limit`, even one that ends after it, so chunks scanned in parallel
/// (`CSVChunks`) cover each record exactly once.
public struct CSVScanner {
    public let bytes: UnsafeRawBufferPointer
    /// Where the next record starts.
    public private(set) var position: Int
    /// Records starting at or after this offset are not reported.
    public let limit: Int
    /// 1-based line of the next record, counted from where the scan began.
    public private(set) var line = 1

    public init(bytes: UnsafeRawBufferPointer, from start: Int, limit: Int) {
        self.bytes = bytes
        self.position = start
        self.limit = min(limit, bytes.count)
    }

    /// The first byte after a UTF-8 byte-order mark, if the buffer has one.
    public static func contentStart(_ bytes: UnsafeRawBufferPointer) -> Int {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return 3 }
        return 0
    }

    /// Moves past a one-line record that a caller parsed itself
    /// (`NumericRowFastPath`): `next` is the offset just past its line feed.
    @inline(__always)
    public mutating func skipLine(to next: Int) {
        position = next
        line += 1
    }

    /// Scans the next record into `r`; false at `limit`.
    @inline(__always)
    public mutating func next(into r: inout CSVRecord) -> Bool {
        guard position < limit, let base = bytes.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let end = bytes.count
        var i = position
        r.start = i
        r.line = line
        r.fieldCount = 0
        r.malformed = false
        r.quoteBits = 0
        var newlines = 0
        while true {
            let f = r.fieldCount
            var fieldStart = i
            var fieldEnd: Int
            if i < end && p[i] == CSVByte.quote {
                // Quoted field: runs to the next quote that is not doubled.
                i += 1
                fieldStart = i
                var escaped = false
                while true {
                    if i >= end { r.malformed = true; fieldEnd = end; break }
                    let c = p[i]
                    if c == CSVByte.quote {
                        if i + 1 < end && p[i + 1] == CSVByte.quote { escaped = true; i += 2; continue }
                        fieldEnd = i
                        i += 1
                        break
                    }
                    if c == CSVByte.lf { newlines += 1 }
                    i += 1
                }
                if f < CSVRecord.capacity {
                    r.quoteBits |= 1 << UInt32(f)
                    if escaped { r.quoteBits |= 1 << UInt32(f + 16) }
                }
                // After the closing quote: a comma, a line end, or the end of the buffer.
                if i < end, p[i] == CSVByte.cr, i + 1 == end || p[i + 1] == CSVByte.lf {
                    i += 1  // CRLF: stripped from the record below
                } else if i < end, p[i] != CSVByte.comma, p[i] != CSVByte.lf {
                    r.malformed = true
                    while i < end && p[i] != CSVByte.comma && p[i] != CSVByte.lf { i += 1 }
                }
            } else {
                // Unquoted field. Every byte RFC 4180 treats specially is below '-',
                // so digits and letters cost one comparison.
                while i < end {
                    let c = p[i]
                    if c <= CSVByte.comma {
                        if c == CSVByte.comma || c == CSVByte.lf { break }
                        if c == CSVByte.quote { r.malformed = true }
                    }
                    i += 1
                }
                fieldEnd = i
            }
            let atRecordEnd = i >= end || p[i] == CSVByte.lf
            // CRLF: the CR belongs to the line end, not to the last field.
            var contentEnd = i
            if atRecordEnd, contentEnd > r.start, p[contentEnd - 1] == CSVByte.cr {
                contentEnd -= 1
                if fieldEnd > contentEnd { fieldEnd = contentEnd }
            }
            if f < CSVRecord.capacity {
                r.fieldStarts[f] = fieldStart
                r.fieldEnds[f] = max(fieldStart, fieldEnd)
            }
            r.fieldCount = f + 1
            if atRecordEnd {
                r.end = contentEnd
                if i < end { i += 1; newlines += 1 }
                break
            }
            i += 1  // the comma
        }
        position = i
        line += newlines
        return true
    }
}
