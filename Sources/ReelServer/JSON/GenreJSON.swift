import ReelCore

/// The genre names pre-encoded as JSON strings, so a genre list is written
/// as a few `memcpy`s per movie instead of one string escape per name.
enum GenreJSON {
    /// `"Action"` `"Adventure"` … concatenated; name i is `bytes[offsets[i] ..< offsets[i+1]]`.
    static let bytes: [UInt8] = Genres.all.flatMap { [UInt8(ascii: "\"")] + Array($0.utf8) + [UInt8(ascii: "\"")] }
    static let offsets: [Int] = Genres.all.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count + 2) }
    /// The most bytes `write` produces: every genre, commas and brackets.
    static let maxBytes = bytes.count + Genres.all.count + 2

    /// Writes `["Comedy","Drama"]` for a genre bitmask (bits outside the vocabulary are ignored).
    static func write(_ mask: UInt32, into writer: inout RawJSONWriter) {
        writer.byte(UInt8(ascii: "["))
        var remaining = mask
        var first = true
        bytes.withUnsafeBytes { names in
            while remaining != 0 {
                let bit = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                guard bit < Genres.all.count else { continue }
                if !first { writer.byte(UInt8(ascii: ",")) }
                first = false
                writer.bytes(UnsafeRawBufferPointer(rebasing: names[offsets[bit]..<offsets[bit + 1]]))
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }
}
