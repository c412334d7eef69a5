import ReelServing

extension FoldInParams {
    /// The fold-in of a model trained with `params` (the release stores these
    /// three numbers; the daemon never sees `ALSParams`).
    public init(_ params: ALSParams) {
        self.init(
            rule: params.mode == .implicit ? .implicitConfidence : .explicitWeighted,
            lambda: params.lambda, alpha: params.alpha)
    }
}
