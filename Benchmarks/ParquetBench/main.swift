// reel-parquet-bench: writes a silver-ratings-shaped table (userId int32,
// movieId int32, rating float, timestamp int64) with Reel's Parquet writer
// and reads userId, movieId and rating back, printing timings as JSON.
// Benchmarks/parquet_bench.py runs it next to pyarrow on the same data.
//
//   reel-parquet-bench --rows 1000000 --dir /tmp/bench [--seed 42] [--repeat 3] [--threads 0] [--level 1]
import ReelCore
import ReelParquet
#if canImport(Glibc)
import Glibc
#endif

struct Arguments {
    var rows = 1_000_000
    var dir = "/tmp/reel-parquet-bench"
    var seed: UInt64 = 42
    var repeats = 3
    var threads = 0
    var level: Int32 = 1
    /// Skip writing: time reads of the file a previous run left (for profiling).
    var readOnly = false

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let flag = args.popFirst() {
            if flag == "--read-only" { readOnly = true; continue }
            guard let value = args.popFirst() else { fail("\(flag) needs a value") }
            switch flag {
            case "--rows": rows = number(value, flag)
            case "--dir": dir = value
            case "--seed": seed = number(value, flag)
            case "--repeat": repeats = max(1, number(value, flag))
            case "--threads": threads = number(value, flag)
            case "--level": level = number(value, flag)
            default: fail("unknown flag \(flag)")
            }
        }
    }
}

func number<T: LosslessStringConvertible>(_ text: String, _ flag: String) -> T {
    guard let v = T(text) else { fail("\(flag): \(text) is not a number") }
    return v
}

func fail(_ message: String) -> Never {
    print("error: \(message)")
    exit(2)
}

/// Ratings like MovieLens: sorted by user, ~150 ratings per user, movies
/// drawn with a popularity skew, half-star ratings, timestamps rising per user.
func generate(rows: Int, seed: UInt64) -> [ParquetColumnData] {
    var rng = SplitMix64(seed: seed)
    var users = [Int32](), movies = [Int32](), ratings = [Float](), times = [Int64]()
    users.reserveCapacity(rows); movies.reserveCapacity(rows); ratings.reserveCapacity(rows); times.reserveCapacity(rows)
    let movieCount = 59_047.0
    var user: Int32 = 0
    var left = 0
    var time: Int64 = 0
    for _ in 0..<rows {
        if left == 0 {
            user += 1
            left = 20 + Int(rng.next() % 270)
            time = 820_000_000 + Int64(rng.next() % 750_000_000)
        }
        left -= 1
        let u = rng.nextDouble()
        movies.append(Int32(movieCount * u * u * u) + 1)
        let r = min(10, max(1, Int((rng.nextGaussian() * 2 + 7).rounded())))
        ratings.append(Float(r) * 0.5)
        time += Int64(rng.next() % 4000)
        times.append(time)
        users.append(user)
    }
    return [.int32(users), .int32(movies), .float(ratings), .int64(times)]
}

/// Everything runs in a function: top-level globals are main-actor state, and
/// touching them in loops costs executor checks that would blur the profile.
func run() throws {
    let args = Arguments()
    try FileSystem.createDirectory(args.dir)
    let path = Path.join(args.dir, "ratings.reel.parquet")
    let schema = try ParquetSchema([
        TableColumn("userId", .int32), TableColumn("movieId", .int32),
        TableColumn("rating", .float), TableColumn("timestamp", .int64),
    ])
    var options = ParquetWriteOptions()
    options.threads = args.threads
    options.compression = .zstd(level: args.level)

    let t0 = Clock.monotonic()
    let columns = generate(rows: args.rows, seed: args.seed)
    let generateSeconds = Clock.monotonic() - t0

    var writeTimes: [Double] = [], readTimes: [Double] = []
    var summary: ParquetFileSummary?
    for _ in 0..<(args.readOnly ? 0 : args.repeats) {
        let start = Clock.monotonic()
        summary = try ParquetFile.write(to: path, schema: schema, columns: columns, options: options)
        writeTimes.append(Clock.monotonic() - start)
    }
    var checksum: Int64 = 0
    for _ in 0..<args.repeats {
        let start = Clock.monotonic()
        let table = try ParquetReader(path: path).readColumns(["userId", "movieId", "rating"], threads: args.threads)
        readTimes.append(Clock.monotonic() - start)
        guard table.columns[0] == columns[0], table.columns[1] == columns[1], table.columns[2] == columns[2] else {
            fail("read back different values")
        }
        if case let .int32(m) = table.columns[1].values { checksum = m.reduce(0) { $0 &+ Int64($1) } }
    }

    let best = { (xs: [Double]) in xs.isEmpty ? 0 : xs.sorted()[xs.count / 2] }  // the median
    print(
        """
        {"tool":"reel","rows":\(args.rows),"path":"\(path)","file_bytes":\(FileSystem.size(path) ?? 0),\
        "row_groups":\(summary?.rowGroupCount ?? 0),"dictionary":\(summary?.dictionaryEncoded ?? []),\
        "generate_seconds":\(generateSeconds),"write_seconds":\(best(writeTimes)),"read3_seconds":\(best(readTimes)),\
        "write_runs":\(writeTimes),"read3_runs":\(readTimes),"movieId_sum":\(checksum)}
        """)
}

try run()
