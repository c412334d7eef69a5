/// Whether a folder is a Reel home, checked before a command writes into it.
///
/// A mistyped `--root`, or `reel nightly` run from the wrong folder, used to
/// create `output/` there with a lock, a run record and metrics. Like cargo
/// outside a package, commands that write now refuse a folder that is not a
/// Reel home and name the way out (`reel init`, `--root`, `REEL_ROOT`).
extension ReelHome {
    /// A home has `pipeline/reel.toml` (written by `reel init`, `make install`, or a checkout),
    /// or a `lakehouse/` folder (homes made by `reel synth` before `reel init` existed).
    public var isInitialized: Bool {
        FileSystem.exists(config) || FileSystem.isDirectory(lakehouse)
    }

    /// Throws a usage error unless this folder is a Reel home.
    public func requireInitialized() throws {
        guard !isInitialized else { return }
        let what =
            FileSystem.isDirectory(root)
            ? "is not a Reel home (no pipeline/reel.toml, no lakehouse/)"
            : "does not exist"
        throw ReelError(
            .usage,
            "\(root) \(what); run `reel init --root \(root)` to make it one, "
                + "or point --root (or REEL_ROOT) at your Reel home")
    }

    /// For commands that create a home's first data (`reel synth`, `reel events ingest`):
    /// a home, or an existing empty folder, which becomes one. Anything else is refused,
    /// so data never lands in the wrong folder.
    public func requireInitializedOrEmpty() throws {
        if isInitialized { return }
        if FileSystem.isDirectory(root), FileSystem.list(root).isEmpty { return }
        try requireInitialized()
    }
}
