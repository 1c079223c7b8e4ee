import AWSCore
import Foundation
import GraphQL
import OrderedCollections

/// Who is calling, as resolvers see it (`ctx.request`, `ctx.identity`).
public struct CallerInfo: Sendable {
    /// Header names lowercased.
    public var headers: [String: String]
    public var sourceIP: String?
    public var apiKey: String?

    public init(headers: [String: String] = [:], sourceIP: String? = nil, apiKey: String? = nil) {
        self.headers = headers
        self.sourceIP = sourceIP
        self.apiKey = apiKey
    }

    /// From an HTTP request: `X-Forwarded-For`'s first entry, else the TCP peer.
    public init(request: AWSRequest, apiKey: String?) {
        var headers: [String: String] = [:]
        for (name, value) in request.headers where headers[name.lowercased()] == nil { headers[name.lowercased()] = value }
        let forwarded = request.headers["x-forwarded-for"]?.split(separator: ",").first
            .map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        self.init(headers: headers, sourceIP: forwarded ?? request.remoteAddress, apiKey: apiKey)
    }
}

/// The context GraphQLSwift hands every resolver during one execution.
final class ExecutionContextBox: @unchecked Sendable {
    let caller: CallerInfo
    let variables: JSONObject
    /// Set when the API logs or traces this request.
    var observation: RequestObservation?
    /// Set while a subscription `start` is being checked: the subscription field's coerced arguments land here.
    var capturedArguments: JSONObject?
    private let lock = NSLock()

    init(caller: CallerInfo, variables: JSONObject) {
        self.caller = caller
        self.variables = variables
    }

    func capture(_ args: JSONObject) { lock.withLock { capturedArguments = args } }
    var captured: JSONObject? { lock.withLock { capturedArguments } }
}

/// One API's compiled schema with its resolvers installed, plus the caches execution needs.
public final class AppSyncRuntime: @unchecked Sendable {
    let schema: GraphQLSchema
    let sdl: String
    let api: AppSyncAPIInfo
    /// The API's log and X-Ray settings.
    let observability: APIObservability
    /// Mutation field → subscription fields whose `@aws_subscribe(mutations:)` lists it.
    let subscriptionsByMutation: [String: [String]]
    /// Resolver records by type and field name, with their implementations.
    let bindings: [String: [String: ResolverBinding]]
    /// The query and mutation types: their fields without a resolver return null.
    let rootTypes: Set<String>
    private let documents = DocumentCache()
    let projections = ProjectionCache()

    init(sdl: String, api: AppSyncAPIInfo, resolvers: [ResolverRecord], providers: [any AppSyncResolverProvider],
         observability: APIObservability = .off) throws {
        let compiled = try AppSyncSchemaBuilder.build(sdl: sdl)
        schema = compiled.schema
        self.sdl = sdl
        self.api = api
        self.observability = observability
        var byMutation: [String: [String]] = [:]
        if let subscription = schema.subscriptionType, let fields = try? subscription.fields() {
            for (name, field) in fields {
                guard let directive = field.astNode?.directives.first(where: { $0.name.value == "aws_subscribe" }),
                      let argument = directive.arguments.first(where: { $0.name.value == "mutations" }) else { continue }
                let mutations = (argument.value as? ListValue)?.values.compactMap { ($0 as? StringValue)?.value }
                    ?? [(argument.value as? StringValue)?.value].compactMap { $0 }
                for mutation in mutations { byMutation[mutation, default: []].append(name) }
            }
        }
        subscriptionsByMutation = byMutation
        var bindings: [String: [String: ResolverBinding]] = [:]
        for record in resolvers {
            let implementation = providers.lazy.compactMap { $0.implementation(for: record, api: api) }.first
            bindings[record.typeName, default: [:]][record.fieldName] = ResolverBinding(record: record, implementation: implementation)
        }
        self.bindings = bindings
        rootTypes = Set([schema.queryType?.name, schema.mutationType?.name].compactMap { $0 })
        installResolvers()
    }

    // MARK: Resolver installation

    /// Installs the resolvers on the schema for GraphQLSwift's `execute` (introspection, subscriptions,
    /// and whatever the direct executor leaves to it).
    private func installResolvers() {
        let subscriptionName = schema.subscriptionType?.name
        let api = api
        for (typeName, type) in schema.typeMap where !typeName.hasPrefix("__") {
            guard let object = type as? GraphQLObjectType else { continue }
            let bound = bindings[typeName] ?? [:]
            let original = object.fields
            let isRoot = rootTypes.contains(typeName)
            let isSubscription = typeName == subscriptionName
            object.fields = {
                let fields = try original()
                for (name, field) in fields {
                    if isSubscription {
                        field.resolve = Self.subscriptionResolve
                    } else if let binding = bound[name] {
                        field.resolve = Self.makeResolve(binding, api: api)
                    } else if isRoot {
                        // AppSync: a root field without a resolver returns null.
                        field.resolve = { _, _, _, info in
                            try NonNullViolation.check(nil, info)
                            return nil
                        }
                    } else {
                        field.resolve = Self.defaultResolve
                    }
                }
                return fields
            }
        }
    }

    /// Reads a field of a JSON object by name (GraphQLSwift's default resolver does not read JSON).
    static let defaultResolve: GraphQLFieldResolve = { source, _, _, info in
        let value = (source as? JSONObject)?[info.fieldName].flatMap(ExecutionValue.from)
        try NonNullViolation.check(value, info)
        return value
    }

    /// Subscription fields: record the arguments when a `start` is checked; otherwise pass the source through.
    static let subscriptionResolve: GraphQLFieldResolve = { source, args, context, _ in
        if let box = context as? ExecutionContextBox {
            box.capture(MapJSON.json(from: args).objectValue ?? [:])
            return nil
        }
        return source as? JSONObject
    }

    static func makeResolve(_ binding: ResolverBinding, api: AppSyncAPIInfo) -> GraphQLFieldResolve {
        { source, args, context, info in
            let box = context as? ExecutionContextBox
            let request = ResolverRequest(
                api: api, resolver: binding.record, typeName: info.parentType.name, fieldName: info.fieldName,
                arguments: MapJSON.json(from: args).objectValue ?? [:],
                source: (source as? JSONObject).map(JSONValue.object) ?? .null,
                selectionSetList: SelectionSetList.make(info.fieldASTs, fragments: info.fragments),
                variables: box?.variables ?? [:], headers: box?.caller.headers ?? [:],
                sourceIP: box?.caller.sourceIP, apiKey: box?.caller.apiKey)
            let value = ExecutionValue.from(try await binding.resolve(
                request, api: api, observation: box?.observation,
                path: info.path.elements.map(Self.pathElement), returnType: GraphQLTypeText.text(info.returnType)))
            try NonNullViolation.check(value, info)
            return value
        }
    }

    static func pathElement(_ element: IndexPathValue) -> JSONValue {
        switch element {
        case .key(let key): .string(key)
        case .index(let index): .int(index)
        }
    }

    // MARK: Documents

    /// The parsed, validated document for `query`.
    func document(for query: String) -> Result<Document, DocumentFailure> {
        parsedDocument(for: query).map(\.document)
    }

    /// The parsed, validated document for `query` with its execution plans, cached by its text
    /// (validation dominates the cost).
    func parsedDocument(for query: String) -> Result<ParsedDocument, DocumentFailure> {
        if let cached = documents.get(query) { return cached }
        let outcome: Result<ParsedDocument, DocumentFailure>
        do {
            let document = try parse(source: Source(body: query, name: "GraphQL request"))
            let issues = AppSyncValidator(schema: schema).validate(document)
            outcome = issues.isEmpty ? .success(ParsedDocument(document)) : .failure(DocumentFailure(issues: issues))
        } catch let error as GraphQLError {
            // graphql-java: `Invalid Syntax : offending token '<EOF>' at line 1 column 9`.
            let loc = error.locations.first
            let token = error.message.range(of: ", found ").map { String(error.message[$0.upperBound...].prefix { $0 != "\n" }) }
                .map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            let what = token.map { "offending token '\($0)'" } ?? (error.message.split(separator: "\n").first.map(String.init) ?? "")
            let at = loc.map { " at line \($0.line) column \($0.column)" } ?? ""
            outcome = .failure(DocumentFailure(issues: [ValidationIssue(message: "Invalid Syntax : \(what)\(at)", line: loc?.line, column: loc?.column)]))
        } catch {
            outcome = .failure(DocumentFailure(issues: [ValidationIssue(message: "Invalid Syntax : \(error)")]))
        }
        documents.put(query, outcome)
        return outcome
    }

    struct DocumentFailure: Error {
        let issues: [ValidationIssue]
        var response: JSONValue { ["data": .null, "errors": .array(issues.map(\.json))] }
    }

    // MARK: Introspection and printing

    func printedSchema(includeDirectives: Bool) -> String {
        includeDirectives ? sdl : printSchema(schema: schema)
    }

    func introspectionJSON() async throws -> JSONValue {
        let result = try await GraphQL.graphql(schema: schema, request: IntrospectionQuery.text, context: ExecutionContextBox(caller: CallerInfo(), variables: [:]))
        return ["data": result.data.map(MapJSON.json(from:)) ?? .null]
    }
}

/// Parsed documents by query text, bounded.
final class DocumentCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Result<ParsedDocument, AppSyncRuntime.DocumentFailure>] = [:]
    private let limit = 2_000

    func get(_ key: String) -> Result<ParsedDocument, AppSyncRuntime.DocumentFailure>? { lock.withLock { entries[key] } }

    func put(_ key: String, _ value: Result<ParsedDocument, AppSyncRuntime.DocumentFailure>) {
        lock.withLock {
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}

/// `ctx.info.selectionSetList`: field names under the resolved field, nested as `a/b`.
enum SelectionSetList {
    static func make(_ fields: [Field], fragments: [String: FragmentDefinition]) -> [String] {
        var out: [String] = []
        for field in fields {
            if let set = field.selectionSet { collect(set, prefix: "", fragments: fragments, into: &out) }
        }
        return out
    }

    private static func collect(_ set: SelectionSet, prefix: String, fragments: [String: FragmentDefinition], into out: inout [String]) {
        for selection in set.selections {
            if let field = selection as? Field {
                let name = prefix + field.name.value
                if field.name.value == "__typename" { continue }
                if !out.contains(name) { out.append(name) }
                if let sub = field.selectionSet { collect(sub, prefix: name + "/", fragments: fragments, into: &out) }
            } else if let inline = selection as? InlineFragment {
                collect(inline.selectionSet, prefix: prefix, fragments: fragments, into: &out)
            } else if let spread = selection as? FragmentSpread, let fragment = fragments[spread.name.value] {
                collect(fragment.selectionSet, prefix: prefix, fragments: fragments, into: &out)
            }
        }
    }
}

/// A null for a non-null field, raised by the sandbox's own resolvers so that GraphQLSwift records
/// the error with its path (its own non-null check loses the path).
struct NonNullViolation: Error, CustomStringConvertible {
    let parent: String
    let field: String

    var description: String { "Cannot return null for non-nullable field \(parent).\(field)." }

    static func check(_ value: (any Sendable)?, _ info: GraphQLResolveInfo) throws {
        guard value == nil, info.returnType is GraphQLNonNull else { return }
        throw NonNullViolation(parent: info.parentType.name, field: info.fieldName)
    }
}
