#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the daemon needs of one request head, as offsets into the bytes it
/// was parsed from (nothing is copied: the target is routed in place).
struct RequestHead: Equatable {
    var method: RequestMethod
    /// Where the request target (`/path?query`) lies in the parsed bytes.
    var target: Range<Int>
    /// How the connection continues after the response.
    var persistence: Persistence
    /// Bytes of the head, its terminating empty line included: the next
    /// pipelined request starts here (or its body, for a POST).
    var length: Int
    /// Bytes of the body after the head (POST only; `Content-Length`).
    var bodyLength = 0
    /// What `Content-Type` says the body is (POST only).
    var bodyType: BodyType = .missing
    /// Where the `If-None-Match` value lies in the parsed bytes (nil: no such header);
    /// compared with the release's entity tag (`EntityTag`) for a 304.
    var ifNoneMatch: Range<Int>? = nil
    /// Where the `User-Agent` value lies in the parsed bytes (nil: none); for the access log.
    var userAgent: Range<Int>? = nil
}

/// A POST body's declared media type, as far as the fold-in route cares.
enum BodyType: Equatable {
    /// `application/json`, parameters (`; charset=utf-8`) allowed.
    case json
    case other
    case missing
}

/// The result of parsing the bytes at the start of a connection's input.
enum ParsedHead: Equatable {
    /// A complete head.
    case request(RequestHead)
    /// The head has not fully arrived: call again with more bytes.
    case incomplete
    /// The bytes cannot become an acceptable request: answer with
    /// `HTTPRequestParser.failure(problem)` and close.
    case failure(HeadProblem)
}

/// Why a head is refused: a plain enum, so a parse result is copied without
/// touching reference counts; the response text is built only when refusing.
enum HeadProblem: Equatable {
    case malformedRequestLine
    case headerWithoutName
    case badHeaderName
    case controlCharacterInHeader
    case badContentLength
    case bodyAnnounced
    case targetTooLong
    case headTooLong
    /// A chunked POST (a body needs `Content-Length`).
    case lengthRequired
    /// A POST whose `Content-Length` exceeds `maxBodyBytes`.
    case bodyTooLarge
}

/// A small HTTP/1.1 request-head parser working directly on the bytes read
/// from the socket: one pass over a complete head, no allocation, no header
/// dictionary. It knows only what this read-only API needs: the method, the
/// target, keep-alive (`Connection`, HTTP/1.0 vs 1.1) and whether a body was
/// announced (`Content-Length` other than 0, or any `Transfer-Encoding`),
/// which the API refuses with 413 rather than reading it.
///
/// Lines end in LF with an optional CR before it. Size limits are checked
/// before the head is complete, so an endless request line or header block
/// is refused (414 / 431) once it passes the limit instead of being buffered.
struct HTTPRequestParser: Sendable {
    /// Longest request target in bytes; longer is 414.
    var maxTargetBytes: Int
    /// Longest head (request line, headers, empty line) in bytes; longer is 431.
    var maxHeadBytes: Int
    /// Largest POST body in bytes (`Content-Length`); larger is 413, refused
    /// before any of it is read (docs/serving.md: 64 KiB, room for 1,000 ratings).
    var maxBodyBytes = FoldInLimits.maxBodyBytes

    /// Parses the head at the start of `bytes`.
    ///
    /// - Parameter searchFrom: where to resume looking for the head's end; no
    ///   terminator starts before it. Callers that re-parse a growing buffer
    ///   pass `max(0, previousCount - 2)` so trickled bytes are not rescanned.
    func parse(_ bytes: UnsafeRawBufferPointer, searchFrom: Int = 0) -> ParsedHead {
        guard let end = Self.headEnd(bytes, from: searchFrom) else {
            return tooLargeWhileIncomplete(bytes) ?? .incomplete
        }
        let lineEnd = bytes.offset(of: lf)!
        let line = RequestLine.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd]))
        guard case .valid(let method, let target, let http10) = line else {
            return .failure(.malformedRequestLine)
        }
        guard target.count <= maxTargetBytes else { return .failure(.targetTooLong) }
        guard end <= maxHeadBytes else { return .failure(.headTooLong) }
        var fields = HeaderFields(http10: http10)
        if let problem = fields.scan(UnsafeRawBufferPointer(rebasing: bytes[(lineEnd + 1)..<end])) {
            return .failure(problem)
        }
        let ifNoneMatch = fields.ifNoneMatch.map { ($0.lowerBound + lineEnd + 1)..<($0.upperBound + lineEnd + 1) }
        let userAgent = fields.userAgent.map { ($0.lowerBound + lineEnd + 1)..<($0.upperBound + lineEnd + 1) }
        let persistence: Persistence = !fields.keepAlive ? .close : http10 ? .keepAliveHTTP10 : .keepAlive
        if method == .post {
            // No Content-Length: an empty body (a 405 on GET-only routes, a 400 on the fold-in ones).
            guard !fields.chunked else { return .failure(.lengthRequired) }
            let length = fields.contentLength ?? 0
            guard length <= maxBodyBytes else { return .failure(.bodyTooLarge) }
            return .request(
                RequestHead(
                    method: method, target: target, persistence: persistence, length: end,
                    bodyLength: length, bodyType: fields.bodyType, userAgent: userAgent))
        }
        if fields.announcesBody { return .failure(.bodyAnnounced) }
        return .request(
            RequestHead(
                method: method, target: target, persistence: persistence, length: end,
                ifNoneMatch: ifNoneMatch, userAgent: userAgent))
    }

    /// How many CR and LF bytes precede the next request (clients may send
    /// empty lines between requests; RFC 9112 §2.2 says to ignore them).
    static func leadingEmptyLines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var i = 0
        while i < bytes.count, bytes[i] == cr || bytes[i] == lf { i += 1 }
        return i
    }

    /// The offset just past the empty line that ends the head, or nil when it has not arrived.
    private static func headEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var i = max(start, 0)
        while i < bytes.count, let found = memchr(base + i, Int32(lf), bytes.count - i) {
            let p = base.distance(to: UnsafeRawPointer(found))
            if p + 1 < bytes.count && bytes[p + 1] == lf { return p + 2 }
            if p + 2 < bytes.count && bytes[p + 1] == cr && bytes[p + 2] == lf { return p + 3 }
            i = p + 1
        }
        return nil
    }

    /// For a head still arriving: the refusal once it can no longer fit the limits.
    private func tooLargeWhileIncomplete(_ bytes: UnsafeRawBufferPointer) -> ParsedHead? {
        guard bytes.count > maxTargetBytes else { return nil }
        let lineEnd = bytes.offset(of: lf)
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<(lineEnd ?? bytes.count)])
        // The target so far: from the first space to the next one (or to what has arrived).
        if let space = line.offset(of: sp) {
            let rest = UnsafeRawBufferPointer(rebasing: line[(space + 1)...])
            if (rest.offset(of: sp) ?? rest.count) > maxTargetBytes { return .failure(.targetTooLong) }
        }
        guard bytes.count > maxHeadBytes else { return nil }
        return .failure(lineEnd == nil ? .targetTooLong : .headTooLong)
    }

    /// The error response for a refused head.
    func failure(_ problem: HeadProblem) -> LookupFailure {
        func malformed(_ detail: String) -> LookupFailure {
            LookupFailure(.badRequest, "malformed_request", "the request is not valid HTTP/1.1: \(detail)")
        }
        switch problem {
        case .malformedRequestLine: return malformed("the request line is not 'METHOD /target HTTP/1.1'")
        case .headerWithoutName: return malformed("a header line has no 'name:'")
        case .badHeaderName: return malformed("a header name has a character not allowed there")
        case .controlCharacterInHeader: return malformed("a header value has a control character")
        case .badContentLength: return malformed("Content-Length is not a number")
        case .bodyAnnounced: return LookupFailure(.contentTooLarge, "body_not_allowed", "requests to this API carry no body")
        case .targetTooLong:
            return LookupFailure(.uriTooLong, "uri_too_long", "the request target is longer than \(maxTargetBytes) bytes")
        case .headTooLong:
            return LookupFailure(.headersTooLarge, "headers_too_large", "the request head is longer than \(maxHeadBytes) bytes")
        case .lengthRequired:
            return LookupFailure(.lengthRequired, "length_required", "a POST body needs a Content-Length header (chunked bodies are not accepted)")
        case .bodyTooLarge:
            return LookupFailure(.contentTooLarge, "body_too_large", "the request body is larger than \(maxBodyBytes) bytes")
        }
    }
}

/// `METHOD SP target SP HTTP/1.x`, without its line end.
private enum RequestLine {
    case valid(RequestMethod, target: Range<Int>, http10: Bool)
    case invalid

    static func parse(_ raw: UnsafeRawBufferPointer) -> RequestLine {
        let line = raw.count > 0 && raw[raw.count - 1] == cr ? UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 1)]) : raw
        guard let firstSpace = line.offset(of: sp), firstSpace > 0 else { return .invalid }
        let method = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
        guard method.allSatisfy(isTokenByte) else { return .invalid }
        let afterMethod = firstSpace + 1
        guard
            let secondSpace = UnsafeRawBufferPointer(rebasing: line[afterMethod...]).offset(of: sp)
                .map({ $0 + afterMethod }), secondSpace > afterMethod
        else { return .invalid }
        let target = afterMethod..<secondSpace
        guard UnsafeRawBufferPointer(rebasing: line[target]).allSatisfy(isTargetByte) else { return .invalid }
        let version = UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])
        let http10: Bool
        if version.equals("HTTP/1.1") {
            http10 = false
        } else if version.equals("HTTP/1.0") {
            http10 = true
        } else {
            return .invalid
        }
        let m: RequestMethod =
            method.equals("GET")
            ? .get
            : method.equals("HEAD")
                ? .head
                : method.equals("POST") ? .post : method.equals("OPTIONS") ? .options : .other
        return .valid(m, target: target, http10: http10)
    }
}

/// The header lines this API acts on, read in one pass; every other field is
/// checked for form and skipped.
private struct HeaderFields {
    /// Whether the connection stays open: HTTP/1.1 unless `close`, HTTP/1.0 only with `keep-alive`.
    var keepAlive: Bool
    var announcesBody = false
    /// The `Content-Length` value (nil: none; values too large for any body saturate).
    var contentLength: Int?
    var chunked = false
    var bodyType: BodyType = .missing
    /// The `If-None-Match` value, as offsets into the scanned block.
    var ifNoneMatch: Range<Int>?
    var userAgent: Range<Int>?
    private let http10: Bool

    init(http10: Bool) {
        self.http10 = http10
        keepAlive = !http10
    }

    /// Scans the header lines (up to and including the empty line); returns
    /// what is wrong with the first malformed line, or nil.
    mutating func scan(_ block: UnsafeRawBufferPointer) -> HeadProblem? {
        var rest = block
        while let lineEnd = rest.offset(of: lf) {
            var line = UnsafeRawBufferPointer(rebasing: rest[..<lineEnd])
            rest = UnsafeRawBufferPointer(rebasing: rest[(lineEnd + 1)...])
            if line.count > 0 && line[line.count - 1] == cr { line = UnsafeRawBufferPointer(rebasing: line[..<(line.count - 1)]) }
            if line.isEmpty { return nil }
            guard let colon = line.offset(of: UInt8(ascii: ":")), colon > 0 else {
                return .headerWithoutName
            }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            guard name.allSatisfy(isTokenByte) else { return .badHeaderName }
            let value = UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]).trimmingWhitespace()
            guard value.allSatisfy(isFieldValueByte) else { return .controlCharacterInHeader }
            switch name.count {
            case 10 where name.equalsIgnoringCase("connection"):
                connection(value)
            case 14 where name.equalsIgnoringCase("content-length"):
                guard !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                    return .badContentLength
                }
                if value.contains(where: { $0 != UInt8(ascii: "0") }) { announcesBody = true }
                var n = 0
                for digit in value { n = min(n &* 10 &+ Int(digit &- UInt8(ascii: "0")), 1 << 40) }
                contentLength = n
            case 12 where name.equalsIgnoringCase("content-type"):
                let (media, _) = value.splitOnce(at: UInt8(ascii: ";"))
                bodyType = media.trimmingWhitespace().equalsIgnoringCase("application/json") ? .json : .other
            case 13 where name.equalsIgnoringCase("if-none-match"):
                ifNoneMatch = Self.range(of: value, in: block)
            case 10 where name.equalsIgnoringCase("user-agent"):
                userAgent = Self.range(of: value, in: block)
            case 17 where name.equalsIgnoringCase("transfer-encoding"):
                announcesBody = true
                chunked = true
            default:
                continue
            }
        }
        return nil
    }

    /// Where `value` (a slice of `block`) lies in `block`.
    private static func range(of value: UnsafeRawBufferPointer, in block: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let start = value.baseAddress, let origin = block.baseAddress else { return nil }
        let offset = origin.distance(to: start)
        return offset..<(offset + value.count)
    }

    /// `Connection: close` / `keep-alive`, possibly among other comma-separated options.
    private mutating func connection(_ value: UnsafeRawBufferPointer) {
        var rest: UnsafeRawBufferPointer? = value
        while let remaining = rest {
            let (option, next) = remaining.splitOnce(at: UInt8(ascii: ","))
            rest = next
            let token = option.trimmingWhitespace()
            if token.equalsIgnoringCase("close") {
                keepAlive = false
            } else if token.equalsIgnoringCase("keep-alive") && http10 {
                keepAlive = true
            }
        }
    }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let sp = UInt8(ascii: " ")

/// RFC 9110 `tchar`: the bytes of a method or a header name.
private func isTokenByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
        UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
        UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

/// A request target may hold any visible byte (non-ASCII is left to the router to refuse).
private func isTargetByte(_ b: UInt8) -> Bool { b > 0x20 && b != 0x7F }

/// Header values: visible bytes, spaces and tabs.
private func isFieldValueByte(_ b: UInt8) -> Bool { b >= 0x20 ? b != 0x7F : b == 0x09 }

extension UnsafeRawBufferPointer {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> UnsafeRawBufferPointer {
        var start = 0, end = count
        while start < end, self[start] == sp || self[start] == 0x09 { start += 1 }
        while end > start, self[end - 1] == sp || self[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }
}
