import ReelCore

/// A trained model: user and movie factor matrices with their id maps.
///
/// Written by `reel train` to `output/models/<run-id>/model.factors` (a
/// `SectionFile` of kind `REELFACT`, documented in docs/model-format.md) and
/// read by `reel publish`, so factors produced elsewhere in the same format
/// can be published too.
public struct ModelFactors: Sendable {
    /// Latent dimension.
    public var rank: Int
    /// Row → external userId (same order as the silver rows the model was trained on).
    public var userIDs: [Int32]
    /// Row → external movieId.
    public var movieIDs: [Int32]
    /// Row-major `userIDs.count × rank`.
    public var userFactors: [Float]
    /// Row-major `movieIDs.count × rank`.
    public var movieFactors: [Float]
    /// JSON object with the training parameters, per-iteration log and metrics.
    public var metadataJSON: String

    public init(
        rank: Int, userIDs: [Int32], movieIDs: [Int32],
        userFactors: [Float], movieFactors: [Float], metadataJSON: String = "{}"
    ) {
        self.rank = rank
        self.userIDs = userIDs
        self.movieIDs = movieIDs
        self.userFactors = userFactors
        self.movieFactors = movieFactors
        self.metadataJSON = metadataJSON
    }
}
