import ReelCore

/// What `reel synth` generates: the data set's shape, its seed and how dirty it is.
///
/// Presets fix the shape so that every engineer's benchmarks and tests talk about
/// the same data: `ml-25m` is MovieLens 25M's published shape, `small` is for quick
/// end-to-end runs, `tiny` for unit tests. Any field can be overridden after
/// choosing a preset; `validate()` says what does not fit together.
public struct SynthConfig: Sendable, Equatable {
    /// Preset the shape came from ("ml-25m", "small", "tiny"), or "custom" when
    /// users, movies or ratings were overridden.
    public var preset: String
    public var users: Int
    /// Movies in movies.csv; about 5% of them are never rated (as in ml-25m).
    public var movies: Int
    /// Clean ratings in ratings.csv (dirty rows and duplicates come on top).
    public var ratings: Int
    public var seed: UInt64
    /// Fraction of malformed rows (and duplicate ratings) to inject per table; 0 = clean.
    public var dirty: Double
    /// Dimension of the planted user and movie factors (1...16).
    public var rank: Int
    /// Worker threads; the output does not depend on it.
    public var threads: Int
    /// Real-data dynamics (release dates, popularity life cycles, sign-up
    /// bursts, sessions, slow taste drift, ml-25m's rating distribution); false
    /// reproduces the old static generator byte for byte (`reel synth --static`).
    public var dynamics = true
    /// About how many ratings one unit of parallel work generates (tests lower
    /// it to get many blocks from tiny data).
    var ratingsPerBlock = 262_144

    /// The smallest number of ratings a user has, as in MovieLens.
    public static let minRatingsPerUser = 20
    /// The largest planted rank (factors are held in `SIMD16<Float>`).
    public static let maxRank = 16
    public static let presetNames = ["ml-25m", "small", "tiny"]

    public init(
        preset: String = "custom", users: Int, movies: Int, ratings: Int,
        seed: UInt64 = 42, dirty: Double = 0, rank: Int = 8, threads: Int = 2
    ) {
        self.preset = preset
        self.users = users
        self.movies = movies
        self.ratings = ratings
        self.seed = seed
        self.dirty = dirty
        self.rank = rank
        self.threads = threads
    }

    /// The named preset with seed 42, clean.
    ///
    /// - `ml-25m`: 162,541 users, 62,423 movies, 25,000,095 ratings, rank 16.
    /// - `small`: 2,000 users, 1,500 movies, 200,000 ratings, rank 8.
    /// - `tiny`: 100 users, 80 movies, 3,000 ratings, rank 4.
    public static func preset(_ name: String) throws -> SynthConfig {
        switch name {
        case "ml-25m": return SynthConfig(preset: name, users: 162_541, movies: 62_423, ratings: 25_000_095, rank: 16)
        case "small": return SynthConfig(preset: name, users: 2_000, movies: 1_500, ratings: 200_000, rank: 8)
        case "tiny": return SynthConfig(preset: name, users: 100, movies: 80, ratings: 3_000, rank: 4)
        default:
            throw ReelError(.usage, "unknown synth preset '\(name)'; choose one of \(presetNames.joined(separator: ", "))")
        }
    }

    /// Movies that users can be exposed to (the rest are never rated).
    var exposedMovies: Int { max(1, movies - movies / 20) }

    /// The most ratings one user can have: half of the exposed catalogue, so that
    /// sampling without replacement always finds unseen movies quickly.
    public var maxRatingsPerUser: Int { max(Self.minRatingsPerUser, exposedMovies / 2) }

    /// Throws a usage error naming the first setting that cannot work.
    public func validate() throws {
        func fail(_ m: String) -> ReelError { ReelError(.usage, "synth: \(m)") }
        guard users >= 1, users <= Int(Int32.max) else { throw fail("--users must be between 1 and \(Int32.max), got \(users)") }
        guard movies >= 2 * Self.minRatingsPerUser + 2 else {
            throw fail(
                "--movies must be at least \(2 * Self.minRatingsPerUser + 2) so every user can rate \(Self.minRatingsPerUser) distinct movies, got \(movies)"
            )
        }
        guard movies <= 50_000_000 else { throw fail("--movies must be at most 50,000,000, got \(movies)") }
        guard ratings >= users * Self.minRatingsPerUser else {
            throw fail(
                "--ratings must be at least \(Self.minRatingsPerUser) per user (\(users * Self.minRatingsPerUser) for \(users) users), got \(ratings)"
            )
        }
        guard ratings <= users * maxRatingsPerUser else {
            throw fail("--ratings \(ratings) is more than \(users) users can give \(movies) movies (at most \(maxRatingsPerUser) each)")
        }
        guard rank >= 1, rank <= Self.maxRank else { throw fail("--rank must be between 1 and \(Self.maxRank), got \(rank)") }
        guard dirty >= 0, dirty <= 0.5, dirty.isFinite else { throw fail("--dirty must be a fraction between 0 and 0.5, got \(dirty)") }
        guard threads >= 1 else { throw fail("threads must be at least 1, got \(threads)") }
    }

    /// How the data set was made, as the manifest's `source` records it: the
    /// preset plus every setting that differs from it.
    public var commandLine: String {
        let base = try? Self.preset(preset)
        var s = "reel synth"
        if base != nil { s += " --preset \(preset)" }
        if base?.users != users { s += " --users \(users)" }
        if base?.movies != movies { s += " --movies \(movies)" }
        if base?.ratings != ratings { s += " --ratings \(ratings)" }
        if base?.rank != rank { s += " --rank \(rank)" }
        s += " --seed \(seed)"
        if !dynamics { s += " --static" }
        if dirty > 0 { s += " --dirty \(dirty)" }
        return s
    }
}
