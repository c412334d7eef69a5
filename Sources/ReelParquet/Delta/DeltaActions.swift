import ReelCore

/// `protocol`: the reader/writer versions a client needs.
public struct DeltaProtocol: Sendable, Equatable {
    public var minReaderVersion: Int
    public var minWriterVersion: Int
    /// Reel writes version 1/2: plain Parquet files, no table features.
    public static let reel = DeltaProtocol(minReaderVersion: 1, minWriterVersion: 2)
}

/// `metaData`: table id, schema, partitioning.
public struct DeltaMetadata: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var schemaString: String
    public var partitionColumns: [String]
    public var configuration: [JSONMember] = []
    public var createdTime: Int64?
}

/// `add`: a data file that is part of the table from this version on.
public struct DeltaAddFile: Sendable, Equatable {
    /// Relative to the table folder (a URI path; Reel's names need no escaping).
    public var path: String
    public var partitionValues: [String: String]
    public var size: Int64
    public var modificationTime: Int64
    public var dataChange: Bool
    /// JSON: numRecords, minValues, maxValues, nullCount.
    public var stats: String?
}

/// `remove`: a data file that is no longer part of the table (a tombstone,
/// kept for time travel until vacuum deletes the file).
public struct DeltaRemoveFile: Sendable, Equatable {
    public var path: String
    public var deletionTimestamp: Int64?
    public var dataChange: Bool
    public var partitionValues: [String: String]?
    public var size: Int64?
}

/// One line of a commit file.
public enum DeltaAction: Sendable, Equatable {
    case commitInfo(JSONValue)
    case `protocol`(DeltaProtocol)
    case metaData(DeltaMetadata)
    case add(DeltaAddFile)
    case remove(DeltaRemoveFile)
    /// Actions Reel neither writes nor needs (txn, cdc, domainMetadata…).
    case other(String)
}

// MARK: - JSON

extension DeltaAction {
    var json: JSONValue {
        func stringMap(_ m: [String: String]) -> JSONValue {
            .object(m.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) })
        }
        switch self {
        case let .commitInfo(info):
            return .object(["commitInfo": info])
        case let .protocol(p):
            return .object([
                "protocol": .object([
                    "minReaderVersion": .int(p.minReaderVersion),
                    "minWriterVersion": .int(p.minWriterVersion),
                ])
            ])
        case let .metaData(m):
            var members = [JSONMember("id", .string(m.id))]
            if let name = m.name { members.append(JSONMember("name", .string(name))) }
            members += [
                JSONMember("format", .object(["provider": .string("parquet"), "options": .object([JSONMember]())])),
                JSONMember("schemaString", .string(m.schemaString)),
                JSONMember("partitionColumns", .array(m.partitionColumns.map { .string($0) })),
                JSONMember("configuration", .object(m.configuration)),
            ]
            if let t = m.createdTime { members.append(JSONMember("createdTime", .int(t))) }
            return .object(["metaData": .object(members)])
        case let .add(a):
            var members = [
                JSONMember("path", .string(a.path)),
                JSONMember("partitionValues", stringMap(a.partitionValues)),
                JSONMember("size", .int(a.size)),
                JSONMember("modificationTime", .int(a.modificationTime)),
                JSONMember("dataChange", .bool(a.dataChange)),
            ]
            if let stats = a.stats { members.append(JSONMember("stats", .string(stats))) }
            return .object(["add": .object(members)])
        case let .remove(r):
            var members = [JSONMember("path", .string(r.path))]
            if let t = r.deletionTimestamp { members.append(JSONMember("deletionTimestamp", .int(t))) }
            members.append(JSONMember("dataChange", .bool(r.dataChange)))
            if let pv = r.partitionValues {
                members.append(JSONMember("extendedFileMetadata", .bool(true)))
                members.append(JSONMember("partitionValues", stringMap(pv)))
            }
            if let s = r.size { members.append(JSONMember("size", .int(s))) }
            return .object(["remove": .object(members)])
        case let .other(key):
            return .object([JSONMember(key, .object([JSONMember]()))])
        }
    }

    /// Decodes one commit line; `location` names the file and line in errors.
    init(json: JSONValue, location: String) throws {
        guard case let .object(members) = json, members.count == 1, let member = members.first else {
            throw ReelError(.corrupt, "\(location): an action must be an object with exactly one key")
        }
        let body = member.value
        func need<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw ReelError(.corrupt, "\(location): \(member.key) lacks \(field) (or it has the wrong type)") }
            return value
        }
        func stringMap(_ v: JSONValue?) throws -> [String: String] {
            guard let v, case let .object(m) = v else { return [:] }
            var result: [String: String] = [:]
            for e in m {
                switch e.value {
                case let .string(s): result[e.key] = s
                case .null: result[e.key] = nil
                default: throw ReelError(.corrupt, "\(location): partition value \(e.key) is not a string")
                }
            }
            return result
        }
        switch member.key {
        case "commitInfo":
            self = .commitInfo(body)
        case "protocol":
            self = .protocol(
                DeltaProtocol(
                    minReaderVersion: Int(try need(body["minReaderVersion"]?.int64Value, "minReaderVersion")),
                    minWriterVersion: Int(try need(body["minWriterVersion"]?.int64Value, "minWriterVersion"))))
        case "metaData":
            if let provider = body["format"]?["provider"]?.stringValue, provider != "parquet" {
                throw ReelError(.invalidInput, "\(location): data format \(provider) is not supported")
            }
            self = .metaData(
                DeltaMetadata(
                    id: try need(body["id"]?.stringValue, "id"),
                    name: body["name"]?.stringValue,
                    schemaString: try need(body["schemaString"]?.stringValue, "schemaString"),
                    partitionColumns: try need(body["partitionColumns"]?.arrayValue, "partitionColumns").map {
                        try need($0.stringValue, "partitionColumns")
                    },
                    configuration: body["configuration"]?.objectValue ?? [],
                    createdTime: body["createdTime"]?.int64Value))
        case "add":
            if let dv = body["deletionVector"], dv != .null {
                throw ReelError(.invalidInput, "\(location): deletion vectors are not supported")
            }
            self = .add(
                DeltaAddFile(
                    path: try need(body["path"]?.stringValue, "path"),
                    partitionValues: try stringMap(body["partitionValues"]),
                    size: try need(body["size"]?.int64Value, "size"),
                    modificationTime: body["modificationTime"]?.int64Value ?? 0,
                    dataChange: body["dataChange"]?.boolValue ?? true,
                    stats: body["stats"]?.stringValue))
        case "remove":
            self = .remove(
                DeltaRemoveFile(
                    path: try need(body["path"]?.stringValue, "path"),
                    deletionTimestamp: body["deletionTimestamp"]?.int64Value,
                    dataChange: body["dataChange"]?.boolValue ?? true,
                    partitionValues: body["partitionValues"] == nil ? nil : try stringMap(body["partitionValues"]),
                    size: body["size"]?.int64Value))
        default:
            self = .other(member.key)
        }
    }
}
