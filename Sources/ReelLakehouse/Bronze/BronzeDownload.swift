import ReelCore

/// Downloads with `curl` (no HTTP package needed): retries transient errors,
/// gives up on connecting after 10 s, shows curl's progress bar on a terminal
/// and stays silent apart from log lines otherwise.
enum BronzeDownload {
    static func fetch(_ url: String, to path: String, quiet: Bool) throws {
        let started = Clock.monotonic()
        Console.info("bronze", "downloading \(url)")
        var arguments = ["-fL", "--retry", "3", "--retry-max-time", "60", "--connect-timeout", "10", "-o", path]
        arguments += Console.isTTY && !quiet && !Console.quiet ? ["--progress-bar"] : ["-sS"]
        let status = try BronzeProcess.run(
            "curl", arguments + [url],
            installHint: "Install it with `apt-get install curl`, or pass a local copy with --source.")
        guard status == 0 else {
            throw ReelError(
                .io,
                """
                cannot download \(url) (curl exit status \(status)\(reason(status))). Without internet, pass a local copy: \
                `reel bronze bootstrap --source /path/to/ml-25m.zip`, or --source with a folder holding \
                ratings.csv, movies.csv, tags.csv and links.csv
                """)
        }
        let bytes = FileSystem.size(path) ?? 0
        Console.info("bronze", "downloaded \(Console.bytes(bytes)) in \(Console.duration(Clock.monotonic() - started))")
    }

    static func reason(_ status: Int32) -> String {
        switch status {
        case 6: return ": could not resolve the host"
        case 7: return ": could not connect"
        case 22: return ": the server answered with an HTTP error"
        case 28: return ": timed out"
        default: return ""
        }
    }

    /// The 32 hex digits at the start of an `.md5` file (`<md5>  ml-25m.zip`).
    static func parseMD5(_ path: String) throws -> String {
        let text = try FileSystem.readText(path)
        let digest = String(text.prefix { $0.isHexDigit }).lowercased()
        guard digest.count == 32 else {
            throw ReelError(.invalidInput, "\(path): expected an MD5 (32 hex digits), got '\(text.prefix(60))'")
        }
        return digest
    }
}
