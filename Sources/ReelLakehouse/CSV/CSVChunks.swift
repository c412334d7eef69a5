/// Splits a CSV buffer into chunks for parallel scanning.
///
/// Each boundary is placed just after a line feed near an even split, which
/// is a record boundary unless the line feed sits inside a quoted field. That
/// cannot be known without scanning from the start, so the split is a guess
/// that the parse checks: chunk i's scanner reports where its last record
/// really ended, and when that is not where chunk i+1 began (a quoted line
/// break straddled the boundary) chunk i+1 is scanned again from the true
/// position (`TableParser`). Results never depend on the number of chunks.
public enum CSVChunks {
    /// Chunk boundaries `[start, b1, …, end]`, strictly increasing, at most
    /// `count` chunks; fewer when the buffer is small or has few lines.
    public static func boundaries(
        _ bytes: UnsafeRawBufferPointer, from start: Int, count: Int,
        minimumChunk: Int = 1 << 16
    ) -> [Int] {
        let end = bytes.count
        guard count > 1, end - start >= 2 * minimumChunk, let base = bytes.baseAddress else {
            return [start, max(start, end)]
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var result = [start]
        let step = (end - start) / count
        for k in 1..<count {
            var i = max(start + k * step, result.last! + 1)
            while i < end && p[i - 1] != CSVByte.lf { i += 1 }
            if i >= end { break }
            result.append(i)
        }
        result.append(end)
        return result
    }
}
