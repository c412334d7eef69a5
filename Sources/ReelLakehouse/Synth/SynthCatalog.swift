import ReelCore

/// Writes movies.csv and links.csv: one row per planted movie in ascending
/// movieId order, with the dirty rows of the plan written before the clean row
/// they were placed at.
struct SynthCatalog {
    let world: SynthWorld
    let plan: SynthDirtyPlan

    /// movies.csv as bytes; returns the data rows written.
    func writeMovies(_ writer: FileWriter) -> Int {
        let config = world.config
        var titleRNG = SynthWorld.rng(config.seed, .titles)
        var dirtyRNG = SynthWorld.rng(config.seed, .dirtyRows).split(1)
        let dirty = plan.entries(.movies, in: 0..<(config.movies + 1))
        let titles = (0..<config.movies).map { Array((SynthNames.title(&titleRNG) + " (\(world.movies.years[$0]))").utf8) }
        let genres = world.movies.genres.map(Self.genreBytes)
        var bound = dirty.count * 256
        for i in 0..<config.movies { bound += 16 + CSVText.quotedBound(titles[i].count) + genres[i].count }
        var rows = 0
        var next = dirty.startIndex
        var freshID = world.freshBase
        writer.write(Array((MovieLensFile.movies.header + "\n").utf8))
        let bytes = CSVText.build(bound: bound) { c in
            for i in 0...config.movies {
                while next < dirty.endIndex, Int(dirty[next].at) == i {
                    let title = Array((SynthNames.title(&dirtyRNG) + " (\(1950 + dirtyRNG.next() % 70))").utf8)
                    let earlier = Int64(world.movies.ids[Int(dirtyRNG.next() % UInt64(max(i, 1)))])
                    SynthDirtyRows.movie(&c, dirty[next].rule!, freshID: freshID, earlierID: earlier, title: title, &dirtyRNG)
                    freshID += 1
                    rows += 1
                    next += 1
                }
                guard i < config.movies else { break }
                c.require(16 + CSVText.quotedBound(titles[i].count) + genres[i].count)
                c.int(Int64(world.movies.ids[i])); c.comma(); c.field(titles[i]); c.comma(); c.bytes(genres[i]); c.newline()
                rows += 1
            }
        }
        writer.write(bytes)
        return rows
    }

    /// links.csv as bytes; returns the data rows written.
    func writeLinks(_ writer: FileWriter) -> Int {
        let config = world.config
        var rng = SynthWorld.rng(config.seed, .links)
        var dirtyRNG = SynthWorld.rng(config.seed, .dirtyRows).split(2)
        let dirty = plan.entries(.links, in: 0..<(config.movies + 1))
        var rows = 0
        var next = dirty.startIndex
        writer.write(Array((MovieLensFile.links.header + "\n").utf8))
        let bytes = CSVText.build(bound: 40 * config.movies + SynthDirtyRows.maxRowBytes * dirty.count) { c in
            for i in 0...config.movies {
                while next < dirty.endIndex, Int(dirty[next].at) == i {
                    let m = Int(dirtyRNG.next() % UInt64(config.movies))
                    let context = SynthDirtyRows.Context(
                        userID: 1, movieID: Int64(world.movies.ids[m]),
                        orphanID: world.orphanID(&dirtyRNG), halves: 8, time: SynthModel.end)
                    SynthDirtyRows.link(&c, dirty[next].rule!, context, imdb: Self.imdb(m), &dirtyRNG)
                    rows += 1
                    next += 1
                }
                guard i < config.movies else { break }
                c.require(40)
                c.int(Int64(world.movies.ids[i])); c.comma()
                Self.imdb(&c, Self.imdb(i)); c.comma()
                if rng.next() % 100 != 0 { c.int(1 + Int64(rng.next() % 600_000)) }  // ~1% without a tmdbId, as in ml-25m
                c.newline()
                rows += 1
            }
        }
        writer.write(bytes)
        return rows
    }

    /// A distinct IMDb number per movie row, below 10,000,000.
    static func imdb(_ row: Int) -> Int64 { 100_000 + Int64(row) * 7_919 % 9_000_000 }

    /// An IMDb number as links.csv writes it: 7 digits, zero-padded.
    static func imdb(_ c: inout CSVByteCursor, _ value: Int64) {
        var divisor: Int64 = 1_000_000
        while divisor > 1, value < divisor { c.byte(UInt8(ascii: "0")); divisor /= 10 }
        c.int(value)
    }

    /// "Action|Adventure" in contract order, or "(no genres listed)".
    static func genreBytes(_ mask: UInt32) -> [UInt8] {
        mask == 0 ? Array(Genres.noneListed.utf8) : Array(Genres.names(mask).joined(separator: "|").utf8)
    }
}
