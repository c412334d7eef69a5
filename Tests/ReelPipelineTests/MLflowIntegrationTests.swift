import Foundation
import ReelCore
@testable import ReelPipeline
import Testing

/// `MLflowClient` against a real MLflow tracking server: start `mlflow server`
/// on 127.0.0.1 with a SQLite backend in a temporary folder, log run records
/// through Reel's REST client, read them back with MLflow's own Python client.
///
/// Needs a Python with mlflow (`pip install mlflow`): `python3` by default, or
/// the interpreter named by `REEL_MLFLOW_PYTHON` (e.g. a virtualenv's). Without
/// it the test is skipped, and the skip reason says how to enable it.
@Suite("MLflow integration: a real tracking server", .serialized)
struct MLflowIntegrationTests {
    static let python: String? = ProcessInfo.processInfo.environment["REEL_MLFLOW_PYTHON"] ?? Subprocess.which("python3")

    /// Whether `python -c "import mlflow"` works (checked once).
    static let mlflowImportable: Bool = {
        guard let python else { return false }
        return (try? Subprocess.run(python, ["-c", "import mlflow"], timeout: 120))?.status == 0
    }()

    @Test(
        "runs logged with MLflowClient read back with MLflow's client: experiment, name, status, times, params, metrics, tags",
        .enabled(
            if: mlflowImportable,
            "mlflow is not importable by python3: `pip install mlflow` (or set REEL_MLFLOW_PYTHON to a Python that has it) to run this test"),
        .timeLimit(.minutes(5)))
    func logAndReadBack() throws {
        let python = try #require(Self.python)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-mlflow-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let server = try MLflowServer.start(python: python, directory: dir)
        defer { server.process.stop() }

        // A successful run: creates the experiment.
        let record = SampleRunRecord.successful()
        let client = try MLflowClient(trackingURI: server.uri, timeout: 30)
        let runID = try client.log(record)
        let run = try MLflowServer.readRun(python: python, uri: server.uri, runID: runID)

        #expect(run["experiment"] as? String == "reel-nightly")
        #expect(run["run_name"] as? String == record.runID)
        #expect(run["status"] as? String == "FINISHED")
        #expect((run["start_time"] as? NSNumber)?.int64Value == 1_795_572_900_000)  // 2026-11-25T02:15:00Z
        #expect((run["end_time"] as? NSNumber)?.int64Value == 1_795_573_902_000)  // 2026-11-25T02:31:42Z

        let params = run["params"] as? [String: String] ?? [:]
        #expect(params == record.params)

        let metrics = run["metrics"] as? [String: Double] ?? [:]
        for (name, value) in record.metrics {
            #expect(metrics[name].map { abs($0 - value) < 1e-12 } == true, "metric \(name): \(String(describing: metrics[name])) vs \(value)")
        }
        for stage in record.stages {
            #expect(metrics["stage_seconds_\(stage.name)"] == stage.durationSeconds, "stage_seconds_\(stage.name)")
        }
        #expect(metrics.count == record.metrics.count + record.stages.count)

        let tags = run["tags"] as? [String: String] ?? [:]
        #expect(tags["reel.run_id"] == record.runID)
        #expect(tags["reel.outcome"] == "success")
        #expect(tags["reel.release_id"] == record.releaseID)
        #expect(tags["reel.gate"] == record.gate)

        // A failed run: finds the existing experiment, ends FAILED, carries no release.
        var failed = SampleRunRecord.successful(runID: "20261126T021500456Z-77aa")
        failed.outcome = "failed"
        failed.failedStage = "etl"
        failed.releaseID = nil
        failed.gate = nil
        let failedID = try client.log(failed)
        #expect(failedID != runID)
        let failedRun = try MLflowServer.readRun(python: python, uri: server.uri, runID: failedID)
        #expect(failedRun["experiment_id"] as? String == run["experiment_id"] as? String)
        #expect(failedRun["status"] as? String == "FAILED")
        let failedTags = failedRun["tags"] as? [String: String] ?? [:]
        #expect(failedTags["reel.outcome"] == "failed")
        #expect(failedTags["reel.release_id"] == nil)
    }
}

/// A throwaway `mlflow server` and MLflow's Python client.
struct MLflowServer {
    let process: Subprocess.Running
    let uri: String

    /// No telemetry or update checks from a test.
    static let environment = ["MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"]

    /// Starts the server on a free port and waits (at most two minutes) until it answers.
    static func start(python: String, directory: String) throws -> MLflowServer {
        let port = try freePort(python: python)
        let process = try Subprocess.start(
            python,
            [
                "-m", "mlflow", "server",
                "--backend-store-uri", "sqlite:///\(directory)/mlflow.db",
                "--default-artifact-root", "\(directory)/artifacts",
                "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
            ], environment: environment)
        let server = MLflowServer(process: process, uri: "http://127.0.0.1:\(port)")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            guard process.process.isRunning else {
                throw ServerError("mlflow server exited (status \(process.process.terminationStatus)) before answering:\n\(process.output())")
            }
            if answersHealth(server.uri) { return server }
            usleep(250_000)
        }
        process.stop()
        throw ServerError("mlflow server did not answer \(server.uri)/health within 120 s:\n\(process.output())")
    }

    /// The run as MLflow's own client (`mlflow.tracking.MlflowClient`) sees it.
    static func readRun(python: String, uri: String, runID: String) throws -> [String: Any] {
        let script = """
            import json, sys
            from mlflow.tracking import MlflowClient
            client = MlflowClient(tracking_uri=sys.argv[1])
            run = client.get_run(sys.argv[2])
            experiment = client.get_experiment(run.info.experiment_id)
            print("REEL-JSON " + json.dumps({
                "experiment": experiment.name, "experiment_id": run.info.experiment_id,
                "run_name": run.info.run_name, "status": run.info.status,
                "start_time": run.info.start_time, "end_time": run.info.end_time,
                "params": dict(run.data.params), "metrics": dict(run.data.metrics), "tags": dict(run.data.tags)}))
            """
        let result = try Subprocess.run(python, ["-c", script, uri, runID], timeout: 120)
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("REEL-JSON ") }
        guard result.status == 0, let line else {
            throw ServerError("reading run \(runID) with MLflow's client failed (status \(result.status)):\n\(result.output)")
        }
        let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst("REEL-JSON ".count).utf8))
        return object as? [String: Any] ?? [:]
    }

    static func freePort(python: String) throws -> Int {
        let result = try Subprocess.run(
            python,
            [
                "-c",
                """
                import socket
                s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
                """,
            ])
        guard result.status == 0, let port = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServerError("could not find a free port: \(result.output)")
        }
        return port
    }

    /// One GET of /health with a short timeout.
    static func answersHealth(_ uri: String) -> Bool {
        guard let url = URL(string: uri + "/health"),
            let result = try? Subprocess.run("/usr/bin/env", ["curl", "-fsS", "-m", "2", url.absoluteString], timeout: 5)
        else {
            return false
        }
        return result.status == 0
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
