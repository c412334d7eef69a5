/// Reconciliation of one bronze table in one run:
/// `read = accepted + rejected + deduplicated`.
public struct TableReport: Sendable, Codable, Equatable {
    public struct RuleCount: Sendable, Codable, Equatable {
        public var rule: String
        public var count: Int
    }

    public var table: String
    public var file: String
    /// Records read (header excluded).
    public var read: Int
    public var accepted: Int
    public var rejected: Int
    public var deduplicated: Int
    /// Rejections per rule, in contract order (rules with none included, so
    /// the report always lists the whole contract).
    public var rejectedByRule: [RuleCount]
    /// `lakehouse/quarantine/<run-id>/<table>.rejects.csv`, when anything was rejected.
    public var quarantineFile: String?
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case table, file, read, accepted, rejected, deduplicated, seconds
        case rejectedByRule = "rejected_by_rule"
        case quarantineFile = "quarantine_file"
    }

    public var rejectRate: Double { read == 0 ? 0 : Double(rejected) / Double(read) }

    /// True when every row read is accounted for.
    public var reconciles: Bool { read == accepted + rejected + deduplicated }

    /// Rejections of `rule` (0 when none or unknown).
    public func rejected(_ rule: String) -> Int { rejectedByRule.first { $0.rule == rule }?.count ?? 0 }

    init(
        table: String, file: String, read: Int, accepted: Int, deduplicated: Int,
        rejects: RejectLog, ruleNames: [String], seconds: Double
    ) {
        self.table = table
        self.file = file
        self.read = read
        self.accepted = accepted
        self.rejected = rejects.count
        self.deduplicated = deduplicated
        self.rejectedByRule = zip(ruleNames, rejects.countsByRule).map { RuleCount(rule: $0, count: $1) }
        self.quarantineFile = nil
        self.seconds = seconds
    }

    /// A report whose rejections are already counted per rule (the event tables).
    init(
        table: String, file: String, read: Int, accepted: Int, deduplicated: Int,
        rejectedByRule: [RuleCount], quarantineFile: String?, seconds: Double
    ) {
        self.table = table
        self.file = file
        self.read = read
        self.accepted = accepted
        self.rejected = rejectedByRule.reduce(0) { $0 + $1.count }
        self.deduplicated = deduplicated
        self.rejectedByRule = rejectedByRule
        self.quarantineFile = quarantineFile
        self.seconds = seconds
    }
}
