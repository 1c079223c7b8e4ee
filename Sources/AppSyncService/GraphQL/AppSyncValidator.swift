import AWSCore
import GraphQL
import OrderedCollections

/// One validation failure, worded as AppSync (graphql-java) words it.
struct ValidationIssue: Sendable, Equatable {
    var message: String
    var line: Int?
    var column: Int?

    /// `{"path": null, "locations": [{"line", "column", "sourceName": null}], "message": …}`.
    var json: JSONValue {
        var o = JSONObject()
        o["path"] = .null
        if let line, let column {
            o["locations"] = [["line": .int(line), "column": .int(column), "sourceName": .null]]
        } else {
            o["locations"] = .null
        }
        o["message"] = .string(message)
        return .object(o)
    }
}

/// Validates a request document and reports errors with graphql-java's wording:
/// `Validation error of type FieldUndefined: Field 'createdAt' in type 'Group' is undefined @ 'createGroup/createdAt'`.
///
/// The field-level rules AppSync users meet most (undefined fields, missing or unknown arguments,
/// sub-selections) are checked here with their exact wording; GraphQLSwift's validator then runs
/// the remaining rules and its messages are classified into graphql-java error types.
struct AppSyncValidator {
    let schema: GraphQLSchema

    func validate(_ document: Document) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions { fragments[fragment.name.value] = fragment }
        for case let operation as OperationDefinition in document.definitions {
            let root: GraphQLObjectType? = switch operation.operation {
            case .query: schema.queryType
            case .mutation: schema.mutationType
            case .subscription: schema.subscriptionType
            }
            guard let root else {
                let loc = GraphQLTypeText.location(operation.loc)
                issues.append(ValidationIssue(message: "Validation error of type UnknownOperation: Unknown operation \(operation.operation.rawValue)",
                                              line: loc?.line, column: loc?.column))
                continue
            }
            var visited = Set<String>()
            walk(operation.selectionSet, parent: root, path: [], fragments: fragments, visited: &visited, issues: &issues)
        }
        if !issues.isEmpty { return issues }
        return GraphQL.validate(schema: schema, ast: document).map(Self.classify)
    }

    private func walk(_ selectionSet: SelectionSet, parent: any GraphQLNamedType, path: [String], fragments: [String: FragmentDefinition],
                      visited: inout Set<String>, issues: inout [ValidationIssue]) {
        for selection in selectionSet.selections {
            switch selection {
            case let field as Field:
                check(field, parent: parent, path: path, fragments: fragments, visited: &visited, issues: &issues)
            case let inline as InlineFragment:
                let type = inline.typeCondition.flatMap { schema.getType(name: $0.name.value) } ?? parent
                walk(inline.selectionSet, parent: type, path: path, fragments: fragments, visited: &visited, issues: &issues)
            case let spread as FragmentSpread:
                let name = spread.name.value
                guard !visited.contains(name), let fragment = fragments[name] else { continue }
                visited.insert(name)
                let type = schema.getType(name: fragment.typeCondition.name.value) ?? parent
                walk(fragment.selectionSet, parent: type, path: path, fragments: fragments, visited: &visited, issues: &issues)
            default:
                continue
            }
        }
    }

    private func check(_ field: Field, parent: any GraphQLNamedType, path: [String], fragments: [String: FragmentDefinition],
                       visited: inout Set<String>, issues: inout [ValidationIssue]) {
        let name = field.name.value
        let here = path + [name]
        let at = " @ '\(here.joined(separator: "/"))'"
        let loc = GraphQLTypeText.location(field.loc)
        func report(_ kind: String, _ text: String) {
            issues.append(ValidationIssue(message: "Validation error of type \(kind): \(text)\(at)", line: loc?.line, column: loc?.column))
        }
        if name == "__typename" { return }
        if (name == "__schema" || name == "__type"), parent.name == schema.queryType?.name { return }
        guard let fields = GraphQLTypeText.fields(of: parent) else {
            // Unions only offer __typename and fragments; unknown parents are reported by the library.
            if parent is GraphQLUnionType { report("FieldUndefined", "Field '\(name)' in type '\(parent.name)' is undefined") }
            return
        }
        guard let definition = fields[name] else {
            report("FieldUndefined", "Field '\(name)' in type '\(parent.name)' is undefined")
            return
        }
        let given = Set(field.arguments.map(\.name.value))
        for argument in field.arguments where definition.args[argument.name.value] == nil {
            report("UnknownArgument", "Unknown field argument \(argument.name.value)")
        }
        for (argName, arg) in definition.args where arg.type is GraphQLNonNull && arg.defaultValue == nil && !given.contains(argName) {
            report("MissingFieldArgument", "Missing field argument \(argName)")
        }
        for argument in field.arguments {
            guard let arg = definition.args[argument.name.value], let problem = Self.literalProblem(argument.value, type: arg.type) else { continue }
            report("WrongType", "argument '\(argument.name.value)' with value '\(Self.javaText(argument.value))' \(problem)")
        }
        let named = getNamedType(type: definition.type)
        if GraphQLTypeText.isComposite(named) {
            guard let selectionSet = field.selectionSet else {
                report("SubSelectionRequired", "Sub selection required for type \(GraphQLTypeText.text(definition.type)) of field \(name)")
                return
            }
            if let named { walk(selectionSet, parent: named, path: here, fragments: fragments, visited: &visited, issues: &issues) }
        } else if field.selectionSet != nil {
            report("SubSelectionNotAllowed", "Sub selection not allowed on leaf type \(GraphQLTypeText.text(definition.type)) of field \(name)")
        }
    }

    /// Why a literal does not fit an input type (graphql-java's `WrongType` wording), or nil.
    static func literalProblem(_ value: any Value, type: any GraphQLType) -> String? {
        if value is Variable { return nil }
        if let t = type as? GraphQLNonNull {
            if value is NullValue { return "must not be null" }
            return literalProblem(value, type: t.ofType)
        }
        if value is NullValue { return nil }
        if let t = type as? GraphQLList {
            if let list = value as? ListValue { return list.values.lazy.compactMap { literalProblem($0, type: t.ofType) }.first }
            return literalProblem(value, type: t.ofType)
        }
        let invalid = "is not a valid '\(GraphQLTypeText.text(type))'"
        if let t = type as? GraphQLInputObjectType {
            guard let object = value as? ObjectValue else { return invalid }
            let fields = (try? t.fields()) ?? [:]
            return object.fields.lazy.compactMap { f in fields[f.name.value].flatMap { literalProblem(f.value, type: $0.type) } }.first
        }
        do {
            let parsed: Map
            if let t = type as? GraphQLScalarType { parsed = try t.parseLiteral(valueAST: value) }
            else if let t = type as? GraphQLEnumType { parsed = try t.parseLiteral(valueAST: value) }
            else { return nil }
            return parsed == .undefined ? invalid : nil
        } catch {
            return invalid
        }
    }

    /// A literal as graphql-java prints it in messages (`IntValue{value=5}`, `StringValue{value='x'}`).
    static func javaText(_ value: any Value) -> String {
        switch value {
        case let v as IntValue: return "IntValue{value=\(v.value)}"
        case let v as FloatValue: return "FloatValue{value=\(v.value)}"
        case let v as StringValue: return "StringValue{value='\(v.value)'}"
        case let v as BooleanValue: return "BooleanValue{value=\(v.value)}"
        case let v as EnumValue: return "EnumValue{name='\(v.value)'}"
        case let v as Variable: return "VariableReference{name='\(v.name.value)'}"
        case let v as ListValue: return "ArrayValue{values=[\(v.values.map(javaText).joined(separator: ", "))]}"
        case let v as ObjectValue:
            return "ObjectValue{objectFields=[\(v.fields.map { "ObjectField{name='\($0.name.value)', value=\(javaText($0.value))}" }.joined(separator: ", "))]}"
        case is NullValue: return "NullValue{}"
        default: return "\(value)"
        }
    }

    /// Maps one of GraphQLSwift's (graphql-js) messages to graphql-java's error type and wording.
    static func classify(_ error: GraphQLError) -> ValidationIssue {
        let m = error.message
        let kind: String
        var text = m
        if m.hasPrefix("Variable \"$"), m.contains("is not defined") {
            kind = "UndefinedVariable"
            text = "Undefined variable \(quoted(m) ?? m)"
        } else if m.hasPrefix("Variable \"$"), m.contains("is never used") {
            kind = "UnusedVariable"
            text = "Unused variable \(quoted(m) ?? m)"
        } else if m.contains("used in position expecting type") {
            kind = "VariableTypeMismatch"
        } else if m.hasPrefix("Unknown type") {
            kind = "UnknownType"
            text = "Unknown type \(quoted(m) ?? m)"
        } else if m.hasPrefix("Unknown fragment") {
            kind = "UndefinedFragment"
            text = "Undefined fragment \(quoted(m) ?? m)"
        } else if m.hasPrefix("Fragment \""), m.contains("is never used") {
            kind = "UnusedFragment"
            text = "Unused fragment \(quoted(m) ?? m)"
        } else if m.hasPrefix("Unknown directive") {
            kind = "UnknownDirective"
        } else if m.hasPrefix("Expected value of type") || m.contains("of required type") || m.contains("must be non-null") {
            kind = "WrongType"
        } else if m.contains("can only be defined once") || m.contains("There can be only one") {
            kind = "DuplicateOperationName"
        } else if m.contains("cannot be spread here") || m.contains("Fragment cannot condition") {
            kind = "InvalidFragmentType"
        } else if m.hasPrefix("Fields \"") {
            kind = "FieldsConflict"
        } else if m.contains("anonymous operation") {
            kind = "LoneAnonymousOperationViolation"
        } else {
            kind = "InvalidSyntax"
        }
        let loc = error.locations.first
        return ValidationIssue(message: "Validation error of type \(kind): \(text)", line: loc?.line, column: loc?.column)
    }

    /// The first `"…"` in a message, without a leading `$`.
    private static func quoted(_ message: String) -> String? {
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let value = String(parts[1])
        return value.hasPrefix("$") ? String(value.dropFirst()) : value
    }
}
