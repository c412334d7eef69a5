/// Trending windows, in the order every array indexed by window uses.
public enum TrendingWindow: Int, CaseIterable, Sendable {
    case day = 0
    case week = 1
    case month = 2

    /// Length in seconds.
    public var seconds: Int64 {
        switch self {
        case .day: return 86_400
        case .week: return 7 * 86_400
        case .month: return 30 * 86_400
        }
    }

    /// The name used in the API and the CLI: 24h, 7d, 30d.
    public var label: String {
        switch self {
        case .day: return "24h"
        case .week: return "7d"
        case .month: return "30d"
        }
    }

    public init?(label: some StringProtocol) {
        guard let w = Self.allCases.first(where: { $0.label == label }) else { return nil }
        self = w
    }
}
