import Foundation
import ReelCore
@testable import ReelPipeline
import Testing

/// Issue 16 item 9: MLflow credentials in `MLFLOW_TRACKING_URI` (or MLflow's
/// `MLFLOW_TRACKING_USERNAME`/`_PASSWORD`/`_TOKEN`) reach the tracking server
/// but never a log line or curl's command line, which any user sees in `ps`.
@Suite("MLflow credentials stay secret", .serialized)
struct MLflowSecretsTests {
    static let secret = "s3cr3t-Pa55"

    @Test("a URI's user and password are redacted for logs and stripped from the URL curl gets")
    func redaction() throws {
        let uri = "https://alice:\(Self.secret)@mlflow.internal:5000/prefix"
        #expect(MLflowClient.redacted(uri) == "https://***@mlflow.internal:5000/prefix")
        #expect(MLflowClient.redacted("http://mlflow:5000") == "http://mlflow:5000")
        let client = try MLflowClient(trackingURI: uri, environment: [:])
        #expect(client.baseURL.absoluteString == "https://mlflow.internal:5000/prefix")
        #expect(client.credentials == .init(user: "alice", password: Self.secret, token: nil))
        let args = MLflowClient.curlArguments(
            url: client.baseURL.absoluteString + "/api/2.0/mlflow/x", timeout: 5,
            post: true, configFile: "/tmp/reel-secret-abc")
        #expect(!args.joined(separator: " ").contains(Self.secret))
        #expect(args.contains("-K"))
        // A bad URI's error message does not echo the password either.
        #expect(throws: ReelError.self) { try MLflowClient(trackingURI: "ftp://bob:\(Self.secret)@host/", environment: [:]) }
        do { _ = try MLflowClient(trackingURI: "ftp://bob:\(Self.secret)@host/", environment: [:]) } catch {
            #expect(!"\(error)".contains(Self.secret))
        }
        // MLflow's environment variables are honoured too.
        let fromEnv = try MLflowClient(
            trackingURI: "http://h:1",
            environment: [
                "MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "p\"q", "MLFLOW_TRACKING_TOKEN": "tok",
            ])
        #expect(fromEnv.credentials?.curlConfig == "user = \"u:p\\\"q\"\nheader = \"Authorization: Bearer tok\"\n")
    }

    @Test(
        "against a live HTTP server: the credentials arrive as Basic auth, and no curl command line carries them",
        .enabled(if: Subprocess.which("python3") != nil, "needs python3 for the fake tracking server"),
        .timeLimit(.minutes(2)))
    func liveServerSeesCredentialsButPsDoesNot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-mlflow-secret-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/server.py"
        try Self.fakeServer.write(toFile: script, atomically: true, encoding: .utf8)
        let server = try Subprocess.start(Subprocess.which("python3")!, [script, dir + "/port", dir + "/seen.json", Self.secret])
        defer { server.stop() }
        var port = 0
        for _ in 0..<200 where port == 0 {
            usleep(50_000)
            port = Int((try? String(contentsOfFile: dir + "/port", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        try #require(port > 0, "the fake server did not start: \(server.output())")
        let client = try MLflowClient(trackingURI: "http://alice:\(Self.secret)@127.0.0.1:\(port)", timeout: 20, environment: [:])
        let runID = try client.log(SampleRunRecord.successful())
        #expect(runID == "run-1")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/seen.json"))) as? [String: Any])
        let expected = "Basic " + Data("alice:\(Self.secret)".utf8).base64EncodedString()
        #expect((seen["authorizations"] as? [String])?.allSatisfy { $0 == expected } == true, "\(seen)")
        #expect((seen["requests"] as? Int ?? 0) >= 4)
        #expect(seen["leakedInPs"] as? Bool == false, "a process command line carried the password")
        #expect((seen["curlSeen"] as? Int ?? 0) >= 1, "the server should have found curl in /proc to inspect")
        // The private config file is gone afterwards.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("reel-secret-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A tracking server that answers the four REST calls MLflowClient makes, records the
    /// Authorization headers, and on every request scans /proc for curl command lines that
    /// carry the secret (what `ps` would show).
    static let fakeServer = #"""
        import http.server, json, os, sys
        port_file, seen_file, secret = sys.argv[1], sys.argv[2], sys.argv[3]
        seen = {"authorizations": [], "requests": 0, "leakedInPs": False, "curlSeen": 0}

        def scan():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if "curl" in cmd.split(" ")[0]:
                    seen["curlSeen"] += 1
                    if secret in cmd:
                        seen["leakedInPs"] = True

        class H(http.server.BaseHTTPRequestHandler):
            def answer(self, body):
                seen["requests"] += 1
                seen["authorizations"].append(self.headers.get("Authorization", ""))
                scan()
                # Recorded before answering: the client may read the file as soon as it has the answer.
                with open(seen_file + ".tmp", "w") as f:
                    json.dump(seen, f)
                os.replace(seen_file + ".tmp", seen_file)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.answer({"experiment": {"experiment_id": "7"}})

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.endswith("runs/create"):
                    self.answer({"run": {"info": {"run_id": "run-1"}}})
                else:
                    self.answer({})

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), H)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(port_file + ".tmp", port_file)
        server.serve_forever()
        """#
}
