import Foundation
import ReelCore
import Testing

/// The one log-line renderer of the pipeline and the daemon: text and JSON.
@Suite struct LogLineTests {
    @Test func textLinesKeepThePipelineShapeAndQuoteOnlyWhenNeeded() {
        let line = LogLine.render(
            .text, time: "2026-12-06T21:00:00Z", level: .info, stage: "access", message: "request",
            fields: [
                ("method", .string("GET")), ("status", .int(200)),
                ("userAgent", .string("Mozilla/5.0 (X11) \"q\"")), ("empty", .string("")),
            ])
        #expect(line == "2026-12-06T21:00:00Z access: request method=GET status=200 userAgent=\"Mozilla/5.0 (X11) \\\"q\\\"\" empty=\"\"\n")
        #expect(LogLine.render(.text, time: "T", level: .warning, stage: "etl", message: "late") == "T etl: warning: late\n")
    }

    @Test func jsonLinesAreOneObjectWithTypedFields() throws {
        let line = LogLine.render(
            .json, time: "2026-12-06T21:00:00Z", level: .warning, stage: "train",
            message: "tab\there \"and\" \u{1}", fields: [("bytes", .int(512)), ("client", .string("127.0.0.1:1"))])
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-12-06T21:00:00Z")
        #expect(object["level"] as? String == "warning" && object["stage"] as? String == "train")
        #expect(object["message"] as? String == "tab\there \"and\" \u{1}")
        #expect(object["bytes"] as? Int == 512 && object["client"] as? String == "127.0.0.1:1")
    }
}
