import AWSCore
import GraphQL
import OrderedCollections

/// The direct executor leaves this request to GraphQLSwift's `execute`: a value the library
/// would reject (its error wording is the contract) or a construct the executor does not cover.
/// Raised only before any resolver has run, so the fallback sees the request untouched.
struct Declined: Error {}

/// Variable and argument values as GraphQLSwift 4.3.0 builds them (`getVariableValues`,
/// `valueFromAST`, `validate(value:forType:)`, `coerceValue`), over JSON. A nil result is the
/// library's "undefined", which resolvers see as null. Anything the library would reject declines.
enum InputCoercion {
    /// A variable as the client sent it, checked and coerced to its declared type (planned once
    /// per operation as an ``InputShape``).
    static func variable(_ value: JSONValue, _ shape: InputShape) throws -> JSONValue {
        if case .nonNull(let inner) = shape {
            guard !value.isNull else { throw Declined() }
            return try variable(value, inner)
        }
        if value.isNull { return .null }
        switch shape {
        case .nonNull, .unsupported:
            throw Declined()
        case .list(let item):
            if case .unsupported = item { throw Declined() }
            // A single value stands for a list of one.
            guard case .array(let items) = value else { return .array([try variable(value, item)]) }
            return .array(try items.map { try variable($0, item) })
        case .object(let object):
            guard case .object(let members) = value, members.allSatisfy({ object.names.contains($0.key) }) else { throw Declined() }
            var out = JSONObject()
            for field in object.fields {
                if let member = members[field.name] {
                    out[field.name] = try variable(member, field.shape)
                } else {
                    // The library checks presence before it applies defaults.
                    guard !field.isNonNull else { throw Declined() }
                    out[field.name] = field.defaultValue ?? .null
                }
            }
            return .object(out)
        case .leaf(let leaf):
            return try LeafValues.parse(value, leaf)
        }
    }

    /// An argument's literal (variables applied) for a position of `type`.
    static func literal(_ ast: any Value, _ type: any GraphQLInputType, variables: [String: JSONValue]) throws -> JSONValue? {
        if let nonNull = type as? GraphQLNonNull {
            guard !(ast is NullValue), let inner = nonNull.ofType as? any GraphQLInputType,
                  let value = try literal(ast, inner, variables: variables), !value.isNull else { throw Declined() }
            return value
        }
        if ast is NullValue { return .null }
        // A variable's value was coerced to the variable's type, which validation matched to this position.
        if let variable = ast as? Variable { return variables[variable.name.value] }
        if let list = type as? GraphQLList {
            guard let item = list.ofType as? any GraphQLInputType else { throw Declined() }
            guard let values = ast as? ListValue else { return .array([try literal(ast, item, variables: variables) ?? .null]) }
            return .array(try values.values.map { try literal($0, item, variables: variables) ?? .null })
        }
        if let object = type as? GraphQLInputObjectType {
            guard let node = ast as? ObjectValue, !object.isOneOf, let fields = try? object.fields() else { throw Declined() }
            var out = JSONObject()
            for (name, field) in fields {
                if let member = node.fields.last(where: { $0.name.value == name }) {
                    out[name] = try literal(member.value, field.type, variables: variables) ?? .null
                } else if let value = field.defaultValue {
                    out[name] = MapJSON.json(from: value)
                } else {
                    guard !(field.type is GraphQLNonNull) else { throw Declined() }
                    out[name] = .null
                }
            }
            return .object(out)
        }
        guard let leaf = type as? any GraphQLLeafType else { throw Declined() }
        return try LeafValues.literal(ast, leaf)
    }

    /// Whether a value (literal) mentions a variable: if not, its coercion is computed once per document.
    static func isConstant(_ ast: any Value) -> Bool {
        if ast is Variable { return false }
        if let list = ast as? ListValue { return list.values.allSatisfy(isConstant) }
        if let object = ast as? ObjectValue { return object.fields.allSatisfy { isConstant($0.value) } }
        return true
    }

    /// The type a variable definition names, resolved against the schema.
    static func type(_ ast: any Node, in schema: GraphQLSchema) throws -> any GraphQLInputType {
        if let nonNull = ast as? NonNullType {
            guard let inner = try type(nonNull.type, in: schema) as? any GraphQLNullableType,
                  let out = GraphQLNonNull(inner) as? any GraphQLInputType else { throw Declined() }
            return out
        }
        if let list = ast as? ListType {
            guard let out = GraphQLList(try type(list.type, in: schema)) as? any GraphQLInputType else { throw Declined() }
            return out
        }
        guard let named = ast as? NamedType, let out = schema.getType(name: named.name.value) as? any GraphQLInputType else { throw Declined() }
        return out
    }
}

/// An input type's wrappers and kind, unwrapped once, so coercing a variable makes no dynamic
/// casts. Mirrors GraphQLSwift's checks: what it would reject is `unsupported` (declined).
indirect enum InputShape: @unchecked Sendable {  // immutable once built
    case nonNull(InputShape)
    case list(InputShape)
    case object(InputObjectShape)
    case leaf(any GraphQLLeafType)
    case unsupported

    var isNonNull: Bool {
        if case .nonNull = self { true } else { false }
    }

    init(_ type: any GraphQLInputType) {
        var objects: [String: InputObjectShape] = [:]
        self = Self.make(type, objects: &objects)
    }

    /// `objects` ties recursive input types (`input F { and: [F] }`) into one node each.
    private static func make(_ type: any GraphQLType, objects: inout [String: InputObjectShape]) -> InputShape {
        if let nonNull = type as? GraphQLNonNull {
            return nonNull.ofType is any GraphQLInputType ? .nonNull(make(nonNull.ofType, objects: &objects)) : .nonNull(.unsupported)
        }
        if let list = type as? GraphQLList {
            return list.ofType is any GraphQLInputType ? .list(make(list.ofType, objects: &objects)) : .list(.unsupported)
        }
        if let object = type as? GraphQLInputObjectType {
            if let known = objects[object.name] { return .object(known) }
            guard !object.isOneOf, let fields = try? object.fields() else { return .unsupported }
            let shape = InputObjectShape()
            objects[object.name] = shape
            // The fields in the (memoized) map's own order, as the library iterates them.
            shape.fields = fields.map { name, field in
                (name, make(field.type, objects: &objects), field.type is GraphQLNonNull, field.defaultValue.map(MapJSON.json(from:)))
            }
            shape.names = Set(fields.keys)
            return .object(shape)
        }
        if let leaf = type as? any GraphQLLeafType { return .leaf(leaf) }
        return .unsupported
    }
}

/// An input object's fields as ``InputShape``s; filled once while its shape is built.
final class InputObjectShape: @unchecked Sendable {
    fileprivate(set) var fields: [(name: String, shape: InputShape, isNonNull: Bool, defaultValue: JSONValue?)] = []
    fileprivate(set) var names: Set<String> = []
}

/// Scalars and enums: the common built-in cases directly, the rest through the schema's own functions.
enum LeafValues {
    /// `parseValue`, as a variable's validation and coercion apply it.
    static func parse(_ value: JSONValue, _ leaf: any GraphQLLeafType) throws -> JSONValue {
        switch (value, BuiltIn(leaf)) {
        case (.string, .string?), (.string, .id?), (.bool, .boolean?): return value
        case (.number(let text), .int?):
            if let i = Int(text), Int(Int32.min)...Int(Int32.max) ~= i { return .number(String(i)) }
        default: break
        }
        guard let parsed = try? leaf.parseValue(value: MapJSON.map(from: value)), parsed != .null, parsed != .undefined else { throw Declined() }
        return MapJSON.json(from: parsed)
    }

    /// `parseLiteral`, then the check `getArgumentValues` applies (the literal's own value is kept).
    static func literal(_ ast: any Value, _ leaf: any GraphQLLeafType) throws -> JSONValue? {
        switch (ast, BuiltIn(leaf)) {
        case (let s as StringValue, .string?), (let s as StringValue, .id?): return .string(s.value)
        case (let b as BooleanValue, .boolean?): return .bool(b.value)
        case (let i as IntValue, .id?): return .string(i.value)
        case (let i as IntValue, .int?):
            if let n = Int(i.value), Int(Int32.min)...Int(Int32.max) ~= n { return .number(String(n)) }
        default: break
        }
        let parsed = (try? leaf.parseLiteral(valueAST: ast)) ?? .null
        if parsed == .undefined { return nil }
        if parsed == .null { return .null }
        guard let checked = try? leaf.parseValue(value: parsed), checked != .null, checked != .undefined else { throw Declined() }
        return MapJSON.json(from: parsed)
    }

    /// `serialize`, as completing a leaf field applies it to a resolver's value.
    static func serialize(_ value: JSONValue, _ leaf: any GraphQLLeafType) throws -> JSONValue {
        switch (value, BuiltIn(leaf)) {
        case (.string, .string?), (.string, .id?), (.bool, .boolean?): return value
        case (.string, nil) where leaf is GraphQLScalarType && AppSyncScalars.serializesStringsAsIs(leaf.name): return value
        case (.number(let text), .int?):
            if let i = Int(text) { return .number(String(i)) }
        default: break
        }
        guard let value = ExecutionValue.from(value) else { return .null }
        return MapJSON.json(from: try leaf.serialize(value: value))
    }
}

/// The specified scalars whose common values skip the `Map` round trip.
private enum BuiltIn {
    case string, id, int, boolean

    init?(_ leaf: any GraphQLLeafType) {
        guard let scalar = leaf as? GraphQLScalarType else { return nil }
        if scalar === GraphQLString { self = .string }
        else if scalar === GraphQLID { self = .id }
        else if scalar === GraphQLInt { self = .int }
        else if scalar === GraphQLBoolean { self = .boolean }
        else { return nil }
    }
}
