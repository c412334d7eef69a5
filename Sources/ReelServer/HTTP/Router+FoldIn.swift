/// Routing of the fold-in requests: `POST /v1/recommendations` and
/// `POST /v1/users/{userId}/recommendations`. Their parameters are in the JSON
/// body (`FoldInBody`), so the query string must be empty.
extension Router {
    static func routeFoldIn(
        _ method: RequestMethod, _ id: RouteID, path: UnsafeRawBufferPointer,
        query: UnsafeRawBufferPointer
    ) -> Routed {
        let routeID: RouteID = id == .recommendations ? .userFoldIn : id
        guard method == .post, id == .foldIn || id == .recommendations else {
            let what =
                id == .foldIn
                ? "/v1/recommendations answers only POST (a JSON body of ratings)"
                : "\(id.template ?? "this route") answers only GET and HEAD"
            return Routed(id: id, outcome: .failure(LookupFailure(.methodNotAllowed, "method_not_allowed", what)))
        }
        guard query.isEmpty else {
            return Routed(
                id: routeID,
                outcome: .failure(
                    .badParameter(
                        "POST \(routeID.template!) takes its parameters (ratings, k, mode) in the JSON body, not the query string")))
        }
        guard id == .recommendations else { return Routed(id: routeID, outcome: .success(.foldIn(userID: nil))) }
        let segment = path.dropPrefix("/v1/users/")!.splitOnce(at: UInt8(ascii: "/")).head
        do throws(LookupFailure) {
            return Routed(id: routeID, outcome: .success(.foldIn(userID: try ParameterValue.id(segment, what: "user id"))))
        } catch {
            return Routed(id: routeID, outcome: .failure(error))
        }
    }
}

extension RouteID {
    /// The `Allow` header of a 405 on this route.
    var allowedMethods: StaticString {
        switch self {
        case .foldIn: return "POST"
        case .recommendations, .userFoldIn: return "GET, HEAD, POST"
        default: return "GET, HEAD"
        }
    }
}
