import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Receives the accepted rows of a table (in file order within a chunk),
/// typically appending them to compact column buffers.
public protocol RowSink: Sendable {
    /// `values` is only read. It is `inout` because reading an element of an
    /// `InlineArray` inside a borrowed value copies the whole array (Swift
    /// 6.3), which on the ratings hot path cost a store-forwarding stall per row.
    mutating func accept(_ record: CSVRecord, _ values: inout RowValues, in bytes: UnsafeRawBufferPointer)

    /// Whether `accept` reads the record's fields (not only `values`); when
    /// not, the numeric fast path leaves all but the record's start and end
    /// unset. True unless a sink says otherwise.
    static var readsRecords: Bool { get }
}

extension RowSink {
    public static var readsRecords: Bool { true }
}

/// A parsed table: one sink per chunk, in file order, and every reject with
/// its absolute line number.
public struct TableParse<Sink> {
    public var sinks: [Sink]
    public var rejects: RejectLog
    /// Records read (header excluded).
    public var read: Int
}

/// Scans and validates a CSV buffer on several threads: the buffer is split
/// on (probable) record boundaries, each chunk is scanned and validated into
/// its own sink, then the chunks are stitched in order, re-scanning any chunk
/// whose guessed start was not a real record boundary (`CSVChunks`). The
/// result does not depend on the thread count.
public enum TableParser {
    /// A bridge for the mapped bytes into worker threads (read-only, outlives them).
    struct SharedBytes: @unchecked Sendable { let bytes: UnsafeRawBufferPointer }

    /// - Parameters:
    ///   - dataStart: offset of the first record after the header.
    ///   - firstLine: line number of that record (2 after a one-line header).
    ///   - threads: chunks scanned in parallel; 1 when the table has a `unique`
    ///     rule (which needs the lines in order).
    ///   - releasePages: drop scanned pages from this process (`MADV_DONTNEED`)
    ///     as the scan moves on, so a large input does not count towards RSS.
    ///   - minimumChunk: smaller inputs are not split (tests lower it).
    ///   - makeSink: a sink for a chunk of the given size in bytes.
    public static func parse<Sink: RowSink>(
        bytes: UnsafeRawBufferPointer, dataStart: Int, firstLine: Int,
        validator: RowValidator, threads: Int, progress: Progress? = nil, releasePages: Bool = false,
        minimumChunk: Int = 1 << 16, makeSink: @escaping @Sendable (Int) -> Sink
    ) -> TableParse<Sink> {
        let threadCount = validator.hasUniqueRule ? 1 : max(1, threads)
        let bounds = CSVChunks.boundaries(bytes, from: dataStart, count: threadCount, minimumChunk: minimumChunk)
        let chunks = bounds.count - 1
        let shared = SharedBytes(bytes: bytes)
        let results = ParallelSlots<ChunkResult<Sink>>(count: chunks)
        Parallel.onWorkers(chunks) { k in
            results[k] = scan(
                shared.bytes, from: bounds[k], limit: bounds[k + 1], validator: validator,
                progress: progress, releasePages: releasePages, makeSink: makeSink)
        }
        var parts = results.take()
        // Stitch: chunk k must start where chunk k-1's last record ended.
        for k in 1..<max(1, parts.count) where parts[k].start != parts[k - 1].end {
            parts[k] = scan(
                bytes, from: parts[k - 1].end, limit: max(parts[k - 1].end, parts[k].limit),
                validator: validator, progress: nil, releasePages: false, makeSink: makeSink)
        }
        var rejects = RejectLog(ruleCount: validator.ruleNames.count)
        var read = 0
        var line = firstLine
        var sinks: [Sink] = []
        sinks.reserveCapacity(parts.count)
        for part in parts {
            rejects.append(part.rejects, lineOffset: line - 1)
            read += part.read
            line += part.lines
            sinks.append(part.sink)
        }
        return TableParse(sinks: sinks, rejects: rejects, read: read)
    }

    struct ChunkResult<Sink> {
        var sink: Sink
        var rejects: RejectLog
        var read: Int
        var start: Int
        /// Where the last record (and its line end) ended.
        var end: Int
        var limit: Int
        /// Line feeds consumed.
        var lines: Int
    }

    static func scan<Sink: RowSink>(
        _ bytes: UnsafeRawBufferPointer, from: Int, limit: Int, validator: RowValidator,
        progress: Progress?, releasePages: Bool,
        makeSink: (Int) -> Sink
    ) -> ChunkResult<Sink> {
        var validator = validator
        var sink = makeSink(max(0, limit - from))
        var scanner = CSVScanner(bytes: bytes, from: from, limit: limit)
        var record = CSVRecord()
        var values = RowValues()
        var rejects = RejectLog(ruleCount: validator.ruleNames.count)
        var read = 0
        var reported = from
        let reportEvery = 1 << 22
        // Numeric tables (ratings) try each line on the fast path first.
        let fast = NumericRowFastPath(validator)
        let fastEnd = fast.isEnabled ? min(limit - 1, bytes.count - NumericRowFastPath.margin) : -1
        while true {
            if scanner.position <= fastEnd,
                let next = fast.parse(
                    bytes.baseAddress!, at: scanner.position, line: scanner.line, into: &values, record: &record,
                    fillRecord: Sink.readsRecords)
            {
                scanner.skipLine(to: next)
                read += 1
                sink.accept(record, &values, in: bytes)
            } else {
                guard scanner.next(into: &record) else { break }
                read += 1
                if let rule = validator.validate(record, in: bytes, into: &values) {
                    rejects.append(
                        line: record.line, rule: rule,
                        original: UnsafeRawBufferPointer(rebasing: bytes[record.start..<record.end]))
                } else {
                    sink.accept(record, &values, in: bytes)
                }
            }
            if record.start - reported >= reportEvery {
                progress?.advance(record.start - reported)
                if releasePages { PageRelease.dontNeed(bytes, reported..<record.start) }
                reported = record.start
            }
        }
        progress?.advance(scanner.position - reported)
        if releasePages { PageRelease.dontNeed(bytes, reported..<scanner.position) }
        return ChunkResult(
            sink: sink, rejects: rejects, read: read, start: from, end: scanner.position,
            limit: limit, lines: scanner.line - 1)
    }
}

/// Drops pages of a read-only private file mapping from this process; the
/// kernel reads them back from the page cache if they are touched again.
enum PageRelease {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func dontNeed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        guard let base = bytes.baseAddress else { return }
        let address = Int(bitPattern: base)
        // Whole pages strictly inside the range.
        let first = (address + range.lowerBound + pageSize - 1) / pageSize * pageSize
        let last = (address + range.upperBound) / pageSize * pageSize
        guard last > first, let start = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(start, last - first, MADV_DONTNEED)
    }
}
