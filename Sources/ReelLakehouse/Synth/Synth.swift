import ReelCore

/// `reel synth`: MovieLens-shaped bronze data with planted structure.
///
/// Writes ratings.csv, movies.csv, tags.csv, links.csv and `_manifest.json` in
/// the ml-25m layout, so every later stage runs on it unchanged. The same
/// config gives the same bytes on any machine, any day, with any thread count.
public enum Synth {
    /// Generates the data set into `dir` (normally `ReelHome.bronzeMovieLens`)
    /// and returns its manifest. A `dir` that already holds files is replaced
    /// only with `force`; the new data set appears all at once.
    @discardableResult
    public static func generate(config: SynthConfig, to dir: String, force: Bool = false) throws -> BronzeManifest {
        try config.validate()
        if BronzeInstall.isOccupied(dir) && !force {
            let what = (try? BronzeManifest.read(dir: dir)).map { " (\($0.dataset) from \($0.source))" } ?? ""
            throw ReelError(.usage, "\(dir) already holds a bronze data set\(what); pass --force to replace it")
        }
        let started = Clock.monotonic()
        let world = SynthWorld(config: config)
        let plan = SynthDirtyPlan(world: world)
        Console.info(
            "synth",
            "planted \(Console.count(config.users)) users and \(Console.count(config.movies)) movies (rank \(config.rank), seed \(config.seed)) in \(Console.duration(Clock.monotonic() - started))"
        )
        let manifest = try BronzeInstall.install(dir) { staging -> BronzeManifest in
            var files: [String: BronzeManifest.FileEntry] = [:]
            let catalog = SynthCatalog(world: world, plan: plan)
            files[MovieLensFile.movies.fileName] = try .write(path: Path.join(staging, MovieLensFile.movies.fileName)) { catalog.writeMovies($0) }
            files[MovieLensFile.links.fileName] = try .write(path: Path.join(staging, MovieLensFile.links.fileName)) { catalog.writeLinks($0) }
            var tags: BronzeManifest.FileEntry?
            files[MovieLensFile.ratings.fileName] = try .write(path: Path.join(staging, MovieLensFile.ratings.fileName)) { ratingsWriter in
                var ratingRows = 0
                tags = try .write(path: Path.join(staging, MovieLensFile.tags.fileName)) { tagsWriter in
                    let rows = writeUserRows(SynthUserRows(world: world, plan: plan), ratings: ratingsWriter, tags: tagsWriter)
                    ratingRows = rows.ratings
                    return rows.tags
                }
                return ratingRows
            }
            files[MovieLensFile.tags.fileName] = tags
            var manifest = BronzeManifest(dataset: "synthetic", source: config.commandLine, files: files)
            manifest.seed = config.seed
            manifest.preset = config.preset
            manifest.users = config.users
            manifest.movies = config.movies
            manifest.ratings = config.ratings
            manifest.rank = config.rank
            manifest.dirtyRate = config.dirty
            manifest.dirty = plan.manifestCounts
            manifest.duplicates = plan.duplicates
            try manifest.write(dir: staging)
            return manifest
        }
        let bytes = manifest.files.values.reduce(0) { $0 + $1.bytes }
        Console.info(
            "synth",
            "wrote \(Console.count(manifest.files[MovieLensFile.ratings.fileName]!.rows)) ratings rows, \(Console.bytes(bytes)) into \(dir) in \(Console.duration(Clock.monotonic() - started))"
        )
        return manifest
    }

    /// Generates users in blocks on `config.threads` threads and writes the
    /// blocks in user order. Returns the data rows written to each file.
    static func writeUserRows(_ rows: SynthUserRows, ratings: FileWriter, tags: FileWriter) -> (ratings: Int, tags: Int) {
        let config = rows.world.config
        let usersPerBlock = min(16_384, max(1, config.ratingsPerBlock / max(1, config.ratings / config.users)))
        let blocks = stride(from: 0, to: config.users, by: usersPerBlock).map { $0..<min($0 + usersPerBlock, config.users) }
        let threads = config.threads
        let progress = Progress(stage: "synth", total: config.ratings, unit: "ratings")
        ratings.write(MovieLensFile.ratings.header + "\n")
        tags.write(MovieLensFile.tags.header + "\n")
        var ratingRows = 0, tagRows = 0
        var next = 0
        while next < blocks.count {
            let round = Array(blocks[next..<min(next + 4 * threads, blocks.count)])
            let results = UnsafeMutableBufferPointer<SynthUserRows.Block>.allocate(capacity: round.count)
            nonisolated(unsafe) let slots = results  // each block's slot is written by exactly one thread
            Parallel.forEachChunk(count: round.count, chunkSize: 1, threads: threads) { b, _, _ in
                (slots.baseAddress! + b).initialize(to: rows.block(round[b]))
            }
            for block in results {
                ratings.write(block.ratings)
                tags.write(block.tags)
                ratingRows += block.ratingRows
                tagRows += block.tagRows
                progress.advance(block.cleanRatings)
            }
            _ = results.deinitialize()
            results.deallocate()
            next += round.count
        }
        progress.finish()
        return (ratingRows, tagRows)
    }
}
