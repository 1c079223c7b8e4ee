/// A strict JSON parser (RFC 8259) with limits checked while reading, so hostile input
/// (deep nesting, invalid UTF-8, huge literals) fails fast with a position instead of
/// exhausting the stack.
public struct JSONParser {
    public struct Limits: Sendable {
        /// Deepest array/object nesting accepted.
        public var maxDepth: Int
        public init(maxDepth: Int = 128) { self.maxDepth = maxDepth }
    }

    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public enum Reason: Equatable, Sendable {
            case unexpectedEnd, unexpectedCharacter(UInt8), invalidUTF8, invalidEscape, invalidNumber
            case tooDeep(Int), trailingData, controlCharacterInString
        }
        public let reason: Reason
        public let offset: Int
        public var description: String {
            switch reason {
            case .unexpectedEnd: "Unexpected end of JSON input at offset \(offset)"
            case .unexpectedCharacter(let c): "Unexpected character '\(Character(Unicode.Scalar(c)))' at offset \(offset)"
            case .invalidUTF8: "Invalid UTF-8 in JSON string at offset \(offset)"
            case .invalidEscape: "Invalid escape sequence in JSON string at offset \(offset)"
            case .invalidNumber: "Invalid number at offset \(offset)"
            case .tooDeep(let max): "JSON nesting deeper than \(max) levels at offset \(offset)"
            case .trailingData: "Unexpected data after the JSON document at offset \(offset)"
            case .controlCharacterInString: "Unescaped control character in JSON string at offset \(offset)"
            }
        }
    }

    public static func parse(_ bytes: some Collection<UInt8>, limits: Limits = .init()) throws(Error) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(Error) -> JSONValue in
            var parser = Cursor(bytes: buffer, maxDepth: limits.maxDepth)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw Error(reason: .trailingData, offset: parser.index) }
            return value
        }
    }

    public static func parse(_ string: String, limits: Limits = .init()) throws(Error) -> JSONValue {
        try parse(Array(string.utf8), limits: limits)
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func fail(_ reason: Error.Reason) -> Error { Error(reason: reason, offset: index) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString, value: JSONValue) throws(Error) -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw fail(.unexpectedEnd) }
            let base = literal.utf8Start
            for i in 0..<count where bytes[index + i] != base[i] {
                index += i
                throw fail(.unexpectedCharacter(bytes[index]))
            }
            index += count
            return value
        }

        mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
            case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
            case UInt8(ascii: "n"): return try expect("null", value: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            case let c: throw fail(.unexpectedCharacter(c))
            }
        }

        mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
            guard depth <= maxDepth else { throw fail(.tooDeep(maxDepth)) }
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                guard bytes[index] == UInt8(ascii: "\"") else { throw fail(.unexpectedCharacter(bytes[index])) }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                guard bytes[index] == UInt8(ascii: ":") else { throw fail(.unexpectedCharacter(bytes[index])) }
                index += 1
                skipWhitespace()
                object[key] = try parseValue(depth: depth)
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(object)
                case let c: throw fail(.unexpectedCharacter(c))
                }
            }
        }

        mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
            guard depth <= maxDepth else { throw fail(.tooDeep(maxDepth)) }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                case let c: throw fail(.unexpectedCharacter(c))
                }
            }
        }

        mutating func parseNumber() throws(Error) -> JSONValue {
            let start = index
            func digits(_ cursor: inout Cursor) -> Int {
                let s = cursor.index
                while cursor.index < cursor.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(cursor.bytes[cursor.index]) {
                    cursor.index += 1
                }
                return cursor.index - s
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits(&self) == 0 {
                throw fail(.invalidNumber)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw fail(.invalidNumber) }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw fail(.invalidNumber) }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }

        mutating func parseString() throws(Error) -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes, ASCII or valid UTF-8 run up to the closing quote.
            var sawEscape = false
            var sawNonASCII = false
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    sawEscape = true
                    index += 2
                    continue
                }
                if c < 0x20 { throw fail(.controlCharacterInString) }
                if c >= 0x80 { sawNonASCII = true }
                index += 1
            }
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1  // closing quote
            if sawNonASCII, !Self.isValidUTF8(raw) {
                throw Error(reason: .invalidUTF8, offset: start)
            }
            if !sawEscape { return String(decoding: raw, as: UTF8.self) }
            return try Self.unescape(raw, offset: start)
        }

        static func isValidUTF8(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
            var iterator = raw.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: return true
                case .error: return false
                }
            }
        }

        static func unescape(_ raw: UnsafeBufferPointer<UInt8>, offset: Int) throws(Error) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var i = 0
            func hex4(_ at: Int) throws(Error) -> UInt32 {
                guard at + 4 <= raw.count else { throw Error(reason: .invalidEscape, offset: offset + at) }
                var v: UInt32 = 0
                for k in 0..<4 {
                    let c = raw[at + k]
                    let d: UInt32
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                    default: throw Error(reason: .invalidEscape, offset: offset + at + k)
                    }
                    v = v << 4 | d
                }
                return v
            }
            while i < raw.count {
                let c = raw[i]
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < raw.count else { throw Error(reason: .invalidEscape, offset: offset + i) }
                let e = raw[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(i)
                    i += 4
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else {
                            throw Error(reason: .invalidEscape, offset: offset + i)
                        }
                        let low = try hex4(i + 2)
                        guard (0xDC00..<0xE000).contains(low) else { throw Error(reason: .invalidEscape, offset: offset + i) }
                        i += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw Error(reason: .invalidEscape, offset: offset + i - 6)
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw Error(reason: .invalidEscape, offset: offset + i) }
                    out.append(contentsOf: UTF8.encode(s)!)
                default:
                    throw Error(reason: .invalidEscape, offset: offset + i - 2)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
