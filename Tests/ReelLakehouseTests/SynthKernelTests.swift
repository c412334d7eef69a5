import Testing
import ReelCore
@testable import ReelLakehouse

/// The generator's building blocks: byte formatting and weighted sampling.
@Suite struct SynthKernelTests {
    static func format(_ body: (inout CSVByteCursor) -> Void) -> String {
        String(decoding: CSVText.build(bound: 256, body), as: UTF8.self)
    }

    @Test func cursorFormatsIntegersRatingsAndQuotedFields() {
        #expect(Self.format { $0.int(0) } == "0")
        #expect(Self.format { $0.int(-42) } == "-42")
        #expect(Self.format { $0.int(Int64.max) } == "9223372036854775807")
        #expect(Self.format { $0.int(Int64.min + 1) } == "-9223372036854775807")
        #expect(Self.format { c in for h in 1...10 { c.halfStars(h); c.comma() } } == "0.5,1.0,1.5,2.0,2.5,3.0,3.5,4.0,4.5,5.0,")
        #expect(Self.format { $0.field(Array("plain".utf8)) } == "plain")
        #expect(Self.format { $0.field(Array("Kingdom, The (1999)".utf8)) } == "\"Kingdom, The (1999)\"")
        #expect(Self.format { $0.field(Array("Dr. \"Lucky\" Jones".utf8)) } == "\"Dr. \"\"Lucky\"\" Jones\"")
        #expect(Self.format { SynthCatalog.imdb(&$0, 114_709) } == "0114709")
        #expect(Self.format { SynthCatalog.imdb(&$0, 5) } == "0000005")
        #expect(Self.format { SynthCatalog.imdb(&$0, 9_099_999) } == "9099999")
    }

    @Test func aliasTableDrawsInProportionAndNeverZeroWeights() {
        let weights: [Double] = [0, 1, 2, 0, 4, 1]
        let table = AliasTable(weights: weights)
        var rng = SplitMix64(seed: 3)
        var counts = [Int](repeating: 0, count: weights.count)
        let n = 80_000
        for _ in 0..<n { counts[table.sample(&rng)] += 1 }
        #expect(counts[0] == 0 && counts[3] == 0)
        for i in weights.indices where weights[i] > 0 {
            let expected = Double(n) * weights[i] / 8
            #expect(abs(Double(counts[i]) - expected) < 0.05 * expected, "index \(i): \(counts[i]) vs \(expected)")
        }
    }

    @Test func spreadHitsTheTotalWithinBounds() {
        var rng = SplitMix64(seed: 5)
        let weights = (0..<1000).map { _ in rng.nextDouble() * rng.nextDouble() * 50 }
        let counts = SynthUsers.spread(total: 60_000, weights: weights, minimum: 20, maximum: 300)
        #expect(counts.reduce(0) { $0 + Int($1) } == 60_000)
        #expect(counts.allSatisfy { $0 >= 20 && $0 <= 300 })
        #expect(counts.max()! > 2 * counts.min()!)
    }

    @Test func noiseIsCentredWithUnitSpread() {
        var rng = SplitMix64(seed: 11)
        var sum = 0.0, squares = 0.0
        let n = 50_000
        for _ in 0..<n {
            let z = Double(SynthUserRows.noise(rng.next()))
            sum += z
            squares += z * z
        }
        #expect(abs(sum / Double(n)) < 0.02)
        #expect(abs(squares / Double(n) - 1) < 0.03)
    }
}
