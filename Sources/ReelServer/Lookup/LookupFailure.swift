import ReelCore

/// A request the daemon answers with an error: an HTTP status, a stable
/// machine-readable `error` code and a `detail` sentence for the person
/// reading it (it names the parameter, the value and what is allowed).
/// Rendered as `{"error": ..., "detail": ...}`.
public struct LookupFailure: Error, Sendable, Equatable {
    public var status: ResponseStatus
    public var code: String
    public var detail: String

    public init(_ status: ResponseStatus, _ code: String, _ detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    static func badParameter(_ detail: String) -> LookupFailure {
        LookupFailure(.badRequest, "invalid_parameter", detail)
    }

    static func notFound(_ detail: String) -> LookupFailure {
        LookupFailure(.notFound, "not_found", detail)
    }

    /// The same failure as a `ReelError` for the CLI: 404 is `.notFound`
    /// (exit 2), a bad argument `.usage` (exit 1).
    public var reelError: ReelError {
        switch status {
        case .notFound: return ReelError(.notFound, detail)
        case .badRequest: return ReelError(.usage, detail)
        default: return ReelError(.io, detail)
        }
    }
}

/// Echoes a piece of client input inside an error detail: at most 64
/// characters, so a hostile request cannot make the error response large.
func quoted(_ bytes: UnsafeRawBufferPointer) -> String {
    let text = String(decoding: bytes, as: UTF8.self)
    return "'" + (text.count > 64 ? String(text.prefix(64)) + "…" : text) + "'"
}
