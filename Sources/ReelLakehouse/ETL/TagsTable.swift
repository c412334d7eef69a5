import ReelCore
import ReelSilver

/// Collects accepted tags.csv rows.
struct TagsSink: RowSink {
    let user: Int, movie: Int, tag: Int, time: Int
    var users: [Int32] = []
    var movieRows: [Int32] = []
    var times: [Int64] = []
    var textOffsets: [Int] = [0]
    var textBytes: [UInt8] = []

    init(table: BronzeTable) throws {
        user = try table.column("userId", needs: .id32)
        movie = try table.column("movieId", needs: .reference)
        tag = try table.column("tag", needs: .text)
        time = try table.column("timestamp", needs: .integer)
        guard table.dedupe == nil else {
            throw ReelError(.invalidInput, "bronze contract: table '\(table.name)' must not dedupe (every accepted tag is kept)")
        }
    }

    mutating func accept(_ record: CSVRecord, _ v: inout RowValues, in bytes: UnsafeRawBufferPointer) {
        users.append(Int32(truncatingIfNeeded: v.values[user]))
        movieRows.append(v.rows[movie])
        times.append(v.values[time])
        record.appendUnescapedField(tag, in: bytes, to: &textBytes)
        textOffsets.append(textBytes.count)
    }

    /// Groups the tags by movie row (a stable counting sort: file order within a movie).
    static func group(_ sinks: [TagsSink], movieCount: Int, file: String) throws -> SilverTags {
        let total = sinks.reduce(0) { $0 + $1.users.count }
        let textTotal = sinks.reduce(0) { $0 + $1.textBytes.count }
        guard textTotal <= Int(UInt32.max) else { throw ReelError(.invalidInput, "\(file): tag texts total more than 4 GiB") }
        var offsets = [Int64](repeating: 0, count: movieCount + 1)
        for s in sinks { for m in s.movieRows { offsets[Int(m) + 1] += 1 } }
        for m in 0..<movieCount { offsets[m + 1] += offsets[m] }
        // Where each tag goes: (sink, index) per output slot.
        var source = [(sink: Int, index: Int)](repeating: (0, 0), count: total)
        var cursor = offsets
        for (k, s) in sinks.enumerated() {
            for (i, m) in s.movieRows.enumerated() {
                source[Int(cursor[Int(m)])] = (k, i)
                cursor[Int(m)] += 1
            }
        }
        var users: [Int32] = [], times: [Int64] = [], textOffsets: [UInt32] = [0], textBytes: [UInt8] = []
        users.reserveCapacity(total)
        times.reserveCapacity(total)
        textOffsets.reserveCapacity(total + 1)
        textBytes.reserveCapacity(textTotal)
        for (k, i) in source {
            users.append(sinks[k].users[i])
            times.append(sinks[k].times[i])
            textBytes.append(contentsOf: sinks[k].textBytes[sinks[k].textOffsets[i]..<sinks[k].textOffsets[i + 1]])
            textOffsets.append(UInt32(textBytes.count))
        }
        return SilverTags(movieOffsets: offsets, userIDs: users, times: times, textOffsets: textOffsets, textBytes: textBytes)
    }
}
