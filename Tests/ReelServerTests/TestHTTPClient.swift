import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP response as a test sees it.
struct TestResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object (fails the test's `try` if it is not one).
    func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestClientError("body is not a JSON object: \(text)")
        }
        return object
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A tiny blocking HTTP/1.1 client over a POSIX socket: it can send anything
/// (malformed requests, bodies, trickled bytes) and reads responses framed by
/// Content-Length. Used from a dispatch thread through `onThread`, never on
/// the Swift concurrency pool.
final class TestHTTPClient: @unchecked Sendable {
    private let fd: Int32
    var descriptor: Int32 { fd }
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket: \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw TestClientError("connect to port \(port) failed: errno \(code)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestClientError("send failed: errno \(errno)") }
            offset += n
        }
    }

    /// `GET target` (or another method) with keep-alive, then reads the response.
    func request(_ target: String, method: String = "GET", headers: [String] = []) throws -> TestResponse {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for header in headers { text += header + "\r\n" }
        try send(text + "\r\n")
        return try readResponse(hasBody: method != "HEAD")
    }

    /// Reads one response; `hasBody: false` for HEAD (Content-Length describes a body not sent).
    func readResponse(hasBody: Bool = true) throws -> TestResponse {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find([13, 10, 13, 10])
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TestClientError("bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = hasBody ? Int(headers["content-length"] ?? "0") ?? 0 : 0
        while buffer.count < length { try fill() }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection (EOF) before `timeout`.
    func waitForClose() -> Bool {
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { throw TestClientError(n == 0 ? "connection closed by server" : "recv failed: errno \(errno)") }
        buffer += chunk[0..<n]
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where buffer[i..<(i + pattern.count)].elementsEqual(pattern) {
            return i
        }
        return nil
    }
}

/// Runs blocking work (sockets, sleeps) on a dispatch thread so it never
/// stalls the Swift concurrency pool the server's futures complete on.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// One GET on a fresh connection.
func get(_ port: Int, _ target: String, method: String = "GET") async throws -> TestResponse {
    try await onThread {
        try TestHTTPClient(port: port).request(target, method: method)
    }
}

extension TestHTTPClient {
    /// A response if one arrives within 50 ms, else nil (for polling while trickling a request).
    func readResponseIfReady() throws -> TestResponse? {
        var pollFD = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&pollFD, 1, 50) > 0 else { return nil }
        return try readResponse()
    }
}
