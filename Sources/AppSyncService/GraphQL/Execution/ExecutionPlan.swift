import AWSCore
import GraphQL
import OrderedCollections

/// A resolver record and the Swift implementation a provider supplied for it (nil: none did).
struct ResolverBinding: Sendable {
    let record: ResolverRecord
    let implementation: (any FieldResolverImplementation)?

    /// Calls the implementation; errors take AppSync's shape (`NotImplemented`, `InternalFailure`).
    /// Both executors call through here, so the call is traced (X-Ray) and logged (field-level
    /// CloudWatch lines) the same way; `path` and `returnType` are only evaluated for a log line.
    func resolve(_ request: ResolverRequest, api: AppSyncAPIInfo, observation: RequestObservation?,
                 path: @autoclosure () -> [JSONValue], returnType: @autoclosure () -> String) async throws -> JSONValue {
        guard let implementation else { throw AppSyncResolverError.notImplemented(record, api: api) }
        let startOffset = observation?.offset() ?? 0
        let outcome: Result<JSONValue, AppSyncResolverError>
        do {
            if let trace = TraceRecorder.current {
                outcome = .success(try await trace.measure("\(request.typeName).\(request.fieldName)") { try await implementation.resolve(request) })
            } else {
                outcome = .success(try await implementation.resolve(request))
            }
        } catch let error as AppSyncResolverError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(AppSyncResolverError(type: "InternalFailure", message: String(describing: error)))
        }
        if let observation {
            observation.fieldResolved(path: path(), parentType: request.typeName, fieldName: request.fieldName, returnType: returnType(),
                                      arguments: request.arguments, source: request.source, result: outcome,
                                      startOffset: startOffset, duration: observation.offset() - startOffset)
        }
        return try outcome.get()
    }
}

/// How a field gets its value.
enum FieldSource: Sendable {
    /// `__typename`: the parent type's name.
    case typename
    /// The parent JSON object's member of the same name.
    case member
    /// A root field without a resolver record: null, as in AppSync.
    case rootNull
    case resolver(ResolverBinding)
}

/// One response key of a selection set, with everything about it that a request does not change.
final class FieldPlan: @unchecked Sendable {  // immutable once planned
    let key: String
    let name: String
    let parentType: String
    /// The field nodes merged under the key: its errors' locations, its `selectionSetList`.
    let nodes: [Field]
    let type: any GraphQLOutputType
    let source: FieldSource
    let arguments: ArgumentsPlan
    let selectionSetList: [String]
    /// The sub-selection of an object-typed field.
    let selection: [FieldPlan]?
    /// `type` unwrapped once, so completing a value makes no dynamic casts.
    let shape: OutputShape
    /// `type` as SDL text (`[Node!]!`), for resolver logs and traces.
    let typeText: String

    init(key: String, name: String, parentType: String, nodes: [Field], type: any GraphQLOutputType, source: FieldSource,
         arguments: ArgumentsPlan, selectionSetList: [String], selection: [FieldPlan]?) {
        self.key = key
        self.name = name
        self.parentType = parentType
        self.nodes = nodes
        self.type = type
        self.source = source
        self.arguments = arguments
        self.selectionSetList = selectionSetList
        self.selection = selection
        shape = OutputShape(type)
        typeText = GraphQLTypeText.text(type)
    }
}

/// An output type's wrappers and kind.
indirect enum OutputShape: @unchecked Sendable {  // immutable; the schema's types are
    case nonNull(OutputShape)
    case list(OutputShape)
    case leaf(any GraphQLLeafType)
    /// An object (or interface or union) type: completed through the field's selection.
    case composite(any GraphQLType)

    init(_ type: any GraphQLType) {
        if let nonNull = type as? GraphQLNonNull {
            self = .nonNull(OutputShape(nonNull.ofType))
        } else if let list = type as? GraphQLList {
            self = .list(OutputShape(list.ofType))
        } else if let leaf = type as? any GraphQLLeafType {
            self = .leaf(leaf)
        } else {
            self = .composite(type)
        }
    }

    var isNonNull: Bool {
        if case .nonNull = self { true } else { false }
    }
}

/// A field's coerced arguments: computed once when no variable is involved, else per request.
enum ArgumentsPlan: @unchecked Sendable {
    case constant(JSONObject)
    /// Index into the request's arguments (``OperationPlan/perRequest``).
    case perRequest(Int)
}

/// One argument definition and the literal given for it.
struct ArgumentPlan: @unchecked Sendable {
    let name: String
    let type: any GraphQLInputType
    let value: (any Value)?
    let defaultValue: JSONValue?

    /// Every defined argument, in definition order, absent ones null (GraphQLSwift's `getArgumentValues`).
    static func coerce(_ arguments: [ArgumentPlan], variables: [String: JSONValue]) throws -> JSONObject {
        var out = JSONObject()
        for argument in arguments {
            if let ast = argument.value {
                out[argument.name] = try InputCoercion.literal(ast, argument.type, variables: variables) ?? .null
            } else if let value = argument.defaultValue {
                out[argument.name] = value
            } else {
                guard !(argument.type is GraphQLNonNull) else { throw Declined() }
                out[argument.name] = .null
            }
        }
        return out
    }
}

/// A query or mutation ready to run.
final class OperationPlan: @unchecked Sendable {  // immutable once planned
    let isMutation: Bool
    let root: [FieldPlan]
    /// The `perRequest` arguments, by their index.
    let perRequest: [[ArgumentPlan]]

    init(isMutation: Bool, root: [FieldPlan], perRequest: [[ArgumentPlan]]) {
        self.isMutation = isMutation
        self.root = root
        self.perRequest = perRequest
    }
}

/// Collects and resolves an operation's selections once, the way GraphQLSwift's `collectFields`
/// does on every object it completes (including its fragment-visiting rules).
struct ExecutionPlanner {
    /// @skip/@include met while planning without the request's variables: plan per request.
    struct NeedsVariables: Error {}

    let schema: GraphQLSchema
    let bindings: [String: [String: ResolverBinding]]
    let rootTypes: Set<String>
    let fragments: [String: FragmentDefinition]
    /// The request's coerced variables, or nil when planning for every request.
    let variables: [String: JSONValue]?
    private var perRequest: [[ArgumentPlan]] = []
    private var fieldMaps: [String: GraphQLFieldMap] = [:]

    init(schema: GraphQLSchema, bindings: [String: [String: ResolverBinding]], rootTypes: Set<String>,
         fragments: [String: FragmentDefinition], variables: [String: JSONValue]?) {
        self.schema = schema
        self.bindings = bindings
        self.rootTypes = rootTypes
        self.fragments = fragments
        self.variables = variables
    }

    mutating func plan(_ operation: OperationDefinition) throws -> OperationPlan {
        let root: GraphQLObjectType? = switch operation.operation {
        case .query: schema.queryType
        case .mutation: schema.mutationType
        case .subscription: nil
        }
        guard let root else { throw Declined() }
        let fields = try selection([operation.selectionSet], parent: root)
        return OperationPlan(isMutation: operation.operation == .mutation, root: fields, perRequest: perRequest)
    }

    private mutating func selection(_ sets: [SelectionSet], parent: GraphQLObjectType) throws -> [FieldPlan] {
        var keys: [String] = []
        var nodes: [String: [Field]] = [:]
        for set in sets { try collect(set, parent: parent, keys: &keys, nodes: &nodes, visited: []) }
        return try keys.map { try field($0, nodes: nodes[$0]!, parent: parent) }
    }

    /// `visited` is passed by value: GraphQLSwift copies it on entry, so a fragment spread inside
    /// a nested fragment does not hide a later spread of the same fragment (its fields repeat).
    private func collect(_ set: SelectionSet, parent: GraphQLObjectType, keys: inout [String], nodes: inout [String: [Field]],
                         visited: Set<String>) throws {
        var visited = visited
        for selection in set.selections {
            switch selection {
            case let field as Field:
                guard try included(field.directives) else { continue }
                let key = field.alias?.value ?? field.name.value
                if nodes[key] == nil { keys.append(key) }
                nodes[key, default: []].append(field)
            case let inline as InlineFragment:
                guard try included(inline.directives), try matches(inline.typeCondition, parent) else { continue }
                try collect(inline.selectionSet, parent: parent, keys: &keys, nodes: &nodes, visited: visited)
            case let spread as FragmentSpread:
                let name = spread.name.value
                guard try included(spread.directives), !visited.contains(name) else { continue }
                visited.insert(name)
                guard let fragment = fragments[name], try matches(fragment.typeCondition, parent) else { continue }
                try collect(fragment.selectionSet, parent: parent, keys: &keys, nodes: &nodes, visited: visited)
            default:
                continue
            }
        }
    }

    private func matches(_ condition: NamedType?, _ parent: GraphQLObjectType) throws -> Bool {
        guard let condition, let type = schema.getType(name: condition.name.value) else { return true }
        if let object = type as? GraphQLObjectType { return object.name == parent.name }
        if let abstract = type as? any GraphQLAbstractType { return schema.isSubType(abstractType: abstract, maybeSubType: parent) }
        return false
    }

    /// @skip(if:) and @include(if:), @skip first.
    private func included(_ directives: [Directive]) throws -> Bool {
        for (name, excludes) in [("skip", true), ("include", false)] {
            guard let directive = directives.first(where: { $0.name.value == name }) else { continue }
            guard let variables else { throw NeedsVariables() }
            guard let argument = directive.arguments.last(where: { $0.name.value == "if" }) else { throw Declined() }
            let value = try InputCoercion.literal(argument.value, GraphQLNonNull(GraphQLBoolean), variables: variables)
            if value == .bool(excludes) { return false }
        }
        return true
    }

    private mutating func field(_ key: String, nodes: [Field], parent: GraphQLObjectType) throws -> FieldPlan {
        let name = nodes[0].name.value
        if name == "__typename" {
            return FieldPlan(key: key, name: name, parentType: parent.name, nodes: nodes, type: GraphQLNonNull(GraphQLString),
                             source: .typename, arguments: .constant([:]), selectionSetList: [], selection: nil)
        }
        // Introspection, and fields of interface or union type, stay with GraphQLSwift.
        guard !name.hasPrefix("__"), let definition = try fields(of: parent)[name] else { throw Declined() }
        let named = getNamedType(type: definition.type)
        guard !(named is any GraphQLAbstractType) else { throw Declined() }
        let source: FieldSource = if let binding = bindings[parent.name]?[name] { .resolver(binding) }
            else if rootTypes.contains(parent.name) { .rootNull } else { .member }
        var selectionSetList: [String] = []
        if case .resolver = source { selectionSetList = SelectionSetList.make(nodes, fragments: fragments) }
        var selection: [FieldPlan]?
        if let object = named as? GraphQLObjectType { selection = try self.selection(nodes.compactMap(\.selectionSet), parent: object) }
        return FieldPlan(key: key, name: name, parentType: parent.name, nodes: nodes, type: definition.type, source: source,
                         arguments: try arguments(definition, node: nodes[0]), selectionSetList: selectionSetList, selection: selection)
    }

    private mutating func arguments(_ definition: GraphQLField, node: Field) throws -> ArgumentsPlan {
        let plans = definition.args.map { name, argument in
            ArgumentPlan(name: name, type: argument.type, value: node.arguments.last { $0.name.value == name }?.value,
                         defaultValue: argument.defaultValue.map(MapJSON.json(from:)))
        }
        guard plans.allSatisfy({ $0.value.map(InputCoercion.isConstant) ?? true }) else {
            perRequest.append(plans)
            return .perRequest(perRequest.count - 1)
        }
        return .constant(try ArgumentPlan.coerce(plans, variables: [:]))
    }

    /// The schema's fields of a type (the accessor rebuilds the map, so it is read once per type).
    private mutating func fields(of type: GraphQLObjectType) throws -> GraphQLFieldMap {
        if let known = fieldMaps[type.name] { return known }
        let map = try type.fields()
        fieldMaps[type.name] = map
        return map
    }
}
