import Testing
@testable import ReelCore

/// The writer's forms and the reader's strictness: one JSON implementation
/// for the Delta log, the OpenAPI document, quarantine lines and reports.
@Suite struct JSONWriterReaderTests {
    @Test func prettyAndCompactForms() {
        let doc: JSONValue = ["a": [1, 2.5, 1000.0, true, nil], "b": [:], "c": [], "d": ["e": "x\"y"]]
        #expect(doc.serialized == #"{"a":[1,2.5,1000,true,null],"b":{},"c":[],"d":{"e":"x\"y"}}"#)
        #expect(
            doc.prettyJSON == """
                {
                  "a": [
                    1,
                    2.5,
                    1000,
                    true,
                    null
                  ],
                  "b": {},
                  "c": [],
                  "d": {
                    "e": "x\\"y"
                  }
                }

                """)
        #expect(JSONValue.decimal(0.000001).serialized == "1e-06")
        #expect(JSONValue.double(1000).serialized == "1000.0")
    }

    @Test func oneEscaperForStringsAndRawBytes() {
        #expect(JSONValue.quoted("a\u{1}\n\t\r\\é") == #""a\u0001\n\t\r\\é""#)
        #expect(JSONStyle.string("q\"\u{1f}") == #""q\"\u001f""#)
        var out: [UInt8] = []
        let bytes: [UInt8] = [0x61, 0xFF, 0xC3, 0xA9, 0xC0, 0xAF]
        bytes.withUnsafeBytes { JSONValue.appendString($0, to: &out) }
        #expect(out == [0x22, 0x61, 0xEF, 0xBF, 0xBD, 0xC3, 0xA9, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x22])
    }

    @Test func theReaderIsStrictAboutUTF8AndSurrogates() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #"["\udc00"]"#) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #"["\ud800x"]"#) }
        #expect((try? JSONValue(parsing: #" {"k": "\ud83d\ude00"} "#))?["k"]?.stringValue == "😀")
    }
}
