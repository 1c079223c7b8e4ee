import AWSCore
import Foundation
import GraphQL

/// A parsed, validated request document and, per operation name, what the direct executor
/// prepared for it (computed on first use, shared by every request with the same text).
final class ParsedDocument: @unchecked Sendable {
    let document: Document
    let fragments: [String: FragmentDefinition]
    /// The named operations (only these names, and none, get a cache entry).
    let operationNames: Set<String>
    private let lock = NSLock()
    private var operations: [String?: PreparedOperation] = [:]
    private var facts: [String?: OperationFacts] = [:]

    init(_ document: Document) {
        self.document = document
        fragments = AppSyncRuntime.fragments(document)
        operationNames = Set(document.definitions.compactMap { ($0 as? OperationDefinition)?.name?.value })
    }

    func operation(named name: String?, prepare: () -> PreparedOperation) -> PreparedOperation {
        cached(\.operations, name, prepare)
    }

    func facts(operationName name: String?, make: () -> OperationFacts) -> OperationFacts {
        cached(\.facts, name, make)
    }

    /// `table[name]`, made on first use; only names the document has (or none) are kept.
    private func cached<T>(_ table: ReferenceWritableKeyPath<ParsedDocument, [String?: T]>, _ name: String?, _ make: () -> T) -> T {
        guard name.map(operationNames.contains) ?? true else { return make() }
        if let known = lock.withLock({ self[keyPath: table][name] }) { return known }
        let made = make()
        lock.withLock { self[keyPath: table][name] = made }
        return made
    }
}

/// An operation as the direct executor takes it.
enum PreparedOperation: @unchecked Sendable {  // immutable once prepared
    /// Left to GraphQLSwift: a subscription, introspection, an abstract type, an invalid literal,
    /// or an operation choice the library words an error for.
    case declined
    /// `plan` is nil when @skip/@include make the selections depend on the variables.
    case ready(OperationDefinition, variables: [(name: String, shape: InputShape, hasDefault: Bool)], plan: OperationPlan?)
}

extension AppSyncRuntime {
    /// Runs a query or mutation with the direct executor: `data` and the errors, or nil when it
    /// leaves the request to GraphQLSwift (decided before any resolver runs).
    func executeDirectly(_ parsed: ParsedDocument, variables: JSONObject, operationName: String?, caller: CallerInfo,
                         observation: RequestObservation? = nil) async
        -> (data: JSONValue, errors: [GraphQLError])?
    {
        // An unknown operation name is GraphQLSwift's to report.
        guard operationName.map(parsed.operationNames.contains) ?? true,
              case .ready(let operation, let definitions, let cached) = parsed.operation(named: operationName, prepare: {
            prepare(parsed, operationName: operationName)
        }) else { return nil }
        let plan: OperationPlan
        let arguments: [JSONObject]
        do {
            var coerced: [String: JSONValue] = [:]
            for definition in definitions {
                if let value = variables[definition.name] {
                    coerced[definition.name] = try InputCoercion.variable(value, definition.shape)
                } else if definition.hasDefault || definition.shape.isNonNull {
                    throw Declined()
                }
            }
            if let cached {
                plan = cached
            } else {
                var builder = planner(parsed, variables: coerced)
                plan = try builder.plan(operation)
            }
            arguments = try plan.perRequest.map { try ArgumentPlan.coerce($0, variables: coerced) }
        } catch {
            return nil
        }
        return await AppSyncExecutor(api: api, caller: caller, variables: variables, arguments: arguments, observation: observation).run(plan)
    }

    private func prepare(_ parsed: ParsedDocument, operationName: String?) -> PreparedOperation {
        // GraphQLSwift's choice of operation (`buildExecutionContext`); its failures are its to word.
        var chosen: OperationDefinition?
        for definition in parsed.document.definitions {
            guard let operation = definition as? OperationDefinition else {
                if definition is FragmentDefinition { continue }
                return .declined
            }
            if operationName == nil, chosen != nil { return .declined }
            if operationName == nil || operation.name?.value == operationName { chosen = operation }
        }
        guard let operation = chosen, operation.operation != .subscription else { return .declined }
        do {
            let variables: [(name: String, shape: InputShape, hasDefault: Bool)] = try operation.variableDefinitions.map { definition in
                (name: definition.variable.name.value, shape: InputShape(try InputCoercion.type(definition.type, in: schema)),
                 hasDefault: definition.defaultValue != nil)
            }
            var builder = planner(parsed, variables: nil)
            let plan: OperationPlan?
            do { plan = try builder.plan(operation) } catch is ExecutionPlanner.NeedsVariables { plan = nil }
            return .ready(operation, variables: variables, plan: plan)
        } catch {
            return .declined
        }
    }

    private func planner(_ parsed: ParsedDocument, variables: [String: JSONValue]?) -> ExecutionPlanner {
        ExecutionPlanner(schema: schema, bindings: bindings, rootTypes: rootTypes, fragments: parsed.fragments, variables: variables)
    }
}
