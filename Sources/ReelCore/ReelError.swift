/// The one error type every Reel library throws.
///
/// Each error carries a `kind` (which decides the process exit code) and a
/// message written for the operator: it names the file, line, field or setting
/// that is wrong and, where there is one, the way out. Libraries never print;
/// the `reel` command prints `error: <message>` and exits with `kind.exitCode`.
public struct ReelError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Wrong arguments or configuration, or not a Reel home. Exit code 64 (EX_USAGE), as
        /// ArgumentParser's own parse errors: fixing the command line is the way out.
        case usage
        /// Input data that breaks the contract (bad header, unreadable file, too many rejects).
        case invalidInput
        /// A looked-up key (user, movie, release) does not exist. Exit code 2, as in sparkey's CLI.
        case notFound
        /// A file failed verification (magic, version, size, checksum).
        case corrupt
        /// An operating-system call failed.
        case io
        /// Another run holds the lock.
        case locked
        /// A quality gate refused to publish.
        case qualityGate
        /// The machine cannot run the kernels (CPU baseline).
        case unsupported
    }

    public var kind: Kind
    public var message: String
    /// The `errno` of the failed system call behind an `io` error, when there was one.
    public var systemErrno: Int32?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Process exit code, the table every `reel --help` ends with: 0 success, 1 error,
    /// 2 not found, 3 lock held, 4 quality gate, 64 usage.
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .notFound: return 2
        case .locked: return 3
        case .qualityGate: return 4
        default: return 1
        }
    }

    /// An `io` error for a failed system call, with `strerror(errno)` appended.
    public static func system(_ what: String, path: String, errno code: Int32) -> ReelError {
        var error = ReelError(.io, "\(what) \(path): \(String(cString: strerror(code)))")
        error.systemErrno = code
        return error
    }

    /// True for a failure that says nothing about the file and may pass on its
    /// own: out of file descriptors (EMFILE, ENFILE), memory (ENOMEM, ENOBUFS),
    /// or interrupted / try again (EINTR, EAGAIN). The daemon retries these
    /// instead of refusing the release.
    public var isTransient: Bool {
        guard let code = systemErrno else { return false }
        return code == EMFILE || code == ENFILE || code == ENOMEM || code == ENOBUFS || code == EINTR || code == EAGAIN
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
