import NIOCore
import ReelCore
import ReelServing

/// Answers the fold-in routes (`Route.foldIn`): checks the body's media type,
/// parses it (`FoldInBody`), runs `FoldInEngine` on the served release's
/// fold-in model and renders the answer or the error. Every failure is a 4xx
/// with a JSON error; nothing a client sends reaches a 5xx.
///
/// One per connection, next to `LookupResponder`; its buffers are reused.
struct FoldInResponder<Store: RecommendationStore> {
    private var body = FoldInBody()
    private var engine = FoldInEngine<Store>()
    let slot: ReleaseSlot<Store>
    let metrics: ServerMetrics

    init(slot: ReleaseSlot<Store>, metrics: ServerMetrics) {
        self.slot = slot
        self.metrics = metrics
    }

    /// Answers a POST: routes `target` (`Router+FoldIn`), then folds in the body.
    mutating func respond(
        target: UnsafeRawBufferPointer, bodyType: BodyType, requestBody: UnsafeRawBufferPointer,
        into out: inout ByteBuffer
    ) -> ResponseSummary {
        let routed = Router.route(.post, target: target)
        switch routed.outcome {
        case .failure(let failure):
            return fail(failure, routed.id, into: &out)
        case .success(.foldIn(let userID)):
            return respond(userID: userID, route: routed.id, bodyType: bodyType, requestBody: requestBody, into: &out)
        case .success:
            return fail(
                LookupFailure(.methodNotAllowed, "method_not_allowed", "this route does not answer POST"),
                routed.id, into: &out)
        }
    }

    mutating func respond(
        userID: Int32?, route: RouteID, bodyType: BodyType, requestBody: UnsafeRawBufferPointer,
        into out: inout ByteBuffer
    ) -> ResponseSummary {
        guard bodyType == .json else {
            return fail(
                LookupFailure(
                    .unsupportedMediaType, "unsupported_media_type",
                    bodyType == .missing
                        ? "a fold-in request needs Content-Type: application/json"
                        : "a fold-in body must be Content-Type: application/json"), route, into: &out)
        }
        guard let release = slot.current else {
            return fail(
                LookupFailure(.serviceUnavailable, "not_ready", "no verified release is mapped yet: \(slot.problem)"),
                route, into: &out)
        }
        do throws(LookupFailure) {
            try body.parse(requestBody)
            let request = FoldInRequest(userID: userID, movieIDs: body.movieIDs, ratings: body.ratings, k: body.k, mode: body.mode)
            let answer = try engine.answer(request, model: release.foldIn, store: release.store)
            metrics.foldIn.record(nanoseconds: answer.nanoseconds)
            FoldInJSON.write(answer, items: engine.items, ignored: engine.ignored, release: release, into: &out)
            return ResponseSummary(status: .ok, route: route)
        } catch {
            return fail(error, route, into: &out)
        }
    }

    private func fail(_ failure: LookupFailure, _ route: RouteID, into out: inout ByteBuffer) -> ResponseSummary {
        LookupJSON.writeError(failure, into: &out)
        return ResponseSummary(status: failure.status, route: route)
    }
}
