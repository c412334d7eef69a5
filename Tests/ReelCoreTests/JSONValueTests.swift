import Testing
@testable import ReelCore

@Suite struct JSONTests {
    @Test func parsesAndSerializesRoundTrip() throws {
        let text = #"{"a":[1,-2.5e-3,true,false,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","c":{},"big":9007199254740993}"#
        let v = try JSONValue(parsing: text)
        #expect(v["big"]?.int64Value == 9_007_199_254_740_993)
        #expect(v["b"]?.stringValue == "x\"y\\z\né😀")
        #expect(try JSONValue(parsing: v.serialized) == v)
        #expect(JSONValue.float(0.1).serialized == "0.1")
        #expect(JSONValue.double(.nan) == .null)
    }

    @Test func rejectsBrokenJSONWithAPosition() {
        for bad in ["", "{", #"{"a":}"#, "[1,]", "01", #""\x""#, "{\"a\":1} x", String(repeating: "[", count: 100)] {
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: bad) }
        }
    }
}
