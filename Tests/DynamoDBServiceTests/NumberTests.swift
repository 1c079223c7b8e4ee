@testable import DynamoDBService
import Testing

@Suite struct NumberTests {
    @Test(arguments: [
        ("1.50", "1.5"), ("0100", "100"), ("-0", "0"), ("0.000", "0"), ("1e3", "1000"), ("1E-3", "0.001"),
        ("-12.340e1", "-123.4"), (".5", "0.5"), ("+7", "7"), ("123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678"),
    ])
    func canonicalForm(input: String, expected: String) throws {
        #expect(try DynamoNumber(parsing: input).description == expected)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1e", "--1", "0x10", " 1", "1 ", "NaN", "Infinity"])
    func rejectsNonNumbers(input: String) {
        #expect(throws: DynamoNumber.ParseError.notANumber) { try DynamoNumber(parsing: input) }
    }

    @Test func limits() throws {
        #expect(throws: DynamoNumber.ParseError.tooManyDigits) { try DynamoNumber(parsing: "1234567890123456789012345678901234567891") }
        _ = try DynamoNumber(parsing: "12345678901234567890123456789012345678")  // 38 digits
        _ = try DynamoNumber(parsing: "9.9999999999999999999999999999999999999E+125")
        #expect(throws: DynamoNumber.ParseError.overflow) { try DynamoNumber(parsing: "1E+126") }
        _ = try DynamoNumber(parsing: "1E-130")
        #expect(throws: DynamoNumber.ParseError.underflow) { try DynamoNumber(parsing: "1E-131") }
        // Trailing zeros are not significant.
        _ = try DynamoNumber(parsing: "1000000000000000000000000000000000000000000")
    }

    @Test func messages() {
        #expect(DynamoNumber.message(for: .notANumber, text: "x") == "The parameter cannot be converted to a numeric value: x")
        #expect(DynamoNumber.message(for: .overflow, text: "") == "Number overflow. Attempting to store a number with magnitude larger than supported range")
        #expect(DynamoNumber.message(for: .underflow, text: "") == "Number underflow. Attempting to store a number with magnitude smaller than supported range")
        #expect(DynamoNumber.message(for: .tooManyDigits, text: "") == "Attempting to store more than 38 significant digits in a Number")
    }

    @Test(arguments: [
        ("1", "2", "3"), ("0.1", "0.2", "0.3"), ("-5", "3", "-2"), ("5", "-5", "0"), ("1e20", "1", "100000000000000000001"),
        ("-1.25", "-0.75", "-2"), ("999", "1", "1000"), ("0", "-0.001", "-0.001"),
    ])
    func addition(a: String, b: String, sum: String) throws {
        #expect((try DynamoNumber(parsing: a) + DynamoNumber(parsing: b)).description == sum)
    }

    @Test func subtraction() throws {
        #expect((try DynamoNumber(parsing: "10") - DynamoNumber(parsing: "0.01")).description == "9.99")
        #expect((try DynamoNumber(parsing: "1") - DynamoNumber(parsing: "3")).description == "-2")
    }

    @Test func orderingAndKeyBytes() throws {
        let texts = ["-1000", "-10", "-2.5", "-2", "-0.001", "0", "1E-10", "0.5", "1", "1.01", "2", "10", "99", "100", "1E+100"]
        let numbers = try texts.map { try DynamoNumber(parsing: $0) }
        for i in 0..<numbers.count - 1 {
            #expect(numbers[i] < numbers[i + 1], "\(texts[i]) < \(texts[i + 1])")
            #expect(AttributeValue.compareBytes(numbers[i].orderedKeyBytes, numbers[i + 1].orderedKeyBytes) < 0, "bytes \(texts[i]) < \(texts[i + 1])")
        }
        #expect(try DynamoNumber(parsing: "1.0") == DynamoNumber(parsing: "1"))
    }
}
