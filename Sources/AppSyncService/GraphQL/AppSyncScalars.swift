import AWSCore
import Foundation
import GraphQL

/// AppSync's predefined scalars and the checks AppSync applies to their values.
///
/// Formats follow the AppSync developer guide ("Scalar types in AWS AppSync"): dates and times are
/// extended ISO 8601 (`AWSDateTime` requires a zone designator, `AWSDate`/`AWSTime` allow one),
/// `AWSTimestamp` is an integer count of seconds, `AWSJSON` is a string holding JSON.
enum AppSyncScalars {
    static let names = ["AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL", "AWSPhone", "AWSIPAddress"]

    // NSRegularExpression is immutable and documented as safe to share between threads.
    private static let emailRegex = pattern(#"^[^@\s]+@[^@\s]+\.[^@\s]+$"#)
    private static let urlRegex = pattern(#"^[A-Za-z][A-Za-z0-9+.-]*:(//)?[^\s]+$"#)
    private static let phoneRegex = pattern(#"^\+?[0-9][0-9 ()\-.]{3,30}$"#)

    private static func pattern(_ text: String) -> NSRegularExpression { try! NSRegularExpression(pattern: text) }

    /// True when the pattern matches the whole value (`$` alone would also accept a trailing newline).
    private static func matches(_ regex: NSRegularExpression, _ value: String) -> Bool {
        let whole = NSRange(value.startIndex..., in: value)
        return regex.firstMatch(in: value, range: whole)?.range == whole
    }

    /// True when `value` is a valid string form of the scalar `name`.
    static func isValid(_ name: String, string value: String) -> Bool {
        switch name {
        case "AWSDate": return ISO8601Scanner.matches(value) { $0.date() && $0.optionalZone() }
        case "AWSTime": return ISO8601Scanner.matches(value) { $0.time() && $0.optionalZone() }
        case "AWSDateTime": return ISO8601Scanner.matches(value) { $0.date() && $0.literal("T") && $0.time() && $0.zone() }
        case "AWSEmail": return matches(emailRegex, value)
        case "AWSURL": return matches(urlRegex, value)
        case "AWSPhone": return matches(phoneRegex, value)
        case "AWSIPAddress": return isIPAddress(value)
        case "AWSJSON": return (try? JSONParser.parse(value)) != nil
        case "AWSTimestamp": return Int64(value) != nil
        default: return true
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        if address.contains(":") {
            guard parts.count == 1 || Int(parts[1]).map({ (0...128).contains($0) }) == true else { return false }
            var buffer = in6_addr()
            return inet_pton(AF_INET6, address, &buffer) == 1
        }
        guard parts.count == 1 || Int(parts[1]).map({ (0...32).contains($0) }) == true else { return false }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { o in !o.isEmpty && o.count <= 3 && o.allSatisfy(\.isNumber) && Int(o)! <= 255 }
    }

    /// Installs parse/serialize functions on every AppSync scalar the schema uses.
    static func install(in schema: GraphQLSchema) {
        for name in names {
            guard let scalar = schema.getType(name: name) as? GraphQLScalarType else { continue }
            scalar.parseValue = { value in try parseValue(name, value) }
            scalar.parseLiteral = { ast in try parseLiteral(name, ast) }
            scalar.serialize = { value in try serialize(name, value) }
        }
    }

    static func invalid(_ name: String, _ shown: String) -> GraphQLError {
        GraphQLError(message: "Can't serialize value: Unable to serialize \(shown) as a valid \(name)")
    }

    static func parseValue(_ name: String, _ value: Map) throws -> Map {
        switch value {
        case .null, .undefined: return value
        case .string(let s):
            if name == "AWSTimestamp", let n = Int64(s) { return .number(Number(Int(n))) }
            guard isValid(name, string: s) else { throw invalid(name, s) }
            return value
        case .number(let n):
            guard name == "AWSTimestamp", n.doubleValue.rounded() == n.doubleValue else { throw invalid(name, n.description) }
            return value
        case .bool, .array, .dictionary:
            // AWSJSON variables may be given as JSON values; AppSync takes their JSON text.
            guard name == "AWSJSON" else { throw invalid(name, value.description) }
            return .string(MapJSON.json(from: value).serializedString())
        }
    }

    static func parseLiteral(_ name: String, _ ast: any Value) throws -> Map {
        if let s = ast as? StringValue {
            guard isValid(name, string: s.value) else { throw GraphQLError(message: "Expected value of type \"\(name)\", found \"\(s.value)\".", nodes: [ast]) }
            return .string(s.value)
        }
        if let i = ast as? IntValue, name == "AWSTimestamp", let n = Int(i.value) { return .number(Number(n)) }
        if ast is NullValue { return .null }
        return .undefined
    }

    /// Scalars whose `serialize` returns a string value unchanged (the direct executor skips the call).
    static func serializesStringsAsIs(_ name: String) -> Bool { name != "AWSTimestamp" && names.contains(name) }

    static func serialize(_ name: String, _ value: Any) throws -> Map {
        if name == "AWSJSON" {
            // A resolver may return any JSON value for an AWSJSON field; clients receive its text.
            if let object = value as? JSONObject { return .string(JSONValue.object(object).serializedString()) }
            if let list = value as? [(any Sendable)?] { return .string(ExecutionValue.json(from: list).serializedString()) }
            if let map = value as? Map, case .string = map { return map }
            if let map = value as? Map { return .string(MapJSON.json(from: map).serializedString()) }
        }
        if name == "AWSTimestamp", let map = value as? Map, case .number(let n) = map { return .number(Number(n.intValue)) }
        return try GraphQL.map(from: value)
    }
}

/// Extended ISO 8601 as AppSync's date and time scalars accept it, read in one pass (every
/// Mesh v2 message carries an `AWSDateTime`; a regular expression per value cost more than the rest
/// of its checks):
/// date `YYYY-MM-DD` (month 01–12, day 01–31), time `hh:mm[:ss[.f{1,9}]]` (hour 00–23, minute and
/// second 00–59), zone `Z` or `±hh:mm[:ss]`.
struct ISO8601Scanner {
    private let bytes: [UInt8]
    private var at = 0

    static func matches(_ text: String, _ grammar: (inout ISO8601Scanner) -> Bool) -> Bool {
        var scanner = ISO8601Scanner(bytes: Array(text.utf8))
        return grammar(&scanner) && scanner.at == scanner.bytes.count
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func date() -> Bool {
        guard let _ = digits(4), literal("-"), let month = digits(2), (1...12).contains(month), literal("-"),
              let day = digits(2), (1...31).contains(day) else { return false }
        return true
    }

    mutating func time() -> Bool {
        guard let hour = digits(2), hour <= 23, literal(":"), let minute = digits(2), minute <= 59 else { return false }
        guard literal(":") else { return true }
        guard let second = digits(2), second <= 59 else { return false }
        guard literal(".") else { return true }
        var fraction = 0
        while fraction < 9, digits(1) != nil { fraction += 1 }
        return fraction > 0
    }

    mutating func zone() -> Bool {
        if literal("Z") { return true }
        guard literal("+") || literal("-"), digits(2) != nil, literal(":"), digits(2) != nil else { return false }
        if literal(":") { return digits(2) != nil }
        return true
    }

    mutating func optionalZone() -> Bool { at == bytes.count || zone() }

    mutating func literal(_ character: Unicode.Scalar) -> Bool {
        guard at < bytes.count, bytes[at] == UInt8(ascii: character) else { return false }
        at += 1
        return true
    }

    /// Exactly `count` ASCII digits, as a number.
    private mutating func digits(_ count: Int) -> Int? {
        guard bytes.count - at >= count else { return nil }
        var value = 0
        for byte in bytes[at..<at + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        at += count
        return value
    }
}
