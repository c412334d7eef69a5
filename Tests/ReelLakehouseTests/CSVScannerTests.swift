import Testing
import ReelCore
@testable import ReelLakehouse

/// Scans `text` from its content start and returns each record's fields
/// (unescaped), line and malformed flag.
func scanAll(_ text: String, chunks: Int = 1) -> [(fields: [String], line: Int, malformed: Bool)] {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { raw in
        let start = CSVScanner.contentStart(raw)
        let bounds = CSVChunks.boundaries(raw, from: start, count: chunks, minimumChunk: 1)
        var out: [(fields: [String], line: Int, malformed: Bool)] = []
        var position = start
        var lineBase = 0
        for k in 0..<bounds.count - 1 {
            // Emulate the stitching of TableParser: start where the last chunk ended.
            var scanner = CSVScanner(bytes: raw, from: position, limit: max(position, bounds[k + 1]))
            var r = CSVRecord()
            while scanner.next(into: &r) {
                out.append(((0..<min(r.fieldCount, CSVRecord.capacity)).map { r.string($0, in: raw) }, lineBase + r.line, r.malformed))
            }
            lineBase += scanner.line - 1
            position = scanner.position
        }
        return out
    }
}

@Suite struct CSVScannerTests {
    @Test func plainRecordsWithAndWithoutFinalNewline() {
        let a = scanAll("a,b,c\n1,2,3\n")
        #expect(a.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
        let b = scanAll("a,b,c\n1,2,3")
        #expect(b.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(b.map(\.line) == [1, 2])
    }

    @Test func quotedFieldsWithCommasDoubledQuotesAndLineBreaks() {
        let rows = scanAll("1,\"City of Lost Children, The (1995)\",Drama\n2,\"Say \"\"Anything\"\" (1989)\",Comedy\n3,\"two\nlines\",x\n4,after,y\n")
        #expect(
            rows.map(\.fields) == [
                ["1", "City of Lost Children, The (1995)", "Drama"],
                ["2", "Say \"Anything\" (1989)", "Comedy"],
                ["3", "two\nlines", "x"],
                ["4", "after", "y"],
            ])
        #expect(rows.map(\.line) == [1, 2, 3, 5])
        #expect(rows.allSatisfy { !$0.malformed })
    }

    @Test func crlfLineEndsAreNotPartOfTheLastField() {
        let rows = scanAll("a,b\r\n1,\"x\"\r\n2,\r\n")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "x"], ["2", ""]])
        #expect(rows.allSatisfy { !$0.malformed })
    }

    @Test func byteOrderMarkIsSkipped() {
        let rows = scanAll("\u{FEFF}movieId,title\n1,x\n")
        #expect(rows.first?.fields == ["movieId", "title"])
    }

    @Test func emptyFieldsAndBlankLines() {
        let rows = scanAll(",,\n\n\"\",x\n")
        #expect(rows.map(\.fields) == [["", "", ""], [""], ["", "x"]])
        #expect(rows.map(\.line) == [1, 2, 3])
    }

    @Test func brokenQuotingIsMarkedWithoutSwallowingLaterLines() {
        let rows = scanAll("1,ab\"c,x\n2,\"closed\"junk,y\n3,ok,z\n4,\"never closed,w\n5,gone,v\n")
        #expect(rows.map(\.malformed) == [true, true, false, true])
        #expect(rows[2].fields == ["3", "ok", "z"])
        #expect(rows[1].fields[1] == "closed")
        // An unterminated quote runs to the end of the input, as RFC 4180 says.
        #expect(rows.count == 4)
    }

    @Test func recordsWithMoreFieldsThanCapacityStillCountThem() {
        let rows = scanAll("1,2,3,4,5,6,7,8,9,10\n")
        let bytes = Array("1,2,3,4,5,6,7,8,9,10\n".utf8)
        bytes.withUnsafeBytes { raw in
            var s = CSVScanner(bytes: raw, from: 0, limit: raw.count)
            var r = CSVRecord()
            let found = s.next(into: &r)
            #expect(found)
            #expect(r.fieldCount == 10)
        }
        #expect(rows[0].fields.count == CSVRecord.capacity)
    }

    @Test func chunkedScanEqualsSequentialScanEvenAcrossQuotedLineBreaks() {
        // Quoted line breaks everywhere, so guessed boundaries often fall inside a field.
        var rng = SplitMix64(seed: 11)
        var text = "a,b,c\n"
        for i in 0..<400 {
            let kind = rng.next() % 4
            switch kind {
            case 0: text += "\(i),\"x\ny\nz\",\(i)\n"
            case 1: text += "\(i),\"q\"\"q, r\",\r\n"
            case 2: text += "\(i),plain,\(i * 7)\n"
            default: text += "\(i),\"bad\"x,\n"
            }
        }
        let sequential = scanAll(text)
        for chunks in [2, 3, 7, 16] {
            let parallel = scanAll(text, chunks: chunks)
            #expect(parallel.map(\.fields) == sequential.map(\.fields), "chunks \(chunks)")
            #expect(parallel.map(\.line) == sequential.map(\.line), "chunks \(chunks)")
            #expect(parallel.map(\.malformed) == sequential.map(\.malformed), "chunks \(chunks)")
        }
    }

    @Test func chunkBoundariesFollowLineFeeds() {
        let text = String(repeating: "12345,6789\n", count: 1000)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            let b = CSVChunks.boundaries(raw, from: 0, count: 4, minimumChunk: 1)
            #expect(b.first == 0 && b.last == raw.count)
            #expect(b.count == 5)
            for cut in b.dropFirst().dropLast() { #expect(raw[cut - 1] == CSVByte.lf) }
        }
    }

    @Test func quotingForQuarantineRoundTrips() {
        var out: [UInt8] = []
        CSVQuoting.appendQuoted(Array("a,\"b\"\nc".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"a,\"\"b\"\"\nc\"")
        #expect(scanAll(String(decoding: out, as: UTF8.self)).first?.fields == ["a,\"b\"\nc"])
    }
}
