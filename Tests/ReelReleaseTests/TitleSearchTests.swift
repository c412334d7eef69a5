@testable import ReelRelease
import Testing
@testable import ReelServing

/// Ten hand-picked queries (and a few more) against a small catalogue in
/// MovieLens' spelling: exact titles, prefixes, a word from the middle,
/// other case, accents, apostrophes, a moved article. The index path and the
/// index-free scan must agree on every one.
@Suite("Title search")
struct TitleSearchTests {
    /// (title as in silver, rating count)
    static let catalogue: [(String, Int32)] = [
        ("Star Wars: Episode IV - A New Hope", 1000), ("Star Wars: Episode V - The Empire Strikes Back", 900),
        ("Star Trek: First Contact", 500), ("Stardust", 300), ("Star Wars: The Clone Wars", 50),
        ("Matrix, The", 1200), ("Amélie (Fabuleux destin d'Amélie Poulain, Le)", 700),
        ("Léon: The Professional (a.k.a. The Professional) (Léon)", 600), ("Schindler's List", 800),
        ("City of God (Cidade de Deus)", 400), ("Toy Story", 1100), ("Toy Story 2", 700), ("Toy Soldiers", 20),
        ("Pulp Fiction", 1150), ("Godfather, The", 1000), ("<script>alert(1)</script>", 5), ("Die Straße", 3),
        ("Дети", 2),
    ]

    /// Builds the index and runs `body` with a view over it (buffers live for the call).
    static func withIndex<R>(_ catalogue: [(String, Int32)] = catalogue, _ body: (TitleIndexView) -> R) -> R {
        var titles: [UInt8] = [], offsets: [UInt32] = [0]
        for (t, _) in catalogue { titles += Array(t.utf8); offsets.append(UInt32(titles.count)) }
        let counts = catalogue.map(\.1)
        var web = ReleaseWebContents()
        TitleIndexBuilder.build(titleOffsets: offsets, titles: titles, ratingCounts: counts, into: &web)
        return web.titleNorm.withUnsafeBytes { norm in
            web.titleNormOffsets.withUnsafeBufferPointer { normOffsets in
                web.titleTokens.withUnsafeBytes { tokens in
                    web.titleTokenOffsets.withUnsafeBufferPointer { tokenOffsets in
                        web.titlePostings.withUnsafeBufferPointer { postings in
                            web.titlePostingOffsets.withUnsafeBufferPointer { postingOffsets in
                                web.titleSorted.withUnsafeBufferPointer { sorted in
                                    web.titleSortRank.withUnsafeBufferPointer { sortRank in
                                        web.titleByPopularity.withUnsafeBufferPointer { byPopularity in
                                            counts.withUnsafeBufferPointer { ratingCounts in
                                                body(
                                                    TitleIndexView(
                                                        norm: norm, normOffsets: normOffsets, tokens: tokens,
                                                        tokenOffsets: tokenOffsets, postings: postings,
                                                        postingOffsets: postingOffsets, sorted: sorted, sortRank: sortRank,
                                                        byPopularity: byPopularity, ratingCounts: ratingCounts))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Titles found for `query` by the index and by the scan (which must agree), with their match kinds.
    static func find(_ query: String, k: Int = 10, in catalogue: [(String, Int32)] = catalogue) -> [(String, TitleMatchKind)] {
        var search = TitleSearch()
        let bytes = Array(query.utf8)
        let indexed = withIndex(catalogue) { index in
            bytes.withUnsafeBytes { search.search($0, k: k, index: index) }
            return search.results
        }
        var scanner = TitleSearch()
        let titleBytes = catalogue.map { Array(TitleFolding.articleFirst($0.0).utf8) }
        bytes.withUnsafeBytes { q in
            scanner.scan(
                q, k: k, movieCount: catalogue.count,
                title: { row in titleBytes[row].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) } },
                ratingCount: { catalogue[$0].1 })
        }
        #expect(indexed == scanner.results, "index and scan disagree on \"\(query)\"")
        return indexed.map { (catalogue[Int($0.row)].0, $0.kind) }
    }

    static func titles(_ query: String, k: Int = 10) -> [String] { find(query, k: k).map(\.0) }

    @Test("1: an exact title comes first, marked exact")
    func exact() {
        let r = Self.find("Stardust")
        #expect(r.first?.0 == "Stardust" && r.first?.1 == .exact)
    }

    @Test("2: a moved article is matched in front: 'the matrix'")
    func article() {
        let r = Self.find("the matrix")
        #expect(r.first?.0 == "Matrix, The" && r.first?.1 == .exact)
    }

    @Test("3: a prefix of two words lists every title starting with it, most rated first")
    func prefixWords() {
        #expect(
            Self.titles("star wars") == [
                "Star Wars: Episode IV - A New Hope", "Star Wars: Episode V - The Empire Strikes Back",
                "Star Wars: The Clone Wars",
            ])
    }

    @Test("4: a one-word prefix matches word starts, ranked by popularity within the prefix tier")
    func prefixOneWord() {
        #expect(
            Self.titles("star") == [
                "Star Wars: Episode IV - A New Hope", "Star Wars: Episode V - The Empire Strikes Back",
                "Star Trek: First Contact", "Stardust", "Star Wars: The Clone Wars",
            ])
    }

    @Test("5: a word from the middle of the title")
    func middleWord() {
        let r = Self.find("cidade")
        #expect(r.map(\.0) == ["City of God (Cidade de Deus)"] && r.first?.1 == .word)
    }

    @Test("6: other case and accents: 'AMELIE' and 'amélie' find Amélie")
    func accentsAndCase() {
        #expect(Self.titles("AMELIE").first == "Amélie (Fabuleux destin d'Amélie Poulain, Le)")
        #expect(Self.titles("amélie poulain") == ["Amélie (Fabuleux destin d'Amélie Poulain, Le)"])
        #expect(Self.titles("leon").first == "Léon: The Professional (a.k.a. The Professional) (Léon)")
        #expect(Self.titles("strasse") == ["Die Straße"])
        #expect(Self.titles("ДЕТИ") == ["Дети"])
    }

    @Test("7: apostrophes, straight or typographic, are part of the word")
    func apostrophes() {
        let r = Self.find("schindler's list")
        #expect(r.first?.0 == "Schindler's List" && r.first?.1 == .exact)
        #expect(Self.titles("Schindler’s").first == "Schindler's List")
        #expect(Self.titles("schindlers list").first == "Schindler's List")
    }

    @Test("8: typing the start of the last word ('toy s') narrows as you type")
    func asYouType() {
        #expect(Self.titles("toy s") == ["Toy Story", "Toy Story 2", "Toy Soldiers"])
        #expect(Self.titles("toy story") == ["Toy Story", "Toy Story 2"])
        #expect(Self.find("toy story").first?.1 == .exact)
    }

    @Test("9: punctuation and case do not matter: 'PULP -- fiction!'")
    func punctuation() {
        let r = Self.find("PULP -- fiction!")
        #expect(r.first?.0 == "Pulp Fiction" && r.first?.1 == .exact)
    }

    @Test("10: words must all be present; nothing matches nonsense; k bounds the answer")
    func misses() {
        #expect(Self.titles("star godfather").isEmpty)
        #expect(Self.titles("zzzz").isEmpty)
        #expect(Self.titles("   ").isEmpty)
        #expect(Self.titles("star", k: 2).count == 2)
        #expect(Self.titles("script") == ["<script>alert(1)</script>"])
    }

    @Test("on a large catalogue of common words (popularity walks, long runs) the index agrees with the scan")
    func largeCatalogueAgrees() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let vocabulary = [
            "Star", "Stars", "Story", "Toy", "The", "City", "Café", "Château", "Lost", "Last", "River", "Road",
            "Dark", "Dream", "Dreams", "Kingdom", "King", "Summer", "Winter", "Silent", "Sea", "See", "A", "Love",
        ]
        var catalogue: [(String, Int32)] = []
        for _ in 0..<3000 {
            var words = (0..<(1 + next(4))).map { _ in vocabulary[next(vocabulary.count)] }
            if next(5) == 0 { words[words.count - 1] += ", The" }
            catalogue.append((words.joined(separator: " "), Int32(next(200))))
        }
        var queries = ["s", "t", "the", "st", "star", "stars", "the king", "king", "lost r", "cafe", "chateau d", "a", "sea", "see"]
        for _ in 0..<40 {
            let title = String(decoding: TitleFolding.fold(TitleFolding.articleFirst(catalogue[next(catalogue.count)].0)), as: UTF8.self)
            queries.append(String(title.prefix(1 + next(title.count))))
        }
        let titleBytes = catalogue.map { Array(TitleFolding.articleFirst($0.0).utf8) }
        var search = TitleSearch(), scanner = TitleSearch()
        var disagreements = 0, results = 0
        Self.withIndex(catalogue) { index in
            for query in queries {
                for k in [1, 10] {
                    let bytes = Array(query.utf8)
                    bytes.withUnsafeBytes { q in
                        search.search(q, k: k, index: index)
                        scanner.scan(
                            q, k: k, movieCount: catalogue.count,
                            title: { row in titleBytes[row].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) } },
                            ratingCount: { catalogue[$0].1 })
                    }
                    if search.results != scanner.results { disagreements += 1; print("disagree on \(query) k=\(k)") }
                    results += search.results.count
                }
            }
        }
        #expect(disagreements == 0)
        #expect(results > queries.count * 5)
    }

    @Test("folding: accents, ligatures, combining marks, invalid UTF-8")
    func folding() {
        #expect(String(decoding: TitleFolding.fold("Æon Flux: Œuvre — ÇA!"), as: UTF8.self) == "aeon flux oeuvre ca")
        #expect(String(decoding: TitleFolding.fold("Ame\u{301}lie"), as: UTF8.self) == "amelie")
        var out: [UInt8] = []
        [UInt8(ascii: "a"), 0xFF, UInt8(ascii: "b")].withUnsafeBytes { TitleFolding.fold($0, into: &out) }
        #expect(out == Array("a b".utf8))
        #expect(TitleFolding.articleFirst("Matrix, The") == "The Matrix")
        #expect(TitleFolding.articleFirst("Fabuleux destin, Le") == "Le Fabuleux destin")
        #expect(TitleFolding.articleFirst("Hello, World") == "Hello, World")
    }

    @Test("recent ratings keep each user's newest N, newest first, ties by movie row")
    func recentRatings() {
        var web = ReleaseWebContents()
        // user 0: movies 0,1,2 at times 5,9,9; user 1: none; user 2: movie 3 at time 1
        RecentRatingsBuilder.build(
            userOffsets: [0, 3, 3, 4], userMovies: [0, 1, 2, 3], userRatings: [4.5, 3, 0.5, 5],
            userTimes: [5, 9, 9, 1], n: 2, into: &web)
        #expect(web.recentN == 2)
        #expect(web.recentMovies == [1, 2, -1, -1, 3, -1])
        #expect(web.recentRatings == [6, 1, 0, 0, 10, 0])
        #expect(web.recentTimes == [9, 9, 0, 0, 1, 0])
    }
}
