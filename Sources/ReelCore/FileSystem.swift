#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers, free of Foundation so that the daemon and the
/// lookup commands start fast. Every failure is a `ReelError` naming the path.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size in bytes, or nil when the path does not exist.
    public static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Modification time in whole seconds since the epoch, or nil.
    public static func modificationTime(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        #if os(Linux)
        return Int64(st.st_mtim.tv_sec)
        #else
        return Int64(st.st_mtimespec.tv_sec)
        #endif
    }

    /// `mkdir -p`.
    public static func createDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = Path.parent(path)
        if parent != path, !parent.isEmpty { try createDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw ReelError.system("cannot create directory", path: path, errno: errno)
        }
    }

    /// Names in a directory (not `.` or `..`), sorted; empty when it does not exist.
    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Reads a whole (small) file.
    public static func readBytes(_ path: String) throws -> [UInt8] {
        let file = try MappedFile(path: path)
        return withExtendedLifetime(file) { Array(file.bytes) }
    }

    /// Reads a whole (small) UTF-8 text file.
    public static func readText(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    /// Writes `bytes` to `path` atomically (temp file, fsync, rename, directory fsync).
    public static func writeAtomically(_ path: String, bytes: some Collection<UInt8>) throws {
        try AtomicFile.write(to: path) { $0.write(Array(bytes)) }
    }

    public static func writeAtomically(_ path: String, text: String) throws {
        try writeAtomically(path, bytes: Array(text.utf8))
    }

    /// `rm -rf`.
    public static func removeTree(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 { throw ReelError.system("cannot remove", path: path, errno: errno) }
        } else if unlink(path) != 0 {
            throw ReelError.system("cannot remove", path: path, errno: errno)
        }
    }

    public static func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 {
            throw ReelError.system("cannot rename \(from) to", path: to, errno: errno)
        }
    }

    /// Flushes a directory entry (after a rename) so the new name survives a crash.
    public static func fsyncDirectory(_ path: String) throws {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ReelError.system("cannot open directory", path: path, errno: errno) }
        defer { close(fd) }
        _ = fsync(fd)
    }

    /// fsyncs files written with `.deferred` durability, then the folders
    /// holding them (each once), so both their bytes and their names survive
    /// a crash. Throws naming the first one that fails.
    public static func syncDeferred(_ paths: [String]) throws {
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ReelError.system("cannot open", path: path, errno: errno) }
            defer { close(fd) }
            if fsync(fd) != 0 { throw ReelError.system("cannot fsync", path: path, errno: errno) }
        }
        var folders: [String] = []
        for path in paths where !folders.contains(Path.parent(path)) { folders.append(Path.parent(path)) }
        for folder in folders { try fsyncDirectory(folder) }
    }

    /// Where a symlink points, or nil when `path` is not one.
    public static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The path a symlink such as `output/current`, `output/models/latest` or
    /// `lakehouse/silver/current` points at, or nil when `link` is not a
    /// symlink. A relative target is taken relative to the link's own folder,
    /// as the kernel does, so the result can be opened from any working
    /// directory. Resolving once and then opening the result means a link
    /// switched in between yields the old or the new target, whole.
    public static func linkTarget(_ link: String) -> String? {
        readLink(link).map { resolve($0, against: Path.parent(link)) }
    }

    /// The folder the symlink `link` points at, or nil when `link` is not a
    /// symlink or its target is not a folder (yet, or any more).
    public static func linkedDirectory(_ link: String) -> String? {
        guard let dir = linkTarget(link), isDirectory(dir) else { return nil }
        return dir
    }

    /// Points the symlink `link` at `target` atomically: a new link under a temp
    /// name, renamed over the old one. A reader sees the old or the new target.
    public static func replaceSymlink(_ link: String, target: String) throws {
        let temp = link + ".tmp-\(getpid())"
        unlink(temp)
        guard symlink(target, temp) == 0 else { throw ReelError.system("cannot create symlink", path: temp, errno: errno) }
        try rename(temp, link)
        try fsyncDirectory(Path.parent(link))
    }

    /// Resolves a path relative to `base` unless it is absolute.
    public static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? path : Path.join(base, path)
    }

    /// The process's working directory.
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

/// String path helpers (POSIX, `/`-separated).
public enum Path {
    public static func join(_ parts: String...) -> String { join(parts) }

    public static func join(_ parts: [String]) -> String {
        var result = ""
        for part in parts where !part.isEmpty {
            if part.hasPrefix("/") || result.isEmpty { result = part; continue }
            result += result.hasSuffix("/") ? part : "/" + part
        }
        return result
    }

    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
