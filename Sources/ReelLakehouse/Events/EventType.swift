import ReelCore
import ReelSilver

/// The three kinds of interaction events the product records. The raw value is
/// the `event_type` string of the contract and the folder name of the
/// partitions (`lakehouse/bronze/events/<type>/`); the case order is the order
/// every per-type array and report uses.
public enum EventType: String, CaseIterable, Sendable, Hashable, Comparable {
    case view
    case click
    case rating

    /// Dense index (0 view, 1 click, 2 rating) for per-type arrays on hot paths.
    @inlinable
    public var index: Int {
        switch self {
        case .view: return 0
        case .click: return 1
        case .rating: return 2
        }
    }

    /// The type of a dense index, as stored in `EventRecord.type`.
    @inlinable
    public init?(index: Int) {
        switch index {
        case 0: self = .view
        case 1: self = .click
        case 2: self = .rating
        default: return nil
        }
    }

    /// How much one event of this type counts towards trending (UC2). The
    /// weights live in `PopularityRules` so the ETL, the evaluation and tests
    /// cannot disagree.
    public func weight(_ rules: PopularityRules) -> Float {
        switch self {
        case .view: return rules.viewWeight
        case .click: return rules.clickWeight
        case .rating: return rules.ratingWeight
        }
    }

    /// The schema file that defines this type: `schemas/events/<type>_event.schema.json`.
    public var schemaFileName: String { "\(rawValue)_event.schema.json" }

    public static func < (a: EventType, b: EventType) -> Bool { a.index < b.index }
}
