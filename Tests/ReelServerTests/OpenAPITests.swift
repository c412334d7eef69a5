import Foundation
@testable import ReelServer
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    static let yamlPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml").path

    @Test("docs/openapi.yaml is the rendering of OpenAPISpec (REEL_UPDATE_OPENAPI=1 rewrites it)")
    func yamlInSync() throws {
        if ProcessInfo.processInfo.environment["REEL_UPDATE_OPENAPI"] == "1" {
            try OpenAPISpec.yaml.write(toFile: Self.yamlPath, atomically: true, encoding: .utf8)
        }
        let checkedIn = try String(contentsOfFile: Self.yamlPath, encoding: .utf8)
        #expect(checkedIn == OpenAPISpec.yaml, "docs/openapi.yaml is stale: run scripts/update-openapi.sh")
    }

    @Test(
        "the YAML reads back as the same document as the JSON (when python3 with PyYAML is available)",
        .enabled(if: pythonWithYAML()))
    func yamlParsesToJSON() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("reel-openapi-\(getpid()).json")
        try Data(OpenAPISpec.jsonBytes).write(to: json)
        defer { try? FileManager.default.removeItem(at: json) }
        let status = try run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import json, sys, yaml
                a = yaml.safe_load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
                sys.exit(0 if a == b else 1)
                """, Self.yamlPath, json.path,
            ])
        #expect(status == 0)
    }

    @Test("the JSON is OpenAPI 3.1 and documents exactly the daemon's routes")
    func routesDocumented() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPISpec.jsonBytes)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let templates = Set(RouteID.allCases.compactMap(\.template))
        #expect(Set(paths.keys) == templates)
        // Every $ref points at something that exists.
        let text = String(decoding: OpenAPISpec.jsonBytes, as: UTF8.self)
        let refs = text.matches(of: /"\$ref": "#\/components\/(schemas|responses)\/([A-Za-z]+)"/)
        let components = try #require(document["components"] as? [String: [String: Any]])
        #expect(!refs.isEmpty)
        for ref in refs {
            #expect(components[String(ref.output.1)]?[String(ref.output.2)] != nil, "dangling \(ref.output.0)")
        }
    }

    @Test("every documented route answers as documented on a running daemon")
    func routesAnswerAsDocumented() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPISpec.jsonBytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        try await withServer { running in
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                // POST-only routes (fold-in) are exercised by FoldInServerTests.
                guard let operation = item["get"] as? [String: Any] else { continue }
                let responses = try #require(operation["responses"] as? [String: Any])
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                // A request built from the documented examples.
                var path = template
                var query: [String] = []
                for parameter in parameters {
                    guard let name = parameter["name"] as? String, let example = parameter["example"] else { continue }
                    if parameter["in"] as? String == "path" {
                        path = path.replacingOccurrences(of: "{\(name)}", with: "\(example)")
                    } else {
                        query.append("\(name)=\(example)")
                    }
                }
                let target = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
                let ok = try await get(running.port, target)
                #expect(ok.status == 200, "\(target): \(ok.text)")
                let okResponse = try #require(responses["200"] as? [String: Any])
                let content = try #require(okResponse["content"] as? [String: Any])
                #expect(content.keys.contains(ok.headers["content-type"] ?? ""), "\(target) content type")
                if let ref = ((content["application/json"] as? [String: Any])?["schema"] as? [String: Any])?["$ref"] as? String {
                    let schema = try #require(schemas[String(ref.split(separator: "/").last!)])
                    let body = try ok.object()
                    for field in schema["required"] as? [String] ?? [] {
                        #expect(body[field] != nil, "\(target) lacks documented field \(field)")
                    }
                    let documented = Set((schema["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                    #expect(Set(body.keys).isSubset(of: documented), "\(target) has undocumented fields")
                }
                // Documented errors: a bad path id is a 400, another method a 405.
                if parameters.contains(where: { $0["in"] as? String == "path" }) {
                    let bad = try await get(
                        running.port,
                        template.replacingOccurrences(of: "{userId}", with: "x")
                            .replacingOccurrences(of: "{movieId}", with: "x"))
                    #expect(bad.status == 400)
                    #expect(responses["400"] != nil, "\(template) does not document 400")
                }
                guard item["post"] == nil else { continue }  // fold-in: FoldInServerTests
                let post = try await get(running.port, target, method: "POST")
                #expect(post.status == 405)
                #expect(responses["405"] != nil, "\(template) does not document 405")
            }
        }
    }
}

private func pythonWithYAML() -> Bool {
    (try? run("/usr/bin/env", ["python3", "-c", "import yaml"])) == 0
}

private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
