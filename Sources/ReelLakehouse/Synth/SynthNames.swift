import ReelCore

/// Titles and tags that look like MovieLens': "Name (Year)" titles, with the
/// quirks a CSV reader must survive — "Article, The" titles that need quoting,
/// nicknames in doubled quotes, a few non-ASCII letters — and free-text tags,
/// some with commas and quotes too.
enum SynthNames {
    static let adjectives = [
        "Silent", "Broken", "Last", "Golden", "Hidden", "Crimson", "Lonely", "Wild",
        "Electric", "Frozen", "Secret", "Midnight", "Lost", "Dark", "Little", "Iron",
        "Burning", "Empty", "Savage", "Quiet", "Velvet", "Distant", "Hollow", "Brave",
    ]
    static let nouns = [
        "River", "City", "Garden", "Empire", "Heart", "Mirror", "Road", "Summer", "Kingdom",
        "Island", "Station", "Letter", "Horizon", "Shadow", "Winter", "Machine", "Dream",
        "Harbor", "Forest", "Stranger", "Promise", "Circus", "Frontier", "Witness",
        "Café", "Señorita", "Über Alles", "Château",
    ]
    static let articles = ["The", "A", "An"]
    static let people = ["Jones", "Marlowe", "Kovač", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Baker"]
    static let nicknames = ["Lucky", "Doc", "Ace", "Kid", "Red", "Slim"]

    /// A title without its year, e.g. `Silent River`, `Kingdom, The`, `Dr. "Lucky" Jones`.
    static func title(_ rng: inout SplitMix64) -> String {
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        let shape = rng.next() % 100
        switch shape {
        case 0..<30: return pick(adjectives) + " " + pick(nouns)
        case 30..<45: return pick(nouns) + ", " + pick(articles)  // "American President, The"
        case 45..<55: return pick(nouns) + " of the " + pick(nouns)
        case 55..<65: return pick(adjectives) + " " + pick(nouns) + " " + String(2 + rng.next() % 4)
        case 65..<72: return pick(nouns) + ": " + pick(adjectives) + " " + pick(nouns)
        case 72..<76: return "Dr. \"" + pick(nicknames) + "\" " + pick(people)  // doubled quotes in the CSV
        case 76..<80: return pick(adjectives) + " " + pick(nouns) + ", " + pick(adjectives) + " " + pick(nouns)
        default: return pick(people) + "'s " + pick(nouns)
        }
    }

    /// Tags anyone might write, including ones that need quoting.
    static let commonTags = [
        "atmospheric", "twist ending", "based on a book", "visually appealing",
        "great soundtrack", "overrated", "classic", "thought-provoking", "quirky",
        "predictable", "cult film", "slow", "beautiful", "dialogue", "must see",
        "funny, but sad", "long, but worth it", "the \"twist\"", "\"so bad it's good\"",
        "mise-en-scène", "director's cut",
    ]

    /// Tags typical of each latent dimension (in `SynthModel.dimensionGenres` order).
    static let dimensionTags: [[String]] = [
        ["character study", "emotional", "oscar (best picture)"],  // Drama
        ["funny", "hilarious", "dark comedy"],  // Comedy
        ["explosions", "car chase", "martial arts"],  // Action
        ["suspense", "tense", "conspiracy"],  // Thriller
        ["romantic", "love story", "chick flick"],  // Romance
        ["gore", "creepy", "zombies"],  // Horror
        ["space", "dystopia", "time travel"],  // Sci-Fi
        ["informative", "true story", "interviews"],  // Documentary
        ["pixar", "anime", "hand-drawn"],  // Animation
        ["heist", "mafia", "noir"],  // Crime
        ["quest", "treasure", "epic"],  // Adventure
        ["magic", "dragons", "fairy tale"],  // Fantasy
        ["family", "kids", "talking animals"],  // Children
        ["whodunit", "detective", "puzzle"],  // Mystery
        ["world war ii", "anti-war", "battle"],  // War
        ["singing", "broadway", "dance"],  // Musical
    ]

    /// Tag byte strings: common ones first, then per dimension. Built once.
    static let tagBytes: (common: [[UInt8]], byDimension: [[[UInt8]]]) = (
        commonTags.map { Array($0.utf8) },
        dimensionTags.map { $0.map { Array($0.utf8) } }
    )

    /// The longest tag in bytes (sizes the row buffers).
    static let longestTag = (commonTags + dimensionTags.flatMap { $0 }).map { $0.utf8.count }.max()!
}
