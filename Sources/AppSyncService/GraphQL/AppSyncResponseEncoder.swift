import AWSCore
import Foundation
import GraphQL
import OrderedCollections

/// Writes a `GraphQLResult` as AppSync does: `data` always present (null when absent), resolver
/// errors with `errorType`/`errorInfo`/`data` at the top level, graphql-java's wording for null
/// violations, `sourceName: null` in locations.
struct AppSyncResponseEncoder {
    let schema: GraphQLSchema

    func encode(_ result: GraphQLResult) -> JSONValue {
        encode(data: result.data.map(MapJSON.json(from:)) ?? .null, errors: result.errors)
    }

    func encode(data: JSONValue, errors: [GraphQLError]) -> JSONValue {
        var out = JSONObject()
        out["data"] = data
        if !errors.isEmpty { out["errors"] = .array(errors.map(encode)) }
        return .object(out)
    }

    func encode(_ error: GraphQLError) -> JSONValue {
        let path: JSONValue = error.path.elements.isEmpty ? .null : .array(error.path.elements.map { element in
            switch element {
            case .index(let i): .int(i)
            case .key(let k): .string(k)
            }
        })
        let locations: JSONValue = error.locations.isEmpty ? .null
            : .array(error.locations.map { ["line": .int($0.line), "column": .int($0.column), "sourceName": .null] })
        var o = JSONObject()
        if let resolverError = error.originalError as? AppSyncResolverError {
            o["path"] = path
            o["data"] = resolverError.data
            o["errorType"] = .string(resolverError.type)
            o["errorInfo"] = resolverError.errorInfo
            o["locations"] = locations
            o["message"] = .string(resolverError.message)
            return .object(o)
        }
        if let message = nullViolationMessage(error) {
            o["path"] = path
            o["locations"] = .null
            o["message"] = .string(message)
            return .object(o)
        }
        o["path"] = path
        o["locations"] = locations
        o["message"] = .string(Self.variableMessage(error.message) ?? error.message)
        return .object(o)
    }

    /// `Variable "$x" got invalid value …` → graphql-java's `Variable 'x' has an invalid value: …`.
    static func variableMessage(_ message: String) -> String? {
        guard message.hasPrefix("Variable \"$"), let end = message.dropFirst(11).firstIndex(of: "\"") else { return nil }
        let name = message[message.index(message.startIndex, offsetBy: 11)..<end]
        let detail = message.split(separator: "\n", maxSplits: 1).dropFirst().first.map(String.init) ?? message
        return "Variable '\(name)' has an invalid value: \(detail)"
    }

    /// `Cannot return null for non-nullable type: 'String' within parent 'Group' (/createGroup/name)`.
    private func nullViolationMessage(_ error: GraphQLError) -> String? {
        let prefix = "Cannot return null for non-nullable field "
        guard error.message.hasPrefix(prefix) else { return nil }
        let qualified = error.message.dropFirst(prefix.count).dropLast(error.message.hasSuffix(".") ? 1 : 0)
        let parts = qualified.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let fieldType = GraphQLTypeText.fields(of: schema.getType(name: parts[0]))?[parts[1]].map { GraphQLTypeText.named($0.type) } ?? "Object"
        let pathText = error.path.elements.map { element -> String in
            switch element {
            case .index(let i): String(i)
            case .key(let k): k
            }
        }.joined(separator: "/")
        return "Cannot return null for non-nullable type: '\(fieldType)' within parent '\(parts[0])' (/\(pathText))"
    }
}
