import Foundation
import ReelCore

/// Logs a nightly run to an MLflow tracking server through its REST API
/// (`MLFLOW_TRACKING_URI`), the seed's experiment-tracking job. MLflow
/// deprecated its file store, so Reel talks to a server and never writes
/// `mlruns/` itself. Failures are reported, never fatal to the nightly run:
/// the run record in `output/runs/` is the source of truth.
///
/// HTTP goes through the `curl` command rather than URLSession: linking
/// FoundationNetworking would load libcurl and some thirty libraries into
/// every `reel` process, costing each one-shot lookup milliseconds of start-up.
public struct MLflowClient: Sendable {
    /// The tracking server's URL without any user name or password.
    public let baseURL: URL
    public let experiment: String
    public let timeout: TimeInterval
    /// What curl sends to authenticate (from the URI's user info, or MLflow's
    /// `MLFLOW_TRACKING_USERNAME`/`_PASSWORD` or `MLFLOW_TRACKING_TOKEN`), or nil.
    let credentials: Credentials?

    /// Secrets for the tracking server. They reach curl through a private
    /// (0600) config file, never its command line, which any user can read in `ps`.
    struct Credentials: Sendable, Equatable {
        var user: String?
        var password: String?
        var token: String?

        /// The curl config-file lines (`-K`) that carry the secrets.
        var curlConfig: String {
            var lines: [String] = []
            if let user { lines.append("user = \(Self.quoted(user + ":" + (password ?? "")))") }
            if let token { lines.append("header = \(Self.quoted("Authorization: Bearer " + token))") }
            return lines.joined(separator: "\n") + "\n"
        }

        /// A curl config string: double quotes, with `\\` and `"` escaped and no line breaks.
        static func quoted(_ value: String) -> String {
            var out = "\""
            for c in value where c != "\n" && c != "\r" {
                if c == "\\" || c == "\"" { out.append("\\") }
                out.append(c)
            }
            return out + "\""
        }
    }

    public init(
        trackingURI: String, experiment: String = "reel-nightly", timeout: TimeInterval = 10,
        environment: [String: String] = ProcessEnvironment.all()
    ) throws {
        guard var parts = URLComponents(string: trackingURI), let scheme = parts.scheme, scheme == "http" || scheme == "https",
            parts.host?.isEmpty == false
        else {
            throw ReelError(.usage, "MLFLOW_TRACKING_URI '\(Self.redacted(trackingURI))' is not an http(s) URL of a tracking server")
        }
        var credentials = Credentials()
        if let user = parts.percentEncodedUser {
            credentials.user = user.removingPercentEncoding ?? user
            credentials.password = parts.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], !user.isEmpty {
            credentials.user = user
            credentials.password = environment["MLFLOW_TRACKING_PASSWORD"]
        }
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty { credentials.token = token }
        parts.user = nil
        parts.password = nil
        guard let url = parts.url else {
            throw ReelError(.usage, "MLFLOW_TRACKING_URI '\(Self.redacted(trackingURI))' is not an http(s) URL of a tracking server")
        }
        baseURL = url
        self.credentials = credentials == Credentials() ? nil : credentials
        self.experiment = experiment
        self.timeout = timeout
    }

    /// `uri` fit for a log line: a user name and password in it become `***`.
    public static func redacted(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri }
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return uri }
        return String(uri[..<scheme.upperBound]) + "***" + String(rest[at...])
    }

    /// Creates (or finds) the experiment, creates a run and logs params,
    /// metrics and tags in one batch. Returns the MLflow run id.
    @discardableResult
    public func log(_ record: RunRecord) throws -> String {
        let experimentID = try experimentID()
        let startMillis = Self.millis(record.startedAt)
        let created = try call(
            "runs/create",
            [
                "experiment_id": experimentID,
                "run_name": record.runID,
                "start_time": startMillis,
                "tags": [
                    ["key": "reel.run_id", "value": record.runID],
                    ["key": "reel.outcome", "value": record.outcome],
                ],
            ])
        guard let run = created["run"] as? [String: Any], let info = run["info"] as? [String: Any],
            let runID = info["run_id"] as? String
        else {
            throw ReelError(.io, "MLflow runs/create answered without a run id")
        }
        // MLflow limits a batch to 100 params and 1000 metrics; values to 6000 chars.
        let params = record.params.sorted { $0.key < $1.key }.prefix(100).map { ["key": $0.key, "value": String($0.value.prefix(6000))] }
        var metrics = record.metrics.sorted { $0.key < $1.key }.map {
            ["key": $0.key, "value": $0.value, "timestamp": startMillis, "step": 0] as [String: Any]
        }
        for stage in record.stages {
            metrics.append(["key": "stage_seconds_\(stage.name)", "value": stage.durationSeconds, "timestamp": startMillis, "step": 0])
        }
        var tags: [[String: String]] = []
        if let id = record.releaseID { tags.append(["key": "reel.release_id", "value": id]) }
        if let g = record.gate { tags.append(["key": "reel.gate", "value": String(g.prefix(5000))]) }
        _ = try call("runs/log-batch", ["run_id": runID, "params": params, "metrics": metrics, "tags": tags])
        _ = try call(
            "runs/update",
            [
                "run_id": runID,
                "status": record.outcome == "success" ? "FINISHED" : "FAILED",
                "end_time": record.finishedAt.map(Self.millis) ?? startMillis,
            ])
        return runID
    }

    func experimentID() throws -> String {
        let name = experiment.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? experiment
        if let found = try? call("experiments/get-by-name?experiment_name=\(name)", nil),
            let e = found["experiment"] as? [String: Any], let id = e["experiment_id"] as? String
        {
            return id
        }
        let created = try call("experiments/create", ["name": experiment])
        guard let id = created["experiment_id"] as? String else {
            throw ReelError(.io, "MLflow experiments/create answered without an experiment id")
        }
        return id
    }

    /// One REST call: POST with a JSON body, or GET when `body` is nil.
    func call(_ endpoint: String, _ body: [String: Any]?) throws -> [String: Any] {
        let url = baseURL.absoluteString.trimmingSuffix("/") + "/api/2.0/mlflow/" + endpoint
        let secrets = try credentials.map { try SecretFile(contents: $0.curlConfig) }
        defer { secrets?.remove() }
        let json = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try curl(
            Self.curlArguments(url: url, timeout: timeout, post: json != nil, configFile: secrets?.path),
            stdin: json, endpoint: endpoint)
    }

    /// curl's command line (visible to every user in `ps`): the URL without user info and,
    /// for the secrets, only the path of the private config file.
    static func curlArguments(url: String, timeout: TimeInterval, post: Bool, configFile: String?) -> [String] {
        var args = ["-sS", "--max-time", String(Int(timeout)), "-w", "\n%{http_code}"]
        if let configFile { args += ["-K", configFile] }
        if post { args += ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@-"] }
        return args + [url]
    }

    private func curl(_ args: [String], stdin: Data?, endpoint: String) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = args
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        do { try p.run() } catch {
            throw ReelError(.io, "cannot run curl to reach MLflow at \(baseURL): \(error.localizedDescription)")
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ReelError(.io, "MLflow at \(baseURL) did not answer \(endpoint): \(errText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var text = String(decoding: data, as: UTF8.self)
        let statusLine = text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        text = String(text.dropLast(statusLine.count)).trimmingCharacters(in: .newlines)
        guard let status = Int(statusLine), (200..<300).contains(status) else {
            throw ReelError(.io, "MLflow \(endpoint) answered HTTP \(statusLine): \(text.prefix(300))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func millis(_ iso: String) -> Int64 {
        let f = ISO8601DateFormatter()
        return Int64(((f.date(from: iso) ?? Date()).timeIntervalSince1970 * 1000).rounded())
    }
}

/// A file readable by its owner only (mkstemp: mode 0600), holding secrets for
/// one child process; removed right after.
struct SecretFile {
    let path: String

    init(contents: String) throws {
        var template = Array((NSTemporaryDirectory() + "/reel-secret-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw ReelError(.io, "cannot create a private file for the MLflow credentials") }
        path = String(cString: template)
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            unlink(path)
            throw ReelError(.io, "cannot write the private file for the MLflow credentials")
        }
    }

    func remove() { unlink(path) }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
