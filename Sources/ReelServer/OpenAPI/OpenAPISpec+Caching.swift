import ReelCore
/// The caching part of the API description: which operations answer with a
/// release-fixed `ETag` (and 304 on `If-None-Match`), and the headers involved
/// (`CacheHeaders`, docs/serving.md "Caching and CORS").
extension OpenAPISpec {
    /// The lookups: a pure function of the release and the request target.
    static let cachedOperations: Set<String> = [
        "getRecommendations", "getTrending", "getMovie", "getSimilarMovies", "searchMovies", "getUserRatings",
    ]

    static var cachingHeaders: JSONValue {
        [
            "ETag": [
                "description":
                    "The served release's entity tag (16 hex digits, quoted): the same for every lookup of one release, another for the next release.",
                "schema": ["type": "string", "pattern": "^\"[0-9a-f]{16}\"$"],
            ],
            "Cache-Control": [
                "description": .string("`public, max-age=\(CacheHeaders.lookupMaxAge)`: reusable for a minute, then revalidated with If-None-Match."),
                "schema": ["type": "string"],
            ],
        ]
    }

    static var ifNoneMatchParameter: JSONValue {
        [
            "name": "If-None-Match", "in": "header", "required": false,
            "description":
                "An ETag from an earlier answer (or a list, weak tags allowed): when it names the served release's tag, the answer is 304 with no body.",
            "schema": ["type": "string"],
        ]
    }

    static var cachingResponses: JSONValue {
        [
            "NotModified": [
                "description": "The ETag named in If-None-Match is the served release's: the copy the client holds is current. No body.",
                "headers": cachingHeaders,
            ]
        ]
    }
}
