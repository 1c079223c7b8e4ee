import Testing
@testable import AWSCore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindAndKeepsNumberText() throws {
        let value = try JSONParser.parse(#"{"s":"a\"b\u00e9\ud83d\ude00","n":12345678901234567890123456789012345678,"f":-1.5e3,"t":true,"z":null,"a":[1,{}]}"#)
        #expect(value["s"] == .string("a\"bé😀"))
        #expect(value["n"] == .number("12345678901234567890123456789012345678"))
        #expect(value["f"] == .number("-1.5e3"))
        #expect(value["t"] == .bool(true))
        #expect(value["z"] == .null)
        #expect(value["a"] == .array([.number("1"), .object(JSONObject())]))
    }

    @Test func objectKeepsInsertionOrder() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2,"c":3}"#)
        #expect(value.objectValue?.keys == ["b", "a", "c"])
        #expect(value.serializedString() == #"{"b":1,"a":2,"c":3}"#)
    }

    @Test(arguments: [
        ("{", "Unexpected end of JSON input at offset 1"),
        (#"{"a":}"#, "Unexpected character '}' at offset 5"),
        ("[1,]", "Unexpected character ']' at offset 3"),
        ("01", "Unexpected data after the JSON document at offset 1"),
        (#""\x""#, "Invalid escape sequence in JSON string at offset 1"),
        (#""\ud800""#, "Invalid escape sequence in JSON string at offset 7"),
        ("tru", "Unexpected end of JSON input at offset 0"),
        ("1.", "Invalid number at offset 2"),
    ])
    func rejectsMalformedInput(text: String, message: String) {
        #expect { try JSONParser.parse(text) } throws: { ($0 as? JSONParser.Error)?.description == message }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParser.Error(reason: .invalidUTF8, offset: 1)) { try JSONParser.parse(bytes) }
    }

    @Test func rejectsRawControlCharacters() {
        #expect(throws: JSONParser.Error(reason: .controlCharacterInString, offset: 2)) { try JSONParser.parse("\"a\nb\"") }
    }

    @Test func depthLimitStopsDeepNestingWithoutRecursingFurther() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Error(reason: .tooDeep(128), offset: 128)) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
    }

    @Test func serializerEscapesControlCharacters() {
        let value: JSONValue = ["k": .string("a\"\\\n\u{01}")]
        #expect(value.serializedString() == #"{"k":"a\"\\\n\u0001"}"#)
    }

    @Test func roundTripsThroughSerializer() throws {
        let text = #"{"a":[true,false,null,"x",-0.5],"b":{"c":"é"}}"#
        #expect(try JSONParser.parse(text).serializedString() == text)
    }
}
