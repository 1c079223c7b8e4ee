import Foundation

/// A JSON document, and the value tree every AWS operation takes and returns.
///
/// Operations read their input and build their output as `JSONValue`; the protocol codecs
/// (awsJson, awsQuery, restJson) turn it into the bytes each wire format wants. Numbers keep
/// their source text, so DynamoDB's 38-digit numbers and Int64 ids survive a round trip.
/// `.timestamp` is the one non-JSON case: each protocol renders it its own way (epoch seconds
/// in JSON, ISO 8601 in query XML), as the AWS protocols require.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as its literal text (`"12"`, `"-1.5e3"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    case timestamp(Date)

    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }
    public static func double(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(String(value))
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var numberText: String? { if case .number(let n) = self { return n } else { return nil } }
    public var intValue: Int? { numberText.flatMap { Int($0) ?? Double($0).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil } } }
    public var doubleValue: Double? { numberText.flatMap(Double.init) }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The AWS/Smithy name of this value's kind, for type-mismatch messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "structure"
        case .timestamp: "timestamp"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

/// A JSON object that keeps its members in insertion order (replies read as AWS writes them).
///
/// Members live in one array; small objects (most AWS shapes) are searched linearly, which is
/// cheaper than hashing, and larger ones get a key index.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)

    private var entries: [Element] = []
    /// Position of each key; built once an object outgrows a linear search.
    private var index: [String: Int]?
    private static let indexThreshold = 12

    public init() {}
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            switch (position(of: key), newValue) {
            case (let i?, let value?):
                entries[i].value = value
            case (nil, let value?):
                entries.append((key, value))
                if index != nil {
                    index![key] = entries.count - 1
                } else if entries.count > Self.indexThreshold {
                    index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
                }
            case (let i?, nil):
                entries.remove(at: i)
                if index != nil { index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) }) }
            case (nil, nil):
                break
            }
        }
    }

    /// Sets `key` only when `value` is non-nil: builds replies whose optional members are left out.
    public mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { self[key] = value }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { entries.makeIterator() }

    /// Objects are equal when they have the same members, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var combined = 0
        for (key, value) in entries {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            combined ^= member.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}

extension JSONValue {
    /// A scalar's text (`"x"` → `x`, `12` → `12`, `true` → `true`); anything else as JSON text.
    /// How CloudFormation and SSM turn property values into strings.
    public var scalarText: String {
        switch self {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: serializedString()
        }
    }
}
