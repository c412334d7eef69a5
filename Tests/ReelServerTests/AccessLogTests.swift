import Foundation
import Logging
@testable import ReelServer
import ReelCore
import Testing

/// The daemon's log lines (`ConsoleLogHandler`) and the access log's fields.
@Suite("Access log and daemon log lines")
struct AccessLogTests {
    private func event(_ message: Logger.Message, _ metadata: Logger.Metadata, level: Logger.Level = .info) -> LogEvent {
        LogEvent(level: level, message: message, metadata: metadata, source: nil, file: #fileID, function: #function, line: #line)
    }

    private let access: Logger.Metadata = [
        "stage": "access", "userAgent": "curl/8.5.0", "client": "127.0.0.1:5555", "method": "GET",
        "path": "/v1/trending?k=3", "status": .stringConvertible(200), "bytes": .stringConvertible(512),
        "durationMicros": .stringConvertible(85),
    ]

    @Test("text: the pipeline's `<time> <stage>: <message>` shape, access fields in reading order")
    func text() {
        let handler = ConsoleLogHandler(stage: "serve", format: .text)
        #expect(
            handler.render(event("request", access), time: "T")
                == "T access: request method=GET path=/v1/trending?k=3 status=200 bytes=512 durationMicros=85 client=127.0.0.1:5555 userAgent=curl/8.5.0\n"
        )
        #expect(
            handler.render(event("listening", ["release": "R1", "address": "http://127.0.0.1:1"]), time: "T")
                == "T serve: listening address=http://127.0.0.1:1 release=R1\n")
        #expect(handler.render(event("release refused", [:], level: .error), time: "T") == "T serve: error: release refused\n")
    }

    @Test("json: one object per line, numbers as numbers")
    func json() throws {
        let line = ConsoleLogHandler(stage: "serve", format: .json).render(event("request", access), time: "T")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["stage"] as? String == "access" && object["message"] as? String == "request")
        #expect(object["status"] as? Int == 200 && object["bytes"] as? Int == 512 && object["durationMicros"] as? Int == 85)
        #expect(object["method"] as? String == "GET" && object["userAgent"] as? String == "curl/8.5.0")
    }

    @Test("the swift-log adapter writes Console's line for the same event, text and JSON")
    func adapterMatchesConsole() {
        let metadata: Logger.Metadata = ["release": "R1", "stage": "reload", "count": .stringConvertible(3)]
        let levels: [(Logger.Level, LogLevel)] = [(.debug, .info), (.notice, .info), (.warning, .warning), (.error, .error), (.critical, .error)]
        for format in LogFormat.allCases {
            let handler = ConsoleLogHandler(stage: "serve", format: format)
            for (level, reel) in levels {
                let fromLogger = handler.render(event("release loaded", metadata, level: level), time: "T")
                let fromConsole = Console.line(
                    reel, stage: "reload", "release loaded",
                    fields: [("count", .int(3)), ("release", .string("R1"))], format: format, time: "T")
                #expect(fromLogger == fromConsole, "\(format) \(level)")
            }
        }
        #expect(
            Console.line(.warning, stage: "reload", "late", fields: [("count", .int(3))], format: .text, time: "T")
                == "T reload: warning: late count=3\n")
        #expect(
            Console.line(.info, stage: "serve", "up", format: .json, time: "T")
                == "{\"time\":\"T\",\"level\":\"info\",\"stage\":\"serve\",\"message\":\"up\"}\n")
    }

    @Test("--access-log: method, path, status, bytes, duration, client and user agent of each request")
    func accessLogFields() async throws {
        try await withServer(configure: { $0.accessLog = true }) { running in
            let port = running.port
            let response = try await onThread {
                try TestHTTPClient(port: port).request("/v1/trending?k=2", headers: ["User-Agent: reel-test/1.0 (probe)"])
            }
            #expect(response.status == 200)
            let head = try await onThread { try TestHTTPClient(port: port).request("/nope", method: "HEAD") }
            #expect(head.status == 404)
            try await Task.sleep(for: .milliseconds(50))
            let lines = running.logs.all.filter { $0.contains("stage=access") }
            let get = try #require(lines.first { $0.contains("path=/v1/trending?k=2") }, "\(running.logs.all)")
            for field in [
                "info request", "method=GET", "status=200", "client=127.0.0.1:", "userAgent=reel-test/1.0 (probe)",
                "durationMicros=",
            ] {
                #expect(get.contains(field), "\(field) in \(get)")
            }
            #expect(get.contains("bytes=\(response.body.count)"), "\(get)")
            let headLine = try #require(lines.first { $0.contains("path=/nope") })
            #expect(headLine.contains("method=HEAD") && headLine.contains("status=404") && headLine.contains("bytes=0"))
            #expect(!headLine.contains("userAgent="), "no User-Agent header, no field")
        }
    }
}
