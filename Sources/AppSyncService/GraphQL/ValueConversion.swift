import AWSCore
import Foundation
import GraphQL
import OrderedCollections

/// Converts between GraphQLSwift's `Map` and the sandbox's `JSONValue`.
enum MapJSON {
    static func json(from map: Map) -> JSONValue {
        switch map {
        case .undefined, .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return number(n)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(json(from:)))
        case .dictionary(let d): return .object(JSONObject(d.map { ($0.key, json(from: $0.value)) }))
        }
    }

    static func number(_ n: Number) -> JSONValue {
        switch n.storageType {
        case .bool: return .bool(n.boolValue)
        case .int: return .number(String(n.intValue))
        case .double, .unknown:
            let d = n.doubleValue
            if d.rounded() == d, abs(d) < 1e15 { return .number(String(Int64(d))) }
            return .number(String(d))
        }
    }

    static func map(from json: JSONValue) -> Map {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text):
            if let i = Int(text) { return .number(Number(i)) }
            return .number(Number(Double(text) ?? 0))
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(map(from:)))
        case .object(let o):
            var d = OrderedDictionary<String, Map>()
            for (k, v) in o { d[k] = map(from: v) }
            return .dictionary(d)
        case .timestamp(let date): return .number(Number(date.timeIntervalSince1970))
        }
    }
}

/// The values resolvers hand to GraphQLSwift's executor: objects stay `JSONObject` (read by the
/// sandbox's default field resolver), lists become Swift arrays (the executor requires them),
/// leaves become `Map`, and JSON null becomes nil.
enum ExecutionValue {
    static func from(_ json: JSONValue) -> (any Sendable)? {
        switch json {
        case .null: return nil
        case .object(let o): return o
        case .array(let a): return a.map(from) as [(any Sendable)?]
        case .bool, .number, .string, .timestamp: return MapJSON.map(from: json)
        }
    }

    static func json(from value: (any Sendable)?) -> JSONValue {
        switch value {
        case nil: return .null
        case let o as JSONObject: return .object(o)
        case let list as [(any Sendable)?]: return .array(list.map(json(from:)))
        case let m as Map: return MapJSON.json(from: m)
        case let s as String: return .string(s)
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(i)
        case let d as Double: return .double(d)
        default: return .string(String(describing: value!))
        }
    }
}
