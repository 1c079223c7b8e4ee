import AWSCore
import Foundation

/// The pre-expression parameters (Expected, KeyConditions, QueryFilter, ScanFilter,
/// AttributeUpdates, ConditionalOperator), translated into the same condition and update trees
/// the expression parsers build. Attribute names here are literal: no placeholders, no
/// reserved words.
extension DynamoDBService {
    /// Rejects a request mixing `legacy` with any of `expressions`.
    static func checkNotMixed(_ input: OperationInput, legacy: String, expressions: [String]) throws {
        guard input[legacy] != nil else { return }
        let used = expressions.filter { input[$0] != nil }
        if !used.isEmpty {
            throw DynamoDBError.validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {\(legacy)} Expression parameters: {\(used.joined(separator: ", "))}")
        }
    }

    /// `Expected` / `QueryFilter` / `ScanFilter` / `KeyConditions` as one condition.
    static func legacyCondition(_ input: OperationInput, member: String, allowExists: Bool,
                                useConditionalOperator: Bool = true) throws -> Condition? {
        guard let map = try input.object(member) else {
            if input["ConditionalOperator"] != nil, member == "Expected" {
                throw DynamoDBError.validation("ConditionalOperator can only be used when Expected or QueryFilter or ScanFilter is present")
            }
            return nil
        }
        if map.isEmpty { return nil }
        let op = useConditionalOperator ? try input.string("ConditionalOperator") ?? "AND" : "AND"
        guard op == "AND" || op == "OR" else {
            throw DynamoDBError.constraint(op, at: "conditionalOperator", "Member must satisfy enum value set: [AND, OR]")
        }
        var conditions: [Condition] = []
        for (name, spec) in map {
            guard case .object(let s) = spec else {
                throw DynamoDBError.serialization("Unexpected value type for \(member): expected structure, got \(spec.kindName)")
            }
            conditions.append(try legacyClause(name, s, allowExists: allowExists))
        }
        var result = conditions[0]
        for c in conditions.dropFirst() { result = op == "OR" ? .or(result, c) : .and(result, c) }
        return result
    }

    private static func legacyClause(_ name: String, _ spec: JSONObject, allowExists: Bool) throws -> Condition {
        let path = Operand.path(DocumentPath(elements: [.name(name)]))
        let value = try spec["Value"].map { try AttributeValue.parse($0) }
        let list = try (spec["AttributeValueList"]?.arrayValue ?? []).map { try AttributeValue.parse($0) }
        if let comparison = spec["ComparisonOperator"]?.stringValue {
            if allowExists, spec["Exists"] != nil {
                throw DynamoDBError.invalidParameter("Exists and ComparisonOperator cannot be used together for Attribute: \(name)")
            }
            if value != nil, spec["AttributeValueList"] != nil {
                throw DynamoDBError.invalidParameter("Value and AttributeValueList cannot be used together for Attribute: \(name)")
            }
            let args = value.map { [$0] } ?? list
            func need(_ ok: Bool) throws {
                if !ok {
                    throw DynamoDBError.invalidParameter("Invalid number of argument(s) for the \(comparison) ComparisonOperator")
                }
            }
            let v = args.map { Operand.value($0) }
            switch comparison {
            case "EQ", "NE", "LE", "LT", "GE", "GT":
                try need(args.count == 1)
                let c: Comparator = ["EQ": .eq, "NE": .ne, "LE": .le, "LT": .lt, "GE": .ge, "GT": .gt][comparison]!
                return .compare(c, path, v[0])
            case "NULL":
                try need(args.isEmpty)
                return .attributeNotExists(DocumentPath(elements: [.name(name)]))
            case "NOT_NULL":
                try need(args.isEmpty)
                return .attributeExists(DocumentPath(elements: [.name(name)]))
            case "CONTAINS", "NOT_CONTAINS":
                try need(args.count == 1)
                return comparison == "CONTAINS" ? .contains(path, v[0]) : .not(.contains(path, v[0]))
            case "BEGINS_WITH":
                try need(args.count == 1)
                return .beginsWith(path, v[0])
            case "IN":
                try need(!args.isEmpty)
                return .inList(path, v)
            case "BETWEEN":
                try need(args.count == 2)
                return .between(path, v[0], v[1])
            default:
                throw DynamoDBError.constraint(comparison, at: "comparisonOperator",
                    "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")
            }
        }
        if spec["AttributeValueList"] != nil {
            throw DynamoDBError.invalidParameter("AttributeValueList can only be used with a ComparisonOperator for Attribute: \(name)")
        }
        let exists = spec["Exists"]?.boolValue
        switch (exists, value) {
        case (false?, nil): return .attributeNotExists(DocumentPath(elements: [.name(name)]))
        case (false?, _?):
            throw DynamoDBError.invalidParameter("Value cannot be used when Exists is false for Attribute: \(name)")
        case (_, let v?): return .compare(.eq, path, .value(v))
        case (true?, nil):
            throw DynamoDBError.invalidParameter("Value must be provided when Exists is true for Attribute: \(name)")
        case (nil, nil):
            throw DynamoDBError.invalidParameter("Value must be provided when Exists is null for Attribute: \(name)")
        }
    }

    /// `AttributeUpdates` as an update program (PUT → SET, DELETE → REMOVE or set DELETE, ADD).
    static func legacyUpdates(_ input: OperationInput, table: TableMeta) throws -> UpdateProgram? {
        guard let map = try input.object("AttributeUpdates") else { return nil }
        var actions: [UpdateProgram.Action] = []
        for (name, spec) in map {
            if table.keyNames.contains(name) {
                throw DynamoDBError.invalidParameter("Cannot update attribute \(name). This attribute is part of the key")
            }
            let path = DocumentPath(elements: [.name(name)])
            let action = spec["Action"]?.stringValue ?? "PUT"
            let value = try spec["Value"].map { try AttributeValue.parse($0) }
            switch (action, value) {
            case ("PUT", let v?): actions.append(.set(path, .value(v)))
            case ("PUT", nil):
                throw DynamoDBError.invalidParameter("Only DELETE action is allowed when no attribute value is specified")
            case ("DELETE", nil): actions.append(.remove(path))
            case ("DELETE", let v?):
                guard ["SS", "NS", "BS"].contains(v.typeName) else {
                    throw DynamoDBError.invalidParameter("DELETE action with value is not supported for the type \(v.typeName)")
                }
                actions.append(.delete(path, .value(v)))
            case ("ADD", let v?):
                switch v {
                case .n, .ss, .ns, .bs: actions.append(.add(path, .value(v)))
                case .l: actions.append(.set(path, .listAppend(.ifNotExists(path, .value(.l([]))), .value(v))))
                default:
                    throw DynamoDBError.invalidParameter("ADD action is not supported for the type \(v.typeName)")
                }
            case ("ADD", nil):
                throw DynamoDBError.invalidParameter("Only DELETE action is allowed when no attribute value is specified")
            default:
                throw DynamoDBError.constraint(action, at: "attributeUpdates.\(name).member.action", "Member must satisfy enum value set: [ADD, PUT, DELETE]")
            }
        }
        return UpdateProgram(actions: actions)
    }
}
