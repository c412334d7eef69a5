import ReelCore
@testable import ReelServing
@testable import ReelServer
import Testing

@Suite("Router and query parsing")
struct RouterTests {
    private func route(_ target: String, _ method: RequestMethod = .get) -> Routed {
        var target = target
        return target.withUTF8 { Router.route(method, target: UnsafeRawBufferPointer($0)) }
    }

    private func failure(_ target: String, _ method: RequestMethod = .get) -> LookupFailure? {
        if case .failure(let f) = route(target, method).outcome { return f }
        return nil
    }

    @Test("every route parses with its defaults")
    func routes() {
        #expect(
            route("/v1/users/42/recommendations").outcome
                == .success(.lookup(.recommendations(userID: 42, k: nil, mode: nil, weights: WeightOverrides()))))
        #expect(route("/v1/trending").outcome == .success(.lookup(.trending(window: .week, genre: nil, k: nil))))
        #expect(route("/v1/movies/1").outcome == .success(.lookup(.movie(id: 1))))
        #expect(route("/v1/movies/1/similar?k=3").outcome == .success(.lookup(.similar(movieID: 1, k: 3))))
        #expect(route("/v1/release").outcome == .success(.release))
        #expect(route("/healthz").outcome == .success(.healthz))
        #expect(route("/readyz?probe=1").outcome == .success(.readyz))
        #expect(route("/metrics").outcome == .success(.metrics))
        #expect(route("/openapi.json").outcome == .success(.openAPI))
        #expect(route("/v1/users/7/recommendations").id == .recommendations)
    }

    @Test("recommendation parameters: k, mode and hybrid weights")
    func recommendationParameters() {
        let weights = WeightOverrides(model: 0.5, trending: 1, diversity: 0.125)
        #expect(
            route("/v1/users/3/recommendations?k=5&mode=hybrid&w_model=0.5&w_trending=1&w_diversity=.125").outcome
                == .success(.lookup(.recommendations(userID: 3, k: 5, mode: .hybrid, weights: weights))))
        #expect(
            route("/v1/users/3/recommendations?mode=HYBRID&").outcome
                == .success(.lookup(.recommendations(userID: 3, k: nil, mode: .hybrid, weights: WeightOverrides()))))
        #expect(
            route("/v1/users/3/recommendations?mode=als&w_trending=0.2").outcome
                == .failure(.badParameter("w_model, w_trending and w_diversity apply only with mode=hybrid")))
        #expect(
            route("/v1/users/3/recommendations?mode=hybrid&w_trending=0.2").outcome
                == .success(.lookup(.recommendations(userID: 3, k: nil, mode: .hybrid, weights: WeightOverrides(trending: 0.2)))))
        // k's range is checked against the release by the engine; here it is only a number.
        #expect(
            route("/v1/users/3/recommendations?k=-2").outcome
                == .success(.lookup(.recommendations(userID: 3, k: -2, mode: nil, weights: WeightOverrides()))))
        #expect(
            route("/v1/users/3/recommendations?k=99999999999999999999999").outcome
                == .success(.lookup(.recommendations(userID: 3, k: Int.max, mode: nil, weights: WeightOverrides()))))
    }

    @Test("trending parameters: window and genre, case-insensitive and percent-decoded")
    func trendingParameters() {
        #expect(
            route("/v1/trending?window=24h&genre=comedy&k=20").outcome
                == .success(.lookup(.trending(window: .day, genre: Genres.index(of: "Comedy"), k: 20))))
        #expect(
            route("/v1/trending?genre=Sci%2dFi&window=30D").outcome
                == .success(.lookup(.trending(window: .month, genre: Genres.index(of: "Sci-Fi"), k: nil))))
        #expect(
            route("/v1/trending?genre=film-noir").outcome == .success(.lookup(.trending(window: .week, genre: Genres.index(of: "Film-Noir"), k: nil)))
        )
    }

    @Test("bad ids are 400 invalid_id: non-numeric, negative, overflowing, empty")
    func badIDs() {
        for target in [
            "/v1/users/abc/recommendations", "/v1/users/-1/recommendations",
            "/v1/users/2147483648/recommendations", "/v1/users//recommendations",
            "/v1/movies/1e3", "/v1/movies/99999999999999999999/similar", "/v1/movies/%31",
            "/v1/movies/+1",
        ] {
            let f = failure(target)
            #expect(f?.status == .badRequest, "\(target)")
            #expect(f?.code == "invalid_id", "\(target)")
        }
        #expect(failure("/v1/users/-5/recommendations")?.detail.contains("negative") == true)
        #expect(failure("/v1/movies/4294967296")?.detail.contains("too large") == true)
        #expect(
            route("/v1/users/2147483647/recommendations").outcome
                == .success(.lookup(.recommendations(userID: Int32.max, k: nil, mode: nil, weights: WeightOverrides()))))
    }

    @Test("bad query parameters are 400s naming the parameter")
    func badParameters() {
        let cases: [(String, String)] = [
            ("/v1/trending?K=5", "unknown query parameter 'K'"),
            ("/v1/trending?k=5&k=6", "more than once"),
            ("/v1/trending?k=", "needs a value"),
            ("/v1/trending?k", "needs a value"),
            ("/v1/trending?k=ten", "whole number"),
            ("/v1/trending?window=1y", "window must be 24h, 7d or 30d"),
            ("/v1/trending?genre=Cartoon", "unknown genre 'Cartoon'"),
            ("/v1/trending?genre=%zz", "malformed percent-encoding"),
            ("/v1/users/1/recommendations?mode=deep", "mode must be the model's candidate name (implicit-als, explicit-als; alias als) or hybrid"),
            ("/v1/users/1/recommendations?w_model=0.5", "only with mode=hybrid"),
            ("/v1/users/1/recommendations?mode=hybrid&w_model=-1", "non-negative decimal"),
            ("/v1/users/1/recommendations?mode=hybrid&w_trending=1e3", "non-negative decimal"),
            ("/v1/users/1/recommendations?window=7d", "allowed: k, mode, w_model, w_trending, w_diversity"),
            ("/v1/movies/1?k=3", "takes no query parameters"),
            ("/v1/release?x=1", "takes no query parameters"),
        ]
        for (target, fragment) in cases {
            let f = failure(target)
            #expect(f?.status == .badRequest, "\(target)")
            #expect(f?.detail.contains(fragment) == true, "\(target): \(f?.detail ?? "no failure")")
        }
    }

    @Test("unknown paths are 404; other methods on known paths 405; 404 wins over 405")
    func notFoundAndMethods() {
        // "/" is the Explore page (WebRoutesTests).
        for target in [
            "/v1", "/v1/", "/v1/trending/", "/v1/users/1", "/v1/users/1/recommendations/x",
            "/v1/movies/1/similar/2", "/v2/trending", "/HEALTHZ", "*", "",
        ] {
            #expect(route(target).id == .unmatched, "\(target)")
            #expect(failure(target)?.status == .notFound, "\(target)")
        }
        #expect(failure("/v1/trending", .other)?.status == .methodNotAllowed)
        #expect(failure("/v1/movies/abc", .other)?.status == .methodNotAllowed)
        #expect(failure("/nowhere", .other)?.status == .notFound)
        #expect(route("/v1/trending", .head).outcome == .success(.lookup(.trending(window: .week, genre: nil, k: nil))))
    }
}
