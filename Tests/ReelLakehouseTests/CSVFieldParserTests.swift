import Testing
@testable import ReelLakehouse

private func parse<T>(_ text: String, _ f: (UnsafeRawBufferPointer) -> T) -> T {
    Array(text.utf8).withUnsafeBytes { f($0) }
}

@Suite struct CSVFieldParserTests {
    @Test func positiveInt32AcceptsExactlyOneToIntMax() {
        #expect(parse("1", FieldParsers.positiveInt32) == 1)
        #expect(parse("2147483647", FieldParsers.positiveInt32) == 2_147_483_647)
        for bad in ["0", "2147483648", "-1", "+1", " 1", "1 ", "", "1.0", "12345678901", "0x1"] {
            #expect(parse(bad, FieldParsers.positiveInt32) == nil, "\(bad)")
        }
        #expect(parse("007", FieldParsers.positiveInt32) == 7)
    }

    @Test func integerAcceptsSignedEighteenDigits() {
        #expect(parse("964982703", FieldParsers.integer) == 964_982_703)
        #expect(parse("-5", FieldParsers.integer) == -5)
        #expect(parse("999999999999999999", FieldParsers.integer) == 999_999_999_999_999_999)
        for bad in ["", "-", "1e9", "9649827030000000000", "12a", "1.0"] {
            #expect(parse(bad, FieldParsers.integer) == nil, "\(bad)")
        }
    }

    @Test func decimalsAreExactMillionths() {
        #expect(parse("4", FieldParsers.decimalMicros) == 4_000_000)
        #expect(parse("4.5", FieldParsers.decimalMicros) == 4_500_000)
        #expect(parse("0.50", FieldParsers.decimalMicros) == 500_000)
        #expect(parse("3.0000000", FieldParsers.decimalMicros) == 3_000_000)
        #expect(parse("-1.25", FieldParsers.decimalMicros) == -1_250_000)
        for bad in ["", ".5", "5.", "4,5", "4.5.1", "3.0000001", "abc", "1e2", " 4"] {
            #expect(parse(bad, FieldParsers.decimalMicros) == nil, "\(bad)")
        }
    }

    @Test func digitsKeepLeadingZerosValueAndLimitLength() {
        #expect(parse("0114709", { FieldParsers.digits($0, maxLength: 18) }) == 114_709)
        #expect(parse("123", { FieldParsers.digits($0, maxLength: 2) }) == nil)
        #expect(parse("", { FieldParsers.digits($0, maxLength: 18) }) == nil)
        #expect(parse("tt1", { FieldParsers.digits($0, maxLength: 18) }) == nil)
    }

    @Test func hasTextIgnoresSpacesAndTabs() {
        #expect(parse(" \t ", FieldParsers.hasText) == false)
        #expect(parse(" a ", FieldParsers.hasText) == true)
    }

    @Test func contractDecimalsConvertOnlyWhenExact() {
        #expect(FieldParsers.micros(0.5) == 500_000)
        #expect(FieldParsers.micros(5.0) == 5_000_000)
        #expect(FieldParsers.micros(0.0000001) == nil)
    }
}
