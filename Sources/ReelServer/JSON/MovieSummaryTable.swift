import NIOCore
import ReelServing

/// Every movie's list-item fields (`"movieId":296,"title":"Pulp Fiction",
/// "year":1994,"genres":["Comedy","Crime"]`) rendered once when the daemon
/// maps a release, so writing a list item copies its bytes instead of
/// looking the movie up, escaping its title and walking its genre bits on
/// every request.
///
/// The bytes are exactly what `LookupJSON.writeMovieSummary` writes (the CLI
/// still renders per call, and a test compares the two). About 100 bytes per
/// movie: ~6 MB at MovieLens 25M, built in milliseconds off the event loops.
struct MovieSummaryTable: Sendable {
    private let bytes: [UInt8]
    /// Movie row r is `bytes[offsets[r] ..< offsets[r + 1]]`.
    private let offsets: [UInt32]

    init<Store: RecommendationStore>(_ store: Store) {
        var buffer = ByteBufferAllocator().buffer(capacity: store.movieCount * 112)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(store.movieCount + 1)
        for row in 0..<store.movieCount {
            let movie = store.movie(row: row)
            buffer.writeJSON(maxBytes: LookupJSON.summaryMaxBytes(movie)) { LookupJSON.writeMovieSummary(movie, into: &$0) }
            offsets.append(UInt32(buffer.readableBytes))
        }
        self.bytes = Array(buffer.readableBytesView)
        self.offsets = offsets
    }

    /// Calls `body` with a lookup from movie row to its rendered fields (valid only inside `body`).
    func withRows<R>(_ body: (Rows) -> R) -> R {
        bytes.withUnsafeBytes { raw in offsets.withUnsafeBufferPointer { body(Rows(bytes: raw, offsets: $0)) } }
    }

    struct Rows {
        let bytes: UnsafeRawBufferPointer
        let offsets: UnsafeBufferPointer<UInt32>

        @inline(__always)
        subscript(row: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
        }
    }
}
