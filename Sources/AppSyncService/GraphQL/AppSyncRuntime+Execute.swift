import AWSCore
import Foundation
import GraphQL
import OrderedCollections

/// A successful mutation field whose result subscribers may receive.
struct Publication: Sendable {
    /// The mutation field's name (not its alias).
    let mutationField: String
    /// The subscription fields that listen to it.
    let subscriptionFields: [String]
    /// The result restricted to what the caller selected, keyed by field name (aliases undone).
    let value: JSONObject
}

/// The reply to one GraphQL request and what it publishes.
struct ExecutionOutcome: Sendable {
    let response: JSONValue
    let publications: [Publication]
}

extension AppSyncRuntime {
    /// Runs a query or mutation: `{data, errors}` in AppSync's shape, plus the mutation results to fan out.
    func execute(query: String, variables: JSONObject, operationName: String?, caller: CallerInfo,
                 observation: RequestObservation? = nil) async -> ExecutionOutcome {
        let parseStart = observation?.offset() ?? 0
        let parsedOutcome = parsedDocument(for: query)
        if let observation {
            // Parsing and validation happen together (and are cached by query text): one figure for both.
            let end = observation.offset()
            observation.parsing = (parseStart, end - parseStart)
            observation.validation = (end, 0)
        }
        let parsed: ParsedDocument
        switch parsedOutcome {
        case .success(let d): parsed = d
        case .failure(let failure): return ExecutionOutcome(response: failure.response, publications: [])
        }
        let document = parsed.document
        if let problems = Self.variableProblems(document, operationName: operationName, variables: variables) {
            return ExecutionOutcome(response: ["data": .null, "errors": .array(problems.map(\.json))], publications: [])
        }
        let encoder = AppSyncResponseEncoder(schema: schema)
        let response: JSONValue
        let errors: [GraphQLError]
        // The direct executor runs queries and mutations; GraphQLSwift runs what it declines.
        if let direct = await executeDirectly(parsed, variables: variables, operationName: operationName, caller: caller, observation: observation) {
            response = encoder.encode(data: direct.data, errors: direct.errors)
            errors = direct.errors
        } else {
            (response, errors) = await executeWithLibrary(document, variables: variables, operationName: operationName, caller: caller,
                                                          observation: observation)
        }
        let published = operation(in: document, named: operationName)
            .map { self.publications(of: $0, data: response["data"], errors: errors, fragments: parsed.fragments) } ?? []
        return ExecutionOutcome(response: response, publications: published)
    }

    /// GraphQLSwift's `execute`, through the resolvers installed on the schema.
    func executeWithLibrary(_ document: Document, variables: JSONObject, operationName: String?, caller: CallerInfo,
                            observation: RequestObservation? = nil) async
        -> (response: JSONValue, errors: [GraphQLError])
    {
        let context = ExecutionContextBox(caller: caller, variables: variables)
        context.observation = observation
        var variableMaps: [String: Map] = [:]
        for (k, v) in variables { variableMaps[k] = MapJSON.map(from: v) }
        do {
            let result = try await GraphQL.execute(schema: schema, documentAST: document, rootValue: JSONObject(), context: context,
                                                   variableValues: variableMaps, operationName: operationName)
            return (AppSyncResponseEncoder(schema: schema).encode(result), result.errors)
        } catch {
            return (["data": .null, "errors": [["message": .string("\(error)")]]], [])
        }
    }

    /// Missing non-null variables, worded as graphql-java words them (the library's message differs).
    static func variableProblems(_ document: Document, operationName: String?, variables: JSONObject) -> [ValidationIssue]? {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        guard let operation = operationName.map({ name in operations.first { $0.name?.value == name } }) ?? (operations.count == 1 ? operations.first : nil)
        else { return nil }
        var problems: [ValidationIssue] = []
        for definition in operation.variableDefinitions where definition.type is NonNullType && definition.defaultValue == nil {
            let name = definition.variable.name.value
            guard variables[name] == nil || variables[name] == .null else { continue }
            let loc = GraphQLTypeText.location(definition.loc)
            problems.append(ValidationIssue(message: "Variable '\(name)' has coerced Null value for NonNull type '\(print(ast: definition.type))'",
                                            line: loc?.line, column: loc?.column))
        }
        return problems.isEmpty ? nil : problems
    }

    func operation(in document: Document, named name: String?) -> OperationDefinition? {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        if let name { return operations.first { $0.name?.value == name } }
        return operations.count == 1 ? operations[0] : nil
    }

    /// Mutation fields that succeeded (non-null, no error under them) and that some subscription listens to.
    private func publications(of operation: OperationDefinition, data: JSONValue?, errors: [GraphQLError],
                              fragments: [String: FragmentDefinition]) -> [Publication] {
        guard operation.operation == .mutation, !subscriptionsByMutation.isEmpty, case .object(let data)? = data else { return [] }
        var out: [Publication] = []
        for field in Self.topLevelFields(operation.selectionSet, fragments: fragments) {
            let name = field.name.value
            guard let listeners = subscriptionsByMutation[name] else { continue }
            let key = field.alias?.value ?? name
            guard case .object(let value)? = data[key] else { continue }
            let failed = errors.contains { error in
                if case .key(let first)? = error.path.elements.first { return first == key }
                return false
            }
            guard !failed else { continue }
            out.append(Publication(mutationField: name, subscriptionFields: listeners,
                                   value: Self.unalias(value, selectionSet: field.selectionSet, fragments: fragments)))
        }
        return out
    }

    static func fragments(_ document: Document) -> [String: FragmentDefinition] {
        var out: [String: FragmentDefinition] = [:]
        for case let f as FragmentDefinition in document.definitions { out[f.name.value] = f }
        return out
    }

    static func topLevelFields(_ set: SelectionSet, fragments: [String: FragmentDefinition]) -> [Field] {
        var out: [Field] = []
        for selection in set.selections {
            if let field = selection as? Field { out.append(field) }
            else if let inline = selection as? InlineFragment { out += topLevelFields(inline.selectionSet, fragments: fragments) }
            else if let spread = selection as? FragmentSpread, let f = fragments[spread.name.value] { out += topLevelFields(f.selectionSet, fragments: fragments) }
        }
        return out
    }

    /// Re-keys a response object by field name (what subscribers filter and project on), keeping
    /// only what the caller selected.
    static func unalias(_ value: JSONObject, selectionSet: SelectionSet?, fragments: [String: FragmentDefinition]) -> JSONObject {
        guard let selectionSet else { return value }
        var out = JSONObject()
        for field in topLevelFields(selectionSet, fragments: fragments) {
            let name = field.name.value
            guard name != "__typename", let v = value[field.alias?.value ?? name] else { continue }
            let converted = unalias(v, selectionSet: field.selectionSet, fragments: fragments)
            if case .object(let existing)? = out[name], case .object(let more) = converted {
                var merged = existing
                for (k, x) in more where merged[k] == nil { merged[k] = x }
                out[name] = .object(merged)
            } else if out[name] == nil {
                out[name] = converted
            }
        }
        return out
    }

    private static func unalias(_ value: JSONValue, selectionSet: SelectionSet?, fragments: [String: FragmentDefinition]) -> JSONValue {
        switch value {
        case .object(let o): return .object(unalias(o, selectionSet: selectionSet, fragments: fragments))
        case .array(let a): return .array(a.map { unalias($0, selectionSet: selectionSet, fragments: fragments) })
        case .null, .bool, .number, .string, .timestamp: return value
        }
    }
}
