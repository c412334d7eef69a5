import ReelCore
@testable import ReelParquet
import ReelTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A small table with every column type, nulls in the nullable columns, and
/// values chosen so that some columns are low-cardinality (dictionary) and
/// others not, generated from a seed.
struct SampleTable {
    let schema: ParquetSchema
    let columns: [ParquetColumnData]

    init(rows: Int, seed: UInt64 = 42) {
        var rng = SplitMix64(seed: seed)
        schema = try! ParquetSchema([
            TableColumn("userId", .int32),
            TableColumn("movieId", .int32),
            TableColumn("rating", .float),
            TableColumn("timestamp", .timestampMillis),
            TableColumn("score", .double),
            TableColumn("views", .int64, nullable: true),
            TableColumn("genre", .string),
            TableColumn("title", .string, nullable: true),
            TableColumn("watched", .boolean),
            TableColumn("note", .float, nullable: true),
        ])
        let genres = ["Action", "Comedy", "Drama", "Sci-Fi", "Film-Noir", ""]
        var userId: [Int32] = [], movieId: [Int32] = [], rating: [Float] = [], ts: [Int64] = []
        var score: [Double] = [], views: [Int64?] = [], genre: [String] = [], title: [String?] = []
        var watched: [Bool] = [], note: [Float?] = []
        for i in 0..<rows {
            userId.append(Int32(i / 7 + 1))
            movieId.append(Int32(rng.next() % 500) + 1)
            rating.append(Float(rng.next() % 10 + 1) * 0.5)
            ts.append(1_500_000_000_000 + Int64(rng.next() % 100_000_000))
            score.append(rng.nextDouble() * 2 - 1)
            views.append(rng.next() % 4 == 0 ? nil : Int64(rng.next() % 1_000_000) - 500_000)
            genre.append(genres[Int(rng.next() % UInt64(genres.count))])
            title.append(rng.next() % 5 == 0 ? nil : "Movie #\(rng.next() % 10_000) — ünïcode (\(1900 + i % 120))")
            watched.append(rng.next() % 3 == 0)
            note.append(rng.next() % 2 == 0 ? nil : Float(i) * 0.25)
        }
        columns = [
            .int32(userId), .int32(movieId), .float(rating), .int64(ts), .double(score), .int64(views),
            .strings(genre), .strings(title), .boolean(watched), .float(note),
        ]
    }
}

extension ParquetWriteOptions {
    static func with(_ change: (inout ParquetWriteOptions) -> Void) -> ParquetWriteOptions {
        var o = ParquetWriteOptions()
        change(&o)
        return o
    }
}

/// Runs `command` through /bin/sh; returns exit status and combined output.
func shell(_ command: String) -> (status: Int32, output: String) {
    guard let pipe = popen(command + " 2>&1", "r") else { return (-1, "popen failed") }
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buffer, 1, buffer.count, pipe)
        if n <= 0 { break }
        output.append(contentsOf: buffer[0..<n])
    }
    let status = pclose(pipe)
    return (status == -1 ? -1 : (status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
}

/// Overwrites a file without fsync (tests that write thousands of damaged copies).
func writeQuickly(_ path: String, _ bytes: [UInt8]) throws {
    guard let f = fopen(path, "wb") else { throw ReelError(.io, "cannot write \(path)") }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}
