import Foundation
import NIOCore
import ReelCore
@testable import ReelServer
import Testing

@Suite("JSON primitives")
struct JSONBytesTests {
    private func render(_ body: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        body(&buffer)
        return String(buffer: buffer)
    }

    @Test("integers in decimal, including the extremes")
    func integers() {
        #expect(render { $0.writeJSONInteger(0) } == "0")
        #expect(render { $0.writeJSONInteger(7) } == "7")
        #expect(render { $0.writeJSONInteger(-42) } == "-42")
        #expect(render { $0.writeJSONInteger(Int64(Int32.max)) } == "2147483647")
        #expect(render { $0.writeJSONInteger(Int64.min) } == "-9223372036854775808")
        #expect(render { $0.writeJSONInteger(Int64.max) } == "9223372036854775807")
    }

    @Test("scores with at most six decimals, trailing zeros trimmed, no NaN")
    func numbers() {
        #expect(render { $0.writeJSONNumber(Float(4.5)) } == "4.5")
        #expect(render { $0.writeJSONNumber(Float(3)) } == "3")
        #expect(render { $0.writeJSONNumber(Float(0.1)) } == "0.1")
        #expect(render { $0.writeJSONNumber(Float(-0.25)) } == "-0.25")
        #expect(render { $0.writeJSONNumber(Float(-0.0)) } == "0")
        #expect(render { $0.writeJSONNumber(Float(1e-7)) } == "0")
        #expect(render { $0.writeJSONNumber(1.23456789) } == "1.234568")
        #expect(render { $0.writeJSONNumber(0.9999999) } == "1")
        #expect(render { $0.writeJSONNumber(0.0000025, fractionDigits: 9) } == "0.0000025")
        #expect(render { $0.writeJSONNumber(Float.nan) } == "null")
        #expect(render { $0.writeJSONNumber(-Float.infinity) } == "null")
        #expect(render { $0.writeJSONNumber(1e20) } == "1e+20")
    }

    @Test("a string of control characters fits the reserved worst case")
    func worstCaseString() {
        let controls = String(repeating: "\u{01}", count: 50)
        let text = render { $0.writeJSONString(controls) }
        #expect(text.utf8.count == RawJSONWriter.maxStringBytes(50))
    }

    @Test("the request path escapes strings exactly as ReelCore's JSONValue does")
    func sameEscapingAsJSONValue() {
        for text in ["plain", "Grumpier \"Old\" Men \\ \t\n\r\u{01}\u{1f}\u{7f} Amélie 🎬", "", "\u{0}/"] {
            #expect(render { $0.writeJSONString(text) } == JSONValue.quoted(text), "\(text)")
        }
    }

    @Test("strings escape quotes, backslashes and control characters and keep UTF-8")
    func strings() throws {
        let tricky = "Grumpier \"Old\" Men \\ \t\n\r\u{01} Amélie 🎬"
        #expect(render { $0.writeJSONString("plain") } == "\"plain\"")
        let text = render { buffer in
            buffer.writeStaticString("{\"t\":")
            buffer.writeJSONString(tricky)
            buffer.writeStaticString("}")
        }
        #expect(text.contains("\\u0001"))
        let parsed = try jsonObject(text)
        #expect(parsed["t"] as? String == tricky)
    }

    @Test("genre masks become name lists in contract order; unknown bits are skipped")
    func genres() throws {
        let comedyDrama = UInt32(1 << 4 | 1 << 7)
        func genres(_ mask: UInt32) -> String {
            render { $0.writeJSON(maxBytes: GenreJSON.maxBytes) { GenreJSON.write(mask, into: &$0) } }
        }
        #expect(genres(comedyDrama) == #"["Comedy","Drama"]"#)
        #expect(genres(0) == "[]")
        #expect(genres(1 << 31 | 1) == #"["Action"]"#)
        #expect(genres(UInt32.max).utf8.count <= GenreJSON.maxBytes)
    }
}
