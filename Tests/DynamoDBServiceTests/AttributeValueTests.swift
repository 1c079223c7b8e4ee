import AWSCore
@testable import DynamoDBService
import Testing

@Suite struct AttributeValueTests {
    func parse(_ json: String) throws -> AttributeValue {
        try AttributeValue.parse(try JSONParser.parse(json))
    }

    func message(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch let e as DynamoDBError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func roundTrip() throws {
        let json = #"{"M":{"a":{"L":[{"N":"1.50"},{"S":"x"},{"NULL":true},{"BOOL":false},{"B":"AAE="}]},"s":{"SS":["a","b"]},"n":{"NS":["1","2"]}}}"#
        let v = try parse(json)
        #expect(v.json.serializedString() == #"{"M":{"a":{"L":[{"N":"1.5"},{"S":"x"},{"NULL":true},{"BOOL":false},{"B":"AAE="}]},"n":{"NS":["1","2"]},"s":{"SS":["a","b"]}}}"#)
        let item: Item = ["k": v, "e": .s("")]
        #expect(ItemCodec.decode(ItemCodec.encode(item)) == item)
    }

    @Test func validationMessages() {
        #expect(message(#"{"SS":[]}"#) == "One or more parameter values were invalid: An string set  may not be empty")
        #expect(message(#"{"NS":[]}"#) == "One or more parameter values were invalid: An number set  may not be empty")
        #expect(message(#"{"BS":[]}"#) == "One or more parameter values were invalid: Binary sets should not be empty")
        #expect(message(#"{"SS":["a","a"]}"#) == "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")
        #expect(message(#"{"BS":["Yg==","Yg=="]}"#) == "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.")
        #expect(message(#"{"NULL":false}"#) == "One or more parameter values were invalid: Null attribute value types must have the value of true")
        #expect(message(#"{}"#) == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        #expect(message(#"{"S":"a","N":"1"}"#) == "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
        #expect(message(#"{"N":"abc"}"#) == "The parameter cannot be converted to a numeric value: abc")
        #expect(message(#"{"NS":["1","1.0"]}"#) != nil)  // numerically equal members are duplicates
    }

    @Test func nestingLimit() {
        var json = #"{"S":"x"}"#
        for _ in 0..<40 { json = #"{"L":["# + json + "]}" }
        #expect(message(json) == "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
        var ok = #"{"S":"x"}"#
        for _ in 0..<31 { ok = #"{"M":{"a":"# + ok + "}}" }
        #expect(message(ok) == nil)
        #expect(message(#"{"M":{"a":"# + ok + "}}") != nil)
    }

    @Test func sizes() {
        #expect(AttributeValue.itemSize(["ab": .s("xyz")]) == 5)
        #expect(AttributeValue.itemSize(["n": .n(DynamoNumber(12345))]) == 1 + 5)
        #expect(AttributeValue.itemSize(["n": .n(DynamoNumber(1234))]) == 1 + 3)
        #expect(AttributeValue.itemSize(["b": .bool(true), "z": .null]) == 4)
    }

    @Test func byteWiseStringOrder() {
        // DynamoDB orders S keys by UTF-8 bytes: "Z" < "a" < "é".
        let keys = ["Z", "a", "ab", "b", "é"].map { AttributeValue.s($0).keyBytes! }
        for i in 0..<keys.count - 1 { #expect(AttributeValue.compareBytes(keys[i], keys[i + 1]) < 0) }
    }
}
