import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver

/// The ratings fast path must accept exactly what the general scanner and
/// validator accept, with the same values, and hand everything else back.
@Suite struct NumericRowFastPathTests {
    @Test func leadingDigitsMatchAByteLoop() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("0123456789,.-\n\r \"a/:".utf8)
        for _ in 0..<20_000 {
            var bytes = (0..<24).map { _ in
                rng.next() % 3 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(ascii: "0") + UInt8(rng.next() % 10)
            }
            bytes += [UInt8](repeating: 0, count: 8)
            var expectedCount = 0
            var expectedValue: UInt64 = 0
            while expectedCount < bytes.count, bytes[expectedCount] >= 0x30, bytes[expectedCount] <= 0x39 {
                expectedValue = expectedValue &* 10 &+ UInt64(bytes[expectedCount] - 0x30)
                expectedCount += 1
            }
            let (value, count) = bytes.withUnsafeBytes { DigitRun.read($0.baseAddress!, 0) }
            if expectedCount <= DigitRun.maxDigits {
                #expect(count == expectedCount && value == expectedValue, "\(String(decoding: bytes.prefix(24), as: UTF8.self))")
            } else {
                #expect(count > DigitRun.maxDigits)
            }
        }
    }

    @Test func divisibilityTestMatchesRemainder() {
        var rng = SplitMix64(seed: 5)
        for divisor: Int64 in [1, 2, 3, 5, 7, 10, 64, 96, 500_000, 1_000_000, 999_983, 1 << 40, Int64.max] {
            let test = DivisibilityTest(divisor)
            for k in 0..<5_000 {
                let x: UInt64 = k % 2 == 0 ? rng.next() : UInt64(divisor) &* (rng.next() % 1000) &+ (rng.next() % 3)
                #expect(test.divides(x) == (x % UInt64(divisor) == 0), "\(x) % \(divisor)")
            }
        }
    }

    @Test func ratingsQualifyAndTextTablesDoNot() throws {
        let contract = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        let references = ["movies.movieId": DenseIDIndex(sortedUniqueIDs: [1, 2])]
        #expect(NumericRowFastPath(try RowValidator(table: try contract.table("ratings"), runClock: 0, references: references)).isEnabled)
        #expect(!NumericRowFastPath(try RowValidator(table: try contract.table("tags"), runClock: 0, references: references)).isEnabled)
        #expect(!NumericRowFastPath(try RowValidator(table: try contract.table("movies"), runClock: 0, references: [:])).isEnabled)
    }

    /// Lines near and beyond every rule's edge, then random corruptions of
    /// them: wherever the fast path accepts, the general path accepts the
    /// same record with the same values; plain valid lines take the fast path.
    @Test func acceptsExactlyWhatTheGeneralPathAccepts() throws {
        let contract = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        let movieIDs: [Int32] = [1, 2, 7, 50, 1000, 209_171]
        let validator = try RowValidator(
            table: try contract.table("ratings"), runClock: 1_700_000_000,
            references: ["movies.movieId": DenseIDIndex(sortedUniqueIDs: movieIDs)])
        let fast = NumericRowFastPath(validator)
        let valid = [
            "1,1,4.5,1266616921", "162541,209171,0.5,788918400", "2147483647,7,5.0,1700000000",
            "0001,0002,3,1000000000", "5,50,2.50,1266616921", "5,50,2.5000000,1266616921", "12,1000,1.0000000000000,999999999",
            "0000000012,0000001000,0001.000000,000000001266616921",
        ]
        let edges = [
            "0,1,4.5,1266616921", "2147483648,1,4.5,1266616921", "1,3,4.5,1266616921", "1,1,4.4,1266616921",
            "1,1,5.5,1266616921", "1,1,0.0,1266616921", "1,1,4.,1266616921", "1,1,.5,1266616921", "1,1,4.5,788918399",
            "1,1,4.5,1700000001", "1,1,4.5,-1266616921", "1,1,-4.5,1266616921", "1,1,4.5", "1,1,4.5,1266616921,9",
            "1,1,4.5,12666169 21", "1,1,\"4.5\",1266616921", "1,1,4.5,1266616921\r", "1, 1,4.5,1266616921",
            "+1,1,4.5,1266616921", "1,1,4.5,0001266616921", "1,1,4.5,1266616921266169212", "1,,4.5,1266616921",
            "1,1,4.5000001,1266616921", "12345678901,1,4.5,1266616921", "1,1,4.5,12666169211266616921",
        ]
        var rng = SplitMix64(seed: 3)
        let noise = Array("0123456789,.-\r \"x".utf8)
        var lines = valid + edges
        for _ in 0..<20_000 {
            var line = Array((valid + edges)[Int(rng.next() % UInt64(valid.count + edges.count))].utf8)
            for _ in 0..<(1 + Int(rng.next() % 2)) {
                let at = Int(rng.next() % UInt64(line.count + 1))
                switch rng.next() % 3 {
                case 0 where at < line.count: line[at] = noise[Int(rng.next() % UInt64(noise.count))]
                case 1 where at < line.count: line.remove(at: at)
                default: line.insert(noise[Int(rng.next() % UInt64(noise.count))], at: at)
                }
            }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        /// Whether the fast path accepted `line` placed at `offset`, checking it against the general path.
        func check(_ line: String, at offset: Int) -> Bool {
            let bytes =
                [UInt8](repeating: UInt8(ascii: "\n"), count: offset) + Array((line + "\n").utf8)
                + [UInt8](repeating: UInt8(ascii: "\n"), count: NumericRowFastPath.margin)
            return bytes.withUnsafeBytes { raw in
                var general = validator
                var scanner = CSVScanner(bytes: raw, from: offset, limit: raw.count)
                var r1 = CSVRecord(), v1 = RowValues()
                _ = scanner.next(into: &r1)
                let accepted = general.validate(r1, in: raw, into: &v1) == nil
                var r2 = CSVRecord(), v2 = RowValues()
                guard let next = fast.parse(raw.baseAddress!, at: offset, line: 1, into: &v2, record: &r2) else { return false }
                #expect(accepted, "fast path accepted what the rules reject: \(line)")
                #expect(
                    next == scanner.position && r2.start == r1.start && r2.end == r1.end && r2.fieldCount == r1.fieldCount,
                    "record bounds: \(line)")
                for c in 0..<4 {
                    #expect(
                        v2.values[c] == v1.values[c] && r2.fieldStarts[c] == r1.fieldStarts[c] && r2.fieldEnds[c] == r1.fieldEnds[c],
                        "column \(c): \(line)")
                }
                #expect(v2.rows[1] == v1.rows[1] && v2.present == v1.present, "\(line)")
                // Without a record to fill, only its bounds are set.
                var r3 = CSVRecord(), v3 = RowValues()
                #expect(fast.parse(raw.baseAddress!, at: offset, line: 1, into: &v3, record: &r3, fillRecord: false) == next)
                #expect(r3.start == r1.start && r3.end == r1.end && v3.values[3] == v1.values[3])
                return true
            }
        }
        // At offset 0 only the per-field path can run (the short one reads 8
        // bytes before the line); at offset 16 the short one is tried first.
        var fastAccepted = 0
        for (k, line) in lines.enumerated() {
            for offset in [0, 16] where check(line, at: offset) { fastAccepted += 1 }
            if k < valid.count {
                #expect(check(line, at: 0) && check(line, at: 16), "valid line refused: \(line)")
            }
        }
        #expect(fastAccepted >= 2 * valid.count)
    }
}
