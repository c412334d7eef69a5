import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds the folder holding the event schemas, so the same binary works in a
/// developer checkout, an installed home (`make install` copies `schemas/`)
/// and a test's temporary home.
///
/// Order: `$REEL_SCHEMAS` (a folder that holds `events/`), then
/// `<home>/schemas`, then each parent of the running executable's folder
/// until one holds `schemas/events` (a checkout's `.build/debug/reel`).
/// TEMPORARY: the ETL has its own `ContractLocator` with the same order; the
/// two are to be unified at merge.
public enum EventSchemaLocator {
    /// The `…/schemas/events` folder, or a `notFound` error listing where it looked.
    public static func find(home: ReelHome) throws -> String {
        var tried: [String] = []
        func holds(_ schemas: String) -> String? {
            let dir = Path.join(schemas, "events")
            tried.append(dir)
            return FileSystem.exists(Path.join(dir, EventType.view.schemaFileName)) ? dir : nil
        }
        if let env = getenv("REEL_SCHEMAS"), case let value = String(cString: env), !value.isEmpty,
            let dir = holds(FileSystem.resolve(value, against: FileSystem.currentDirectory()))
        {
            return dir
        }
        if let dir = holds(home.path("schemas")) { return dir }
        if let exe = FileSystem.readLink("/proc/self/exe") {
            var dir = Path.parent(exe)
            while true {
                if let found = holds(Path.join(dir, "schemas")) { return found }
                let up = Path.parent(dir)
                if up == dir || dir.isEmpty { break }
                dir = up
            }
        }
        throw ReelError(
            .notFound, "event schemas not found (looked in \(tried.joined(separator: ", "))); set REEL_SCHEMAS to the folder holding events/")
    }
}
