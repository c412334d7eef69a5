import NIOCore
import ReelCore
import ReelServing

/// What a response is, apart from its body.
struct ResponseSummary: Equatable {
    var status: ResponseStatus
    var route: RouteID
    var contentType: ContentType = .json
}

/// Turns a request (method and target) into a status and a body: routing,
/// readiness, the lookup, and rendering. Everything between the HTTP framing
/// and the store, so tests and the fuzz test drive it without sockets.
///
/// One per connection; its engine's buffers are reused request after request.
struct LookupResponder<Store: RecommendationStore> {
    private var engine = LookupEngine<Store>()
    private var web = WebResponder<Store>()
    let slot: ReleaseSlot<Store>
    let metrics: ServerMetrics

    init(slot: ReleaseSlot<Store>, metrics: ServerMetrics) {
        self.slot = slot
        self.metrics = metrics
    }

    mutating func respond(_ method: RequestMethod, target: UnsafeRawBufferPointer,
                          into body: inout ByteBuffer) -> ResponseSummary {
        let routed = Router.route(method, target: target)
        let route: Route
        switch routed.outcome {
        case .failure(let failure):
            return fail(failure, routed.id, into: &body)
        case .success(let r):
            route = r
        }
        switch route {
        case .healthz:
            body.writeStaticString("{\"status\":\"ok\"}")
        case .openAPI:
            body.writeBytes(OpenAPISpec.jsonBytes)
        case .metrics:
            metrics.render(release: slot.current, now: Clock.now(), into: &body)
            return ResponseSummary(status: .ok, route: routed.id, contentType: .prometheus)
        case .readyz:
            let readiness = slot.readiness
            guard let release = readiness.served else { return notReady(routed.id, into: &body) }
            body.writeStaticString("{\"status\":\"ready\",\"release\":")
            body.writeBytes(release.idJSON)
            if let refusal = readiness.refusal {
                // Still ready (a verified release serves), but the release the path points at was refused.
                body.writeStaticString(",\"lastReload\":\"refused\",\"problem\":")
                body.writeJSONString(refusal)
            }
            body.writeInteger(UInt8(ascii: "}"))
        case .release:
            guard let release = slot.current else { return notReady(routed.id, into: &body) }
            ReleaseJSON.write(release, now: Clock.now(), into: &body)
        case .web(let request):
            return web.respond(request, route: routed.id, release: slot.current,
                               notReady: { "no verified release is mapped yet: \(slot.problem)" }, into: &body)
        case .lookup(let request):
            guard let release = slot.current else { return notReady(routed.id, into: &body) }
            do {
                let answer = try engine.answer(request, store: release.store)
                if case .recommendations(_, .fallback, _) = answer { metrics.recordFallback() }
                LookupJSON.write(answer, items: engine.items, release: release, into: &body)
            } catch {
                return fail(error, routed.id, into: &body)
            }
        case .foldIn:
            // The router sends only POSTs here, and POSTs go to `FoldInResponder`.
            return fail(LookupFailure(.methodNotAllowed, "method_not_allowed", "fold-in routes answer only POST"),
                        routed.id, into: &body)
        }
        return ResponseSummary(status: .ok, route: routed.id)
    }

    private func fail(_ failure: LookupFailure, _ route: RouteID, into body: inout ByteBuffer) -> ResponseSummary {
        LookupJSON.writeError(failure, into: &body)
        return ResponseSummary(status: failure.status, route: route)
    }

    private func notReady(_ route: RouteID, into body: inout ByteBuffer) -> ResponseSummary {
        fail(LookupFailure(.serviceUnavailable, "not_ready", "no verified release is mapped yet: \(slot.problem)"),
             route, into: &body)
    }
}
