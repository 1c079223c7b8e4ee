public import AWSCore
import Foundation

/// A DynamoDB attribute value.
public indirect enum AttributeValue: Hashable, Sendable {
    case s(String)
    case n(DynamoNumber)
    case b([UInt8])
    case ss([String])
    case ns([DynamoNumber])
    case bs([[UInt8]])
    case m([String: AttributeValue])
    case l([AttributeValue])
    case null
    case bool(Bool)

    /// DynamoDB's type descriptor (`S`, `NS`, `BOOL`, …).
    public var typeName: String {
        switch self {
        case .s: "S"
        case .n: "N"
        case .b: "B"
        case .ss: "SS"
        case .ns: "NS"
        case .bs: "BS"
        case .m: "M"
        case .l: "L"
        case .null: "NULL"
        case .bool: "BOOL"
        }
    }

    public static let typeNames: Set<String> = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]

    /// Maps and lists one attribute value may nest: the item is level 1 of DynamoDB's 32.
    static let maxDepth = 31
    static let nestingError = DynamoDBError.validation(
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")

    /// How many maps/lists deep this value goes.
    var nestingDepth: Int {
        switch self {
        case .m(let m): 1 + (m.values.map(\.nestingDepth).max() ?? 0)
        case .l(let l): 1 + (l.map(\.nestingDepth).max() ?? 0)
        default: 0
        }
    }
}

public typealias Item = [String: AttributeValue]

// MARK: Equality as expressions see it (sets are unordered)

extension AttributeValue {
    func isEqual(to other: AttributeValue) -> Bool {
        switch (self, other) {
        case (.ss(let a), .ss(let b)): return a.count == b.count && Set(a) == Set(b)
        case (.ns(let a), .ns(let b)): return a.count == b.count && Set(a) == Set(b)
        case (.bs(let a), .bs(let b)): return a.count == b.count && Set(a) == Set(b)
        case (.m(let a), .m(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v.isEqual(to: w) else { return false }
            }
            return true
        case (.l(let a), .l(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !a[i].isEqual(to: b[i]) { return false }
            return true
        default: return self == other
        }
    }

    /// Ordering for `<`, `<=`, `>`, `>=` and BETWEEN: only between two S, two N or two B.
    static func compareScalars(_ a: AttributeValue, _ b: AttributeValue) -> Int? {
        switch (a, b) {
        case (.s(let x), .s(let y)): return compareBytes(Array(x.utf8), Array(y.utf8))
        case (.n(let x), .n(let y)): return DynamoNumber.compare(x, y)
        case (.b(let x), .b(let y)): return compareBytes(x, y)
        default: return nil
        }
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

// MARK: Size, as DynamoDB counts it

extension AttributeValue {
    /// Bytes this value counts toward the 400 KB item limit.
    var size: Int {
        switch self {
        case .s(let s): return s.utf8.count
        case .n(let n): return Self.numberSize(n)
        case .b(let b): return b.count
        case .ss(let a): return a.reduce(0) { $0 + $1.utf8.count }
        case .ns(let a): return a.reduce(0) { $0 + Self.numberSize($1) }
        case .bs(let a): return a.reduce(0) { $0 + $1.count }
        case .m(let m): return 3 + m.reduce(0) { $0 + $1.key.utf8.count + $1.value.size + 1 }
        case .l(let l): return 3 + l.reduce(0) { $0 + $1.size + 1 }
        case .null, .bool: return 1
        }
    }

    /// Digits are stored in pairs aligned to the exponent, plus an exponent byte (the rule
    /// dynalite measured against DynamoDB's consumed capacity).
    static func numberSize(_ n: DynamoNumber) -> Int {
        if n.isZero { return 1 }
        return (n.digits.count + 1) / 2 + (n.scientificExponent % 2 != 0 ? 1 : 2)
    }

    static func itemSize(_ item: Item) -> Int {
        item.reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
    }
}

// MARK: Wire form

extension AttributeValue {
    /// Parses `{"S": "x"}` and friends, with DynamoDB's validation and messages.
    static func parse(_ json: JSONValue, depth: Int = 0) throws(DynamoDBError) -> AttributeValue {
        guard case .object(let object) = json else {
            throw .serialization("Unexpected value type in AttributeValue: expected structure, got \(json.kindName)")
        }
        // Members set to null count as absent (some SDKs send every member).
        var type = ""
        var value = JSONValue.null
        for key in object.keys {
            guard let v = object[key], !v.isNull else { continue }
            if !type.isEmpty {
                throw .validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
            }
            type = key
            value = v
        }
        if type.isEmpty {
            throw .validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        }
        if depth >= maxDepth, type == "M" || type == "L" {
            throw nestingError
        }
        func string(_ v: JSONValue) throws(DynamoDBError) -> String {
            guard case .string(let s) = v else {
                throw .serialization("Unexpected value type for \(type): expected string, got \(v.kindName)")
            }
            return s
        }
        func array(_ v: JSONValue) throws(DynamoDBError) -> [JSONValue] {
            guard case .array(let a) = v else {
                throw .serialization("Unexpected value type for \(type): expected list, got \(v.kindName)")
            }
            return a
        }
        switch type {
        case "S":
            return .s(try string(value))
        case "N":
            return .n(try parseNumber(try string(value)))
        case "B":
            return .b(try parseBinary(value))
        case "BOOL":
            guard case .bool(let b) = value else {
                throw .serialization("Unexpected value type for BOOL: expected boolean, got \(value.kindName)")
            }
            return .bool(b)
        case "NULL":
            guard case .bool(let b) = value else {
                throw .serialization("Unexpected value type for NULL: expected boolean, got \(value.kindName)")
            }
            guard b else { throw DynamoDBError.invalidParameter("Null attribute value types must have the value of true") }
            return .null
        case "SS":
            let members = try array(value)
            if members.isEmpty { throw DynamoDBError.invalidParameter("An string set  may not be empty") }
            var out: [String] = []
            out.reserveCapacity(members.count)
            for m in members { out.append(try string(m)) }
            if Set(out).count != out.count {
                throw DynamoDBError.invalidParameter("Input collection [\(out.joined(separator: ", "))] contains duplicates.")
            }
            return .ss(out)
        case "NS":
            let members = try array(value)
            if members.isEmpty { throw DynamoDBError.invalidParameter("An number set  may not be empty") }
            var out: [DynamoNumber] = []
            for m in members { out.append(try parseNumber(try string(m))) }
            if Set(out).count != out.count {
                throw DynamoDBError.invalidParameter("Input collection [\(members.compactMap(\.stringValue).joined(separator: ", "))] contains duplicates.")
            }
            return .ns(out)
        case "BS":
            let members = try array(value)
            if members.isEmpty { throw DynamoDBError.invalidParameter("Binary sets should not be empty") }
            var out: [[UInt8]] = []
            for m in members { out.append(try parseBinary(m)) }
            if Set(out).count != out.count {
                throw DynamoDBError.invalidParameter("Input collection [\(members.compactMap(\.stringValue).joined(separator: ", "))]of type BS contains duplicates.")
            }
            return .bs(out)
        case "M":
            guard case .object(let members) = value else {
                throw .serialization("Unexpected value type for M: expected map, got \(value.kindName)")
            }
            var out: [String: AttributeValue] = [:]
            out.reserveCapacity(members.count)
            for k in members.keys { out[k] = try parse(members[k]!, depth: depth + 1) }
            return .m(out)
        case "L":
            let members = try array(value)
            var out: [AttributeValue] = []
            out.reserveCapacity(members.count)
            for v in members { out.append(try parse(v, depth: depth + 1)) }
            return .l(out)
        default:
            throw .serialization("Unknown AttributeValue type: \(type)")
        }
    }

    static func parseNumber(_ text: String) throws(DynamoDBError) -> DynamoNumber {
        do {
            return try DynamoNumber(parsing: text)
        } catch {
            throw .validation(DynamoNumber.message(for: error, text: text))
        }
    }

    static func parseBinary(_ value: JSONValue) throws(DynamoDBError) -> [UInt8] {
        guard case .string(let s) = value else {
            throw .serialization("Unexpected value type for B: expected blob, got \(value.kindName)")
        }
        guard let data = Data(base64Encoded: s) else {
            throw .serialization("Base64 encoded length is expected a multiple of 4 bytes but found: \(s.utf8.count)")
        }
        return [UInt8](data)
    }

    /// Parses an item (`{"name": {"S": "x"}, …}`).
    static func parseItem(_ json: JSONValue, member: String = "Item") throws(DynamoDBError) -> Item {
        guard case .object(let object) = json else {
            throw .serialization("Unexpected value type for \(member): expected map, got \(json.kindName)")
        }
        return try parseItem(object)
    }

    static func parseItem(_ object: JSONObject) throws(DynamoDBError) -> Item {
        var item: Item = [:]
        item.reserveCapacity(object.count)
        for k in object.keys { item[k] = try parse(object[k]!) }
        return item
    }

    /// The wire form (`{"N": "1.5"}`).
    public var json: JSONValue {
        switch self {
        case .s(let s): return .object(JSONObject([("S", .string(s))]))
        case .n(let n): return .object(JSONObject([("N", .string(n.description))]))
        case .b(let b): return .object(JSONObject([("B", .string(Data(b).base64EncodedString()))]))
        case .ss(let a): return .object(JSONObject([("SS", .array(a.map { .string($0) }))]))
        case .ns(let a): return .object(JSONObject([("NS", .array(a.map { .string($0.description) }))]))
        case .bs(let a): return .object(JSONObject([("BS", .array(a.map { .string(Data($0).base64EncodedString()) }))]))
        case .m(let m): return .object(JSONObject([("M", .object(Self.itemJSON(m)))]))
        case .l(let l): return .object(JSONObject([("L", .array(l.map(\.json)))]))
        case .null: return .object(JSONObject([("NULL", .bool(true))]))
        case .bool(let b): return .object(JSONObject([("BOOL", .bool(b))]))
        }
    }

    static func itemJSON(_ item: Item) -> JSONObject {
        var out = JSONObject()
        for key in item.keys.sorted() { out[key] = item[key]!.json }
        return out
    }

    /// `{S: x}`-style rendering used in some AWS messages.
    var shortDescription: String {
        switch self {
        case .s(let s): return s
        case .n(let n): return n.description
        case .b(let b): return Data(b).base64EncodedString()
        case .bool(let b): return String(b)
        case .null: return "true"
        default: return json.serializedString()
        }
    }
}

// MARK: Key bytes

extension AttributeValue {
    /// Order-preserving bytes for a key attribute: S as UTF-8, B raw (both byte-wise), N numeric.
    var keyBytes: [UInt8]? {
        switch self {
        case .s(let s): Array(s.utf8)
        case .b(let b): b
        case .n(let n): n.orderedKeyBytes
        default: nil
        }
    }
}
