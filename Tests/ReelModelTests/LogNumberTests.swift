import Testing
@testable import ReelModel

@Suite struct LogNumberTests {
    @Test func aLargeLossPrintsWithGroupedDigits() {
        #expect(ALS.shortNumber(84_544_821.4) == "84,544,821")
        #expect(ALS.shortNumber(-2_000_000) == "-2,000,000")
        #expect(ALS.shortNumber(12.345678) == "12.3457")
    }
}
