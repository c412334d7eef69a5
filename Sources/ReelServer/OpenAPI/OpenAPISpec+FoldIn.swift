import ReelCore
import ReelServing

/// The fold-in routes in the OpenAPI document: `POST /v1/recommendations` and
/// `POST /v1/users/{userId}/recommendations`, their body and answer schemas.
extension OpenAPISpec {
    /// `paths` with the POST operations added (the user route keeps its GET).
    static func withFoldIn(_ paths: JSONValue) -> JSONValue {
        let userPath = "/v1/users/{userId}/recommendations"
        let members = paths.members.map { m -> JSONValue.Member in
            guard m.key == userPath else { return m }
            return JSONValue.Member(key: m.key, value: m.value.merging(["post": foldInOperation(user: true)]))
        }
        return JSONValue.object(members).merging(["/v1/recommendations": ["post": foldInOperation(user: false)]])
    }

    private static func foldInOperation(user: Bool) -> JSONValue {
        var op = operation(
            id: user ? "foldInKnownUser" : "foldIn", tag: "recommendations",
            summary: user
                ? "Add today's ratings to a known user's stored row and recommend"
                : "Recommendations for ratings the nightly has not seen (fold-in)",
            description: (user
                ? """
                Folds the body's ratings in on top of the user's stored factors (the release keeps user factors, \
                not histories: x' = x + (YᵀY + λI + ΔA)⁻¹(Δb − ΔA·x), exact but for the old ratings' curvature) \
                and re-ranks the user's stored candidates, which are known to be unseen, leaving out the newly \
                rated movies. A user not in the release is folded in from the body alone. 404 when the release \
                keeps no user factors (`reel publish --no-fold-in-users`).
                """
                : """
                Solves the ALS row training would have produced for these ratings (same normal equations, \
                same λ and α, stored in the release) and ranks every movie with factors, rated movies excluded. \
                The served blend applies as for known users (`mode` as in the GET route).
                """) + """
                     Movie ids the release does not know are ignored and listed in `ignored`; a 400 when none is \
                    left. At most \(FoldInLimits.maxRatings) ratings, each 0.5–5.0; bodies up to \(FoldInLimits.maxBodyBytes) \
                    bytes (413 above, refused unread); Content-Type must be application/json (415). 404 when the \
                    release has no fold-in sections (published before format 1.1 or with `--no-fold-in`).
                    """,
            parameters: user ? [pathIDParameter] : [],
            ok: ("FoldInList", "The folded-in user's list."),
            errors: ["400", "411", "415", "503"])
        let responses = setting(
            setting(op["responses"] ?? [:], "404", ["$ref": "#/components/responses/FoldInUnavailable"]),
            "413", ["$ref": "#/components/responses/BodyTooLarge"])
        op = setting(op, "responses", responses)
        op = op.merging([
            "requestBody": [
                "required": true,
                "content": [
                    "application/json": [
                        "schema": ref("FoldInRequest"),
                        "example": ["ratings": [["movieId": 1, "rating": 4.5], ["movieId": 296, "rating": 5]], "k": 10],
                    ]
                ],
            ]
        ])
        return op
    }

    /// `object` with `key` set to `value` (replaced in place, or appended).
    private static func setting(_ object: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        var members = object.members
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].value = value
        } else {
            members.append(JSONValue.Member(key: key, value: value))
        }
        return .object(members)
    }

    private static var pathIDParameter: JSONValue {
        [
            "name": "userId", "in": "path", "required": true, "example": 1,
            "description": "MovieLens user id. A non-negative whole number up to 2147483647; anything else is a 400.",
            "schema": ["type": "integer", "format": "int32", "minimum": 0, "maximum": 2_147_483_647],
        ]
    }

    static var foldInSchemas: JSONValue {
        [
            "FoldInRequest": [
                "type": "object", "required": ["ratings"], "additionalProperties": false,
                "properties": [
                    "ratings": [
                        "type": "array", "maxItems": .decimal(Double(FoldInLimits.maxRatings)),
                        "description": .string(
                            "Rated movies: objects, or bare movie ids meaning watched/liked (rating \(FoldInLimits.likedRating)). A movie given twice counts once, with its last rating."
                        ),
                        "items": [
                            "oneOf": [
                                [
                                    "type": "object", "required": ["movieId", "rating"], "additionalProperties": false,
                                    "properties": [
                                        "movieId": ["type": "integer", "format": "int32", "minimum": 0],
                                        "rating": ["type": "number", "minimum": 0.5, "maximum": 5.0],
                                    ],
                                ],
                                ["type": "integer", "format": "int32", "minimum": 0],
                            ]
                        ],
                    ],
                    "k": [
                        "type": "integer", "minimum": 1, "default": 10, "description": "1 up to the recommendations per user stored in the release.",
                    ],
                    "mode": [
                        "type": ["string", "null"], "enum": .array(RecommendationMode.names.map { .string($0.name) } + [.null]),
                        "description": "As in the GET route; default the release's.",
                    ],
                ],
            ],
            "FoldInList": [
                "type": "object", "required": ["userId", "source", "mode", "release", "count", "items", "ignored"],
                "properties": [
                    "userId": ["type": ["integer", "null"], "description": "The path's user id; null for POST /v1/recommendations."],
                    "source": ["type": "string", "const": "fold-in"],
                    "mode": [
                        "type": "string", "description": "The order served: the model's (its candidate name, e.g. `implicit-als`) or `hybrid`.",
                    ],
                    "weights": [
                        "type": "object", "description": "Only with mode hybrid: the weights applied.",
                        "required": ["model", "trending", "diversity"],
                        "properties": ["model": ["type": "number"], "trending": ["type": "number"], "diversity": ["type": "number"]],
                    ],
                    "release": releaseField, "count": countField,
                    "items": ["type": "array", "items": ref("ListItem")],
                    "ignored": ["type": "array", "items": ["type": "integer"], "description": "Movie ids of the request not in the release."],
                ],
            ],
        ]
    }

    static var foldInResponses: JSONValue {
        [
            "FoldInUnavailable": errorResponse("`fold_in_unavailable`: the release has no fold-in sections (or, for a known user, no user factors)."),
            "LengthRequired": errorResponse("`length_required`: a chunked POST (send Content-Length)."),
            "BodyTooLarge": errorResponse(
                "`body_too_large`: the body is over \(FoldInLimits.maxBodyBytes) bytes; it is not read and the connection is closed."),
            "UnsupportedMediaType": errorResponse("`unsupported_media_type`: the body is not declared as application/json."),
        ]
    }
}
