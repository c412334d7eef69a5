/// The HTTP statuses the daemon answers with. A closed set, so each has a
/// pre-encoded status line and its own slot in the metrics tables.
public enum ResponseStatus: Int, Sendable, CaseIterable {
    case ok = 200
    /// An OPTIONS answer (CORS preflight): headers only.
    case noContent = 204
    /// `If-None-Match` named the current entity tag: headers only, the client's copy is current.
    case notModified = 304
    case badRequest = 400
    case notFound = 404
    case methodNotAllowed = 405
    case requestTimeout = 408
    case lengthRequired = 411
    case contentTooLarge = 413
    case uriTooLong = 414
    case unsupportedMediaType = 415
    case headersTooLarge = 431
    case internalError = 500
    case serviceUnavailable = 503

    /// `200 OK` etc., the tail of the status line.
    var line: StaticString {
        switch self {
        case .ok: return "200 OK"
        case .noContent: return "204 No Content"
        case .notModified: return "304 Not Modified"
        case .badRequest: return "400 Bad Request"
        case .notFound: return "404 Not Found"
        case .methodNotAllowed: return "405 Method Not Allowed"
        case .requestTimeout: return "408 Request Timeout"
        case .lengthRequired: return "411 Length Required"
        case .contentTooLarge: return "413 Content Too Large"
        case .uriTooLong: return "414 URI Too Long"
        case .unsupportedMediaType: return "415 Unsupported Media Type"
        case .headersTooLarge: return "431 Request Header Fields Too Large"
        case .internalError: return "500 Internal Server Error"
        case .serviceUnavailable: return "503 Service Unavailable"
        }
    }

    /// Dense index for the metrics tables.
    var index: Int {
        switch self {
        case .ok: return 0
        case .badRequest: return 1
        case .notFound: return 2
        case .methodNotAllowed: return 3
        case .requestTimeout: return 4
        case .contentTooLarge: return 5
        case .uriTooLong: return 6
        case .headersTooLarge: return 7
        case .internalError: return 8
        case .serviceUnavailable: return 9
        case .lengthRequired: return 10
        case .unsupportedMediaType: return 11
        case .noContent: return 12
        case .notModified: return 13
        }
    }
}
