/// Run ids name folders and files (`quarantine/<run-id>/`, `part-<run-id>.ndjson`,
/// `done/<run-id>/`), so one given on the command line must be a single safe
/// path component: 1–64 bytes of `[A-Za-z0-9._-]`, not starting with a dot
/// (which also rules out `.` and `..`). `--run-id ../../..` is refused with a
/// usage error (exit 64) before anything is written.
public enum RunID {
    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// `id` when valid, else a `.usage` error naming the option.
    public static func validated(_ id: String, option: String = "--run-id") throws -> String {
        guard isValid(id) else {
            throw ReelError(.usage, "\(option) '\(id)' is not a run id: use 1–64 characters of [A-Za-z0-9._-], not starting with '.'")
        }
        return id
    }
}
