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
        let facts = parsed.facts(operationName: operationName) { OperationFacts(document, operationName: operationName, runtime: self, fragments: parsed.fragments) }
        if let problems = facts.variableProblems(variables) {
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
        return ExecutionOutcome(response: response, publications: facts.publications(data: response["data"], errors: errors))
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

    func operation(in document: Document, named name: String?) -> OperationDefinition? {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        if let name { return operations.first { $0.name?.value == name } }
        return operations.count == 1 ? operations[0] : nil
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
}

/// What a request needs of its operation besides executing it, worked out once per document and
/// operation name (the document is cached by query text): the operation, its non-null variables
/// without defaults, and the mutation fields that subscriptions listen to.
struct OperationFacts: @unchecked Sendable {  // immutable; the AST nodes are the cached document's
    struct RequiredVariable {
        let name: String
        let type: String
        let line: Int?
        let column: Int?
    }

    struct PublishedField {
        let name: String
        let key: String
        let listeners: [String]
        let selection: UnaliasPlan?
    }

    let operation: OperationDefinition?
    let requiredVariables: [RequiredVariable]
    let published: [PublishedField]

    init(_ document: Document, operationName: String?, runtime: AppSyncRuntime, fragments: [String: FragmentDefinition]) {
        let operation = runtime.operation(in: document, named: operationName)
        self.operation = operation
        requiredVariables = (operation?.variableDefinitions ?? []).compactMap { definition in
            guard definition.type is NonNullType, definition.defaultValue == nil else { return nil }
            let loc = GraphQLTypeText.location(definition.loc)
            return RequiredVariable(name: definition.variable.name.value, type: print(ast: definition.type), line: loc?.line, column: loc?.column)
        }
        guard let operation, operation.operation == .mutation, !runtime.subscriptionsByMutation.isEmpty else {
            published = []
            return
        }
        published = AppSyncRuntime.topLevelFields(operation.selectionSet, fragments: fragments).compactMap { field in
            guard let listeners = runtime.subscriptionsByMutation[field.name.value] else { return nil }
            return PublishedField(name: field.name.value, key: field.alias?.value ?? field.name.value, listeners: listeners,
                                  selection: field.selectionSet.map { UnaliasPlan($0, fragments: fragments) })
        }
    }

    /// Missing non-null variables, worded as graphql-java words them (the library's message differs).
    func variableProblems(_ variables: JSONObject) -> [ValidationIssue]? {
        let problems = requiredVariables.filter { variables[$0.name] == nil || variables[$0.name] == .null }.map {
            ValidationIssue(message: "Variable '\($0.name)' has coerced Null value for NonNull type '\($0.type)'", line: $0.line, column: $0.column)
        }
        return problems.isEmpty ? nil : problems
    }

    /// Mutation fields that succeeded (non-null, no error under them) and that some subscription listens to.
    func publications(data: JSONValue?, errors: [GraphQLError]) -> [Publication] {
        guard !published.isEmpty, case .object(let data)? = data else { return [] }
        return published.compactMap { field in
            guard case .object(let value)? = data[field.key] else { return nil }
            let failed = errors.contains { error in
                if case .key(let first)? = error.path.elements.first { return first == field.key }
                return false
            }
            guard !failed else { return nil }
            return Publication(mutationField: field.name, subscriptionFields: field.listeners,
                               value: field.selection.map { $0.apply(value) } ?? value)
        }
    }
}

/// Re-keys a response object by field name (what subscribers filter and project on), keeping only
/// what the caller selected: one selection set's fields, planned once.
final class UnaliasPlan: @unchecked Sendable {  // immutable once planned
    private let fields: [(name: String, key: String, child: UnaliasPlan?)]

    init(_ selectionSet: SelectionSet, fragments: [String: FragmentDefinition]) {
        fields = AppSyncRuntime.topLevelFields(selectionSet, fragments: fragments).compactMap { field in
            let name = field.name.value
            guard name != "__typename" else { return nil }
            return (name, field.alias?.value ?? name, field.selectionSet.map { UnaliasPlan($0, fragments: fragments) })
        }
    }

    func apply(_ value: JSONObject) -> JSONObject {
        var out = JSONObject()
        for (name, key, child) in fields {
            guard let v = value[key] else { continue }
            let converted = child.map { $0.apply(v) } ?? v
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

    private func apply(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o): .object(apply(o))
        case .array(let a): .array(a.map { apply($0) })
        case .null, .bool, .number, .string, .timestamp: value
        }
    }
}
