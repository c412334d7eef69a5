/// The rows a table rejected: line, rule and the original record bytes,
/// kept compactly (rejects are rare, so appending never matters for speed),
/// plus counts per rule.
public struct RejectLog: Sendable {
    public private(set) var lines: [Int] = []
    public private(set) var rules: [Int] = []
    /// Record k is `bytes[offsets[k] ..< offsets[k+1]]`.
    private var offsets: [Int] = [0]
    private var bytes: [UInt8] = []
    /// Rejections per rule index.
    public private(set) var countsByRule: [Int]

    public init(ruleCount: Int) {
        countsByRule = [Int](repeating: 0, count: ruleCount)
    }

    public var count: Int { lines.count }

    public mutating func append(line: Int, rule: Int, original: UnsafeRawBufferPointer) {
        lines.append(line)
        rules.append(rule)
        bytes.append(contentsOf: original)
        offsets.append(bytes.count)
        countsByRule[rule] += 1
    }

    /// Appends `other`'s rejects with their lines shifted by `lineOffset`.
    public mutating func append(_ other: RejectLog, lineOffset: Int) {
        for k in 0..<other.count {
            other.original(k).withUnsafeBytes { append(line: other.lines[k] + lineOffset, rule: other.rules[k], original: $0) }
        }
    }

    /// The original bytes of reject `k`.
    public func original(_ k: Int) -> ArraySlice<UInt8> { bytes[offsets[k]..<offsets[k + 1]] }
}
