import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds the `schemas/` folder that holds the machine-readable contracts
/// (`schemas/lakehouse/*.yml`, `schemas/events/*.schema.json`).
///
/// The same binary runs in a developer checkout, in a deployed home such as
/// `/srv/reel` and inside tests whose `--root` is a temporary folder, so the
/// contract cannot simply live at `<home>/schemas`. Places tried, in order:
/// 1. `$REEL_SCHEMAS` (the `schemas` folder itself);
/// 2. `<home>/schemas` (what `make install` creates in a deployed home);
/// 3. every folder above the running executable that contains
///    `schemas/lakehouse` (so `.build/debug/reel` and the test runner find the
///    checkout's contract).
public enum ContractLocator {
    /// The marker that makes a folder a contract folder.
    static let marker = "lakehouse"

    /// The `schemas` folder to load contracts from, or a `.notFound` error
    /// naming every place looked at.
    public static func schemasDirectory(home: ReelHome) throws -> String {
        try schemasDirectory(
            home: home,
            environment: environmentValue("REEL_SCHEMAS"),
            executable: executablePath())
    }

    /// The path of `relative` (e.g. `lakehouse/bronze_tables.yml`) inside the contract folder.
    public static func file(_ relative: String, home: ReelHome) throws -> String {
        let path = Path.join(try schemasDirectory(home: home), relative)
        guard FileSystem.exists(path) else {
            throw ReelError(.notFound, "contract file \(path) is missing")
        }
        return path
    }

    /// The search itself, with the environment and the executable passed in (tests).
    static func schemasDirectory(home: ReelHome, environment: String?, executable: String?) throws -> String {
        var tried: [String] = []
        if let env = environment, !env.isEmpty {
            let dir = FileSystem.resolve(env, against: FileSystem.currentDirectory())
            if isContractFolder(dir) { return dir }
            throw ReelError(
                .notFound, "REEL_SCHEMAS=\(env) has no \(marker)/ folder: point it at a checkout's or an installed home's schemas/ folder")
        }
        let inHome = home.path("schemas")
        if isContractFolder(inHome) { return inHome }
        tried.append(inHome)
        if let executable {
            var dir = Path.parent(executable)
            while true {
                let candidate = Path.join(dir, "schemas")
                if isContractFolder(candidate) { return candidate }
                tried.append(candidate)
                let parent = Path.parent(dir)
                if parent == dir || dir.isEmpty || dir == "." { break }
                dir = parent
            }
        }
        throw ReelError(
            .notFound,
            """
            cannot find the data contracts (schemas/\(marker)/*.yml); looked in $REEL_SCHEMAS (unset), \
            \(tried.joined(separator: ", ")). Run from a checkout, set REEL_SCHEMAS, or deploy with \
            `make install`, which copies schemas/ into the home folder
            """)
    }

    static func isContractFolder(_ dir: String) -> Bool {
        FileSystem.isDirectory(Path.join(dir, marker))
    }

    static func environmentValue(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// The running executable's absolute path (Linux: /proc/self/exe).
    static func executablePath() -> String? {
        FileSystem.readLink("/proc/self/exe")
    }
}
