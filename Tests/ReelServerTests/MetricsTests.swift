import Foundation
import NIOCore
import ReelCore
@testable import ReelServer
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    private func scrape(_ metrics: ServerMetrics, _ store: FakeStore?) -> String {
        var buffer = ByteBuffer()
        metrics.render(release: store.map { ServedRelease($0, loadedAt: 1_764_040_000) }, now: 1_764_036_600, into: &buffer)
        return String(buffer: buffer)
    }

    /// Sample lines as (name, labels, value).
    private func samples(_ text: String) -> [(name: String, labels: String, value: Double)] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: " ")
            let series = String(parts[0])
            let name = String(series.prefix { $0 != "{" })
            let labels = series.contains("{") ? String(series.drop { $0 != "{" }) : ""
            return (name, labels, Double(parts[1]) ?? .nan)
        }
    }

    @Test("the text format: HELP and TYPE per family, one sample per line, label syntax")
    func format() throws {
        let metrics = ServerMetrics(startedAt: 1_764_030_000)
        metrics.recordRequest(route: .trending, status: .ok, nanoseconds: 30_000)
        metrics.recordRequest(route: .recommendations, status: .badRequest, nanoseconds: 2_000_000_000)
        let text = scrape(metrics, FakeStore(releaseID: "R\"1\\x"))
        let sample = try Regex(#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$"#)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            #expect(line.wholeMatch(of: sample) != nil, "bad line: \(line)")
        }
        for family in [
            "reel_http_requests_total", "reel_http_request_duration_seconds", "reel_release_info",
            "reel_release_age_seconds", "reel_fallbacks_total", "reel_release_reloads_total", "reel_ready",
        ] {
            #expect(text.contains("# TYPE \(family) "), "\(family) missing")
        }
        #expect(text.contains(#"reel_release_info{release="R\"1\\x"} 1"#))
        #expect(text.contains("reel_release_age_seconds 600\n"))
        #expect(text.contains("reel_ready 1\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test("requests and the latency histogram by route and status; buckets are cumulative")
    func histogram() throws {
        let metrics = ServerMetrics()
        for nanos: UInt64 in [5_000, 20_000, 20_000, 700_000, 3_000_000_000] {
            metrics.recordRequest(route: .recommendations, status: .ok, nanoseconds: nanos)
        }
        metrics.recordRequest(route: .movie, status: .notFound, nanoseconds: 1)
        let all = samples(scrape(metrics, nil))
        let labels = #"route="recommendations",status="200""#
        #expect(all.contains { $0.name == "reel_http_requests_total" && $0.labels == "{\(labels)}" && $0.value == 5 })
        #expect(all.contains { $0.name == "reel_http_requests_total" && $0.labels == #"{route="movie",status="404"}"# && $0.value == 1 })
        // Series that never answered are not listed.
        #expect(!all.contains { $0.labels.contains(#"route="similar""#) })
        let buckets = all.filter { $0.name == "reel_http_request_duration_seconds_bucket" && $0.labels.hasPrefix("{\(labels)") }
        #expect(buckets.first { $0.labels.contains(#"le="0.00001""#) }?.value == 1)
        #expect(buckets.first { $0.labels.contains(#"le="0.000025""#) }?.value == 3)
        #expect(buckets.first { $0.labels.contains(#"le="1""#) }?.value == 4)
        #expect(buckets.last?.labels.contains(#"le="+Inf""#) == true)
        #expect(buckets.last?.value == 5)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
        let sum = all.first { $0.name == "reel_http_request_duration_seconds_sum" && $0.labels == "{\(labels)}" }
        #expect(abs((sum?.value ?? 0) - 3.000745) < 1e-9)
        #expect(all.contains { $0.name == "reel_http_request_duration_seconds_count" && $0.labels == "{\(labels)}" && $0.value == 5 })
        #expect(all.contains { $0.name == "reel_ready" && $0.value == 0 })
        #expect(!all.contains { $0.name == "reel_release_info" })
    }

    @Test("fallbacks and reload results are counted")
    func events() {
        let metrics = ServerMetrics()
        metrics.recordFallback()
        metrics.recordFallback()
        metrics.recordReload(success: true, at: 100)
        metrics.recordReload(success: false, at: 200)
        metrics.recordReload(success: false, at: 300)
        let text = scrape(metrics, FakeStore())
        #expect(text.contains("reel_fallbacks_total 2\n"))
        #expect(text.contains("reel_release_reloads_total{result=\"success\"} 1\n"))
        #expect(text.contains("reel_release_reloads_total{result=\"failure\"} 2\n"))
        #expect(text.contains("reel_release_last_reload_timestamp_seconds{result=\"failure\"} 300\n"))
    }

    @Test(
        "promtool accepts the output (when promtool is installed)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")))
    func promtool() throws {
        let metrics = ServerMetrics()
        metrics.recordRequest(route: .trending, status: .ok, nanoseconds: 42_000)
        metrics.recordFallback()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(scrape(metrics, FakeStore()).utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "promtool: \(report)")
    }
}
