import NIOCore
import ReelCore
import ReelServing

/// What a response is, apart from its body.
struct ResponseSummary: Equatable {
    var status: ResponseStatus
    var route: RouteID
    var contentType: ContentType = .json
    /// The `ETag`/`Cache-Control` lines (`Caching`): a release's for its lookup answers.
    var caching: Caching = .noStore
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

    /// - Parameter ifNoneMatch: the request's `If-None-Match` value (empty: none). When it
    ///   names the served release's tag, a lookup is answered 304 without being run.
    mutating func respond(
        _ method: RequestMethod, target: UnsafeRawBufferPointer,
        ifNoneMatch: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        into body: inout ByteBuffer
    ) -> ResponseSummary {
        if method == .options { return preflight(target, into: &body) }
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
            let headers = CacheHeaders.openAPI
            if headers.isMatched(by: ifNoneMatch) {
                return ResponseSummary(status: .notModified, route: routed.id, caching: .validated(headers))
            }
            body.writeBytes(OpenAPISpec.jsonBytes)
            return ResponseSummary(status: .ok, route: routed.id, caching: .validated(headers))
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
            let release = slot.current
            if request.isLookup, let release, release.cacheHeaders.isMatched(by: ifNoneMatch) {
                return ResponseSummary(status: .notModified, route: routed.id, caching: .validated(release.cacheHeaders))
            }
            var summary = web.respond(
                request, route: routed.id, release: release,
                notReady: { "no verified release is mapped yet: \(slot.problem)" }, into: &body)
            if request.isLookup, summary.status == .ok, let release { summary.caching = .validated(release.cacheHeaders) }
            return summary
        case .lookup(let request):
            guard let release = slot.current else { return notReady(routed.id, into: &body) }
            if release.cacheHeaders.isMatched(by: ifNoneMatch) {
                // Same release, same target: the client's copy is the answer (a pure function of both).
                return ResponseSummary(status: .notModified, route: routed.id, caching: .validated(release.cacheHeaders))
            }
            do {
                let answer = try engine.answer(request, store: release.store)
                if case .recommendations(_, .fallback, _) = answer { metrics.recordFallback() }
                LookupJSON.write(answer, items: engine.items, release: release, into: &body)
            } catch {
                return fail(error, routed.id, into: &body)
            }
            return ResponseSummary(status: .ok, route: routed.id, caching: .validated(release.cacheHeaders))
        case .foldIn:
            // The router sends only POSTs here, and POSTs go to `FoldInResponder`.
            return fail(
                LookupFailure(.methodNotAllowed, "method_not_allowed", "fold-in routes answer only POST"),
                routed.id, into: &body)
        }
        return ResponseSummary(status: .ok, route: routed.id)
    }

    /// `OPTIONS` on a known path: 204 with `Allow` (and, with CORS on, the
    /// preflight headers); an unknown path is a 404 like any other method's.
    private func preflight(_ target: UnsafeRawBufferPointer, into body: inout ByteBuffer) -> ResponseSummary {
        let path = target.splitOnce(at: UInt8(ascii: "?")).head
        let id = Router.match(path)
        guard id != .unmatched else {
            return fail(
                LookupFailure(.notFound, "no_route", "no route for this path; see /openapi.json for the API"),
                id, into: &body)
        }
        return ResponseSummary(status: .noContent, route: id)
    }

    private func fail(_ failure: LookupFailure, _ route: RouteID, into body: inout ByteBuffer) -> ResponseSummary {
        LookupJSON.writeError(failure, into: &body)
        return ResponseSummary(status: failure.status, route: route)
    }

    private func notReady(_ route: RouteID, into body: inout ByteBuffer) -> ResponseSummary {
        fail(
            LookupFailure(.serviceUnavailable, "not_ready", "no verified release is mapped yet: \(slot.problem)"),
            route, into: &body)
    }
}
