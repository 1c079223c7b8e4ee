import AWSCore
import GraphQL

/// Runs a planned query or mutation over JSON: resolvers through the seam, values completed by
/// the schema's types, errors as GraphQLSwift's `execute` reported them (same messages, paths,
/// locations and null propagation), so the response encoder and the fan-out read them unchanged.
/// Fields run one after another (mutation roots stop at the first failure that nulls the data,
/// as GraphQLSwift's serial strategy does).
final class AppSyncExecutor {
    private let api: AppSyncAPIInfo
    private let caller: CallerInfo
    /// The variables as the client sent them (`ctx.info.variables`).
    private let variables: JSONObject
    /// The plan's per-request arguments, coerced.
    private let arguments: [JSONObject]
    /// Where field-level log lines go, when the API logs.
    private let observation: RequestObservation?
    private var errors: [GraphQLError] = []

    init(api: AppSyncAPIInfo, caller: CallerInfo, variables: JSONObject, arguments: [JSONObject], observation: RequestObservation?) {
        self.observation = observation
        self.api = api
        self.caller = caller
        self.variables = variables
        self.arguments = arguments
    }

    /// `data` (null when a non-null root field failed: then that error alone) and the errors.
    func run(_ plan: OperationPlan) async -> (data: JSONValue, errors: [GraphQLError]) {
        do {
            let data = JSONValue.object(try await selection(plan.root, source: .object([:]), path: .root, serial: plan.isMutation))
            // A null list item stays in the list, as in AppSync. (GraphQLSwift 4.3.0 instead fails
            // the whole response with "GraphQL.MapError error 0": one reason this executor exists.)
            return (data, errors)
        } catch let error as GraphQLError {
            return (.null, [error])
        } catch {
            return (.null, [GraphQLError(error)])
        }
    }

    private func selection(_ fields: [FieldPlan], source: JSONValue, path: ResponsePath, serial: Bool) async throws -> JSONObject {
        var out = JSONObject()
        var failure: (any Error)?
        for field in fields {
            do {
                out[field.key] = try await value(of: field, source: source, path: .key(field.key, path)) ?? .null
            } catch {
                // GraphQLSwift resolves sibling fields concurrently: the others still run.
                if serial { throw error }
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return out
    }

    private func value(of field: FieldPlan, source: JSONValue, path: ResponsePath) async throws -> JSONValue? {
        let value: JSONValue
        switch field.source {
        case .typename: value = .string(field.parentType)
        case .member: value = source[field.name] ?? .null
        case .rootNull: value = .null
        case .resolver(let binding):
            do {
                value = try await binding.resolve(request(field, binding: binding, source: source), api: api, observation: observation,
                                                  path: path.elements, returnType: field.typeText)
            } catch {
                return try failed(located(error, field, path), field.shape)
            }
        }
        if value.isNull, field.shape.isNonNull {
            return try failed(located(NonNullViolation(parent: field.parentType, field: field.name), field, path), field.shape)
        }
        return try await completeCatching(value, field.shape, field, path)
    }

    private func request(_ field: FieldPlan, binding: ResolverBinding, source: JSONValue) -> ResolverRequest {
        let arguments = switch field.arguments {
        case .constant(let values): values
        case .perRequest(let index): self.arguments[index]
        }
        let parent: JSONValue = if case .object = source { source } else { .null }
        return ResolverRequest(api: api, resolver: binding.record, typeName: field.parentType, fieldName: field.name, arguments: arguments,
                               source: parent, selectionSetList: field.selectionSetList, variables: variables,
                               headers: caller.headers, sourceIP: caller.sourceIP, apiKey: caller.apiKey)
    }

    /// A nullable position records the error and holds null; a non-null one passes it up.
    private func failed(_ error: GraphQLError, _ shape: OutputShape) throws -> JSONValue? {
        if shape.isNonNull { throw error }
        errors.append(error)
        return nil
    }

    private func completeCatching(_ value: JSONValue, _ shape: OutputShape, _ field: FieldPlan, _ path: ResponsePath) async throws -> JSONValue? {
        do {
            return try await complete(value, shape, field, path)
        } catch {
            let error = located(error, field, path)
            if shape.isNonNull { throw error }
            errors.append(error)
            return nil
        }
    }

    private func complete(_ value: JSONValue, _ shape: OutputShape, _ field: FieldPlan, _ path: ResponsePath) async throws -> JSONValue? {
        if case .nonNull(let inner) = shape {
            guard let completed = try await complete(value, inner, field, path) else {
                throw GraphQLError(message: "Cannot return null for non-nullable field \(field.parentType).\(field.name).")
            }
            return completed
        }
        if value.isNull { return nil }
        switch shape {
        case .nonNull:
            preconditionFailure("unwrapped above")
        case .list(let itemShape):
            guard case .array(let items) = value else {
                throw GraphQLError(message: "Expected array, but did not find one for field \(field.parentType).\(field.name).")
            }
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            var failure: (any Error)?
            for (index, item) in items.enumerated() {
                do {
                    out.append(try await completeCatching(item, itemShape, field, .index(index, path)) ?? .null)
                } catch {
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
            return .array(out)
        case .leaf(let leaf):
            return try LeafValues.serialize(value, leaf)
        case .composite(let type):
            guard let selection = field.selection else {
                throw GraphQLError(message: "Cannot complete value of unexpected type \"\(type)\".")
            }
            return .object(try await self.selection(selection, source: value, path: path, serial: false))
        }
    }

    /// GraphQLSwift's `locatedError`: its own errors pass unchanged, others gain the field's nodes and path.
    private func located(_ error: any Error, _ field: FieldPlan, _ path: ResponsePath) -> GraphQLError {
        if let error = error as? GraphQLError { return error }
        return GraphQLError(message: String(describing: error), nodes: field.nodes, path: path.indexPath, originalError: error)
    }
}

/// Where a value sits in the response; turned into an `IndexPath` only for errors.
indirect enum ResponsePath {
    case root
    case key(String, ResponsePath)
    case index(Int, ResponsePath)

    /// As a log line's `path`: keys and indexes, root first.
    var elements: [JSONValue] {
        indexPath.elements.map { element in
            switch element {
            case .key(let key): .string(key)
            case .index(let index): .int(index)
            }
        }
    }

    var indexPath: IndexPath {
        var elements: [any IndexPathElement] = []
        var node = self
        while true {
            switch node {
            case .root: return IndexPath(Array(elements.reversed()))
            case .key(let key, let parent): elements.append(key); node = parent
            case .index(let index, let parent): elements.append(index); node = parent
            }
        }
    }
}
