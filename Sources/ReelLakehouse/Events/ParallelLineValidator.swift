import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a line sits in the buffer being validated (without its `\n` or `\r\n`).
struct LineSpan {
    var offset: Int
    var length: Int
}

/// A line that broke a rule: its index within the slice (0-based), where it
/// is, the rule and, when known, its type.
struct RejectedLine {
    var line: Int
    var span: LineSpan
    var rule: UInt16
    var type: EventType?
}

/// One worker's results over its slice of a buffer, in line order.
struct ValidatedSlice {
    var lines = 0
    var accepted: [EventRecord] = []
    var acceptedSpans: [LineSpan] = []
    var rejected: [RejectedLine] = []

    mutating func reset() {
        lines = 0
        accepted.removeAll(keepingCapacity: true)
        acceptedSpans.removeAll(keepingCapacity: true)
        rejected.removeAll(keepingCapacity: true)
    }
}

/// Validates a buffer of NDJSON lines on every core: the buffer is cut into
/// one slice per worker on line boundaries (`Parallel.onWorkers`), each worker scans its slice with
/// its own scratch space and result arrays (reused from buffer to buffer, so
/// the steady state allocates nothing), and the caller reads the slices back
/// in input order. Deduplication and routing stay sequential in the caller,
/// which keeps "first occurrence wins" independent of thread timing.
final class ParallelLineValidator: @unchecked Sendable {
    let validator: EventValidator
    let workers: Int
    /// Per-worker results of the last `validate` call (index < its return value).
    let slices: UnsafeMutableBufferPointer<ValidatedSlice>
    private let scratches: UnsafeMutableBufferPointer<EventValidator.Scratch>
    /// Below this many bytes a buffer is validated on one thread.
    static let parallelThreshold = 256 << 10

    init(schemas: EventSchemaSet, workers: Int? = nil) {
        validator = EventValidator(schemas: schemas)
        self.workers = max(1, min(workers ?? Parallel.availableCores, 16))
        slices = .allocate(capacity: self.workers)
        slices.initialize(repeating: ValidatedSlice())
        scratches = .allocate(capacity: self.workers)
        scratches.initialize(repeating: EventValidator.Scratch())
    }

    deinit {
        slices.deinitialize().deallocate()
        scratches.deinitialize().deallocate()
    }

    /// The work of one `validate` call, shared read-only by the workers; each
    /// worker writes only its own slice and scratch (distinct memory).
    private struct Job: @unchecked Sendable {
        let validator: EventValidator
        let base: UnsafeRawPointer
        let bounds: [Int]
        let fileType: EventType?
        let admission: Admission?
        let slices: UnsafeMutableBufferPointer<ValidatedSlice>
        let scratches: UnsafeMutableBufferPointer<EventValidator.Scratch>

        func run(_ w: Int) {
            ParallelLineValidator.run(validator, base, bounds[w], bounds[w + 1], fileType, admission, &slices[w], &scratches[w])
        }
    }

    /// The contract's time rules that ingest applies after the schema
    /// (`EventRowRules`, time only); a line breaking rule i is rejected with
    /// code `firstCode + i`. Not used when re-reading bronze (index rebuilds,
    /// the ETL's reader), which must see every line a part file holds.
    struct Admission: Sendable {
        let rules: EventRowRules
        let firstCode: UInt16
    }

    /// Validates every line of `buffer`; returns how many slices (from index
    /// 0) hold its results. `fileType` is the type the input declares, if any.
    func validate(_ buffer: UnsafeRawBufferPointer, fileType: EventType?, admission: Admission? = nil) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let n = buffer.count
        let used = n < Self.parallelThreshold ? 1 : workers
        // Slice boundaries just after a newline.
        var bounds = [0]
        for w in 1..<max(used, 1) {
            var cut = max(n * w / used, bounds[w - 1])
            if let nl = memchr(base + cut, 0x0A, n - cut) { cut = base.distance(to: UnsafeRawPointer(nl)) + 1 } else { cut = n }
            bounds.append(cut)
        }
        bounds.append(n)
        let job = Job(
            validator: validator, base: base, bounds: bounds, fileType: fileType, admission: admission,
            slices: slices, scratches: scratches)
        if used == 1 {
            job.run(0)
        } else {
            Parallel.onWorkers(used) { w in job.run(w) }
        }
        return used
    }

    fileprivate static func run(
        _ validator: EventValidator, _ base: UnsafeRawPointer, _ start: Int, _ end: Int,
        _ fileType: EventType?, _ admission: Admission?,
        _ out: inout ValidatedSlice, _ scratch: inout EventValidator.Scratch
    ) {
        out.reset()
        var pos = start
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        while pos < end {
            let lineEnd: Int
            if let nl = memchr(base + pos, 0x0A, end - pos) { lineEnd = base.distance(to: UnsafeRawPointer(nl)) } else { lineEnd = end }
            var length = lineEnd - pos
            if length > 0 && bytes[pos + length - 1] == 0x0D { length -= 1 }
            let span = LineSpan(offset: pos, length: length)
            switch validator.validate(UnsafeRawBufferPointer(start: base + pos, count: length), fileType: fileType, scratch: &scratch) {
            case .accepted(let record):
                if let admission, let broken = admission.rules.firstBroken(movieRow: 0, time: record.seconds) {
                    out.rejected.append(
                        RejectedLine(
                            line: out.lines, span: span, rule: admission.firstCode + UInt16(broken),
                            type: record.type))
                    break
                }
                out.accepted.append(record)
                out.acceptedSpans.append(span)
            case .rejected(let rule, let type):
                out.rejected.append(RejectedLine(line: out.lines, span: span, rule: rule, type: type))
            }
            out.lines += 1
            pos = lineEnd + 1
        }
    }
}
