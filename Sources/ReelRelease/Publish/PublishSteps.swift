import ReelCore

/// The points of a publish or activation at which a crash is simulated in
/// tests ("a publish killed at each step leaves the previous current intact
/// and servable"). Production code passes `PublishSteps()`, which never fails.
///
/// A simulated crash throws without any cleanup, exactly as a killed process
/// would leave things: a verified `<id>.reel.partial`, or an installed but
/// not yet current `<id>.reel`.
public struct PublishSteps: Sendable {
    public enum Point: String, Sendable, CaseIterable {
        /// The new release is written under its temporary name, fsynced and verified.
        case afterTempWrite = "after the temporary file was written"
        /// It is renamed into `output/releases/` and the folder fsynced.
        case afterRename = "after the rename into output/releases"
        /// `output/previous` is updated; `output/current` is not switched yet.
        case beforeSwitch = "before switching output/current"
    }

    /// Where to fail, or nil to run to completion.
    public var failAt: Point?

    public init(failAt: Point? = nil) {
        self.failAt = failAt
    }

    /// Throws when the publish reaches the configured failure point.
    func reached(_ point: Point) throws {
        if point == failAt {
            throw ReelError(.io, "simulated crash \(point.rawValue)")
        }
    }
}
