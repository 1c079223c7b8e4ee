import AWSCore
import Foundation
import GraphQL
import OrderedCollections

/// A checked subscription, ready to be registered with the hub.
struct PreparedSubscription: Sendable {
    let field: String
    let filter: [(String, JSONValue)]
    let projection: SubscriptionProjection
}

extension AppSyncRuntime {
    /// Checks a `start` payload's `{query, variables, operationName}`: a valid subscription
    /// operation with one root field. Its arguments (variables applied) become the filter.
    func prepareSubscription(query: String, variables: JSONObject, operationName: String?, caller: CallerInfo) async
        -> Result<PreparedSubscription, StartFailure>
    {
        let document: Document
        switch self.document(for: query) {
        case .success(let d): document = d
        case .failure(let failure):
            return .failure(StartFailure(failure.issues.map { issue in
                var extra = JSONObject()
                if let line = issue.line, let column = issue.column {
                    extra["locations"] = [["line": .int(line), "column": .int(column), "sourceName": .null]]
                }
                return RealtimeError(errorType: nil, message: issue.message, extra: extra)
            }))
        }
        guard let operation = operation(in: document, named: operationName) else {
            return .failure(StartFailure([RealtimeError(errorType: "BadRequestException", message: "Unknown operation \(operationName ?? "(anonymous)")")]))
        }
        guard operation.operation == .subscription, let subscriptionType = schema.subscriptionType else {
            return .failure(StartFailure([RealtimeError(errorType: "UnsupportedOperation",
                                           message: "\(operation.operation.rawValue) operations are not supported through the realtime channel")]))
        }
        let fragments = Self.fragments(document)
        let fields = Self.topLevelFields(operation.selectionSet, fragments: fragments)
        guard fields.count == 1, let field = fields.first, let definition = (try? subscriptionType.fields())?[field.name.value] else {
            return .failure(StartFailure([RealtimeError(errorType: "BadRequestException", message: "A subscription must select exactly one field.")]))
        }
        // Let the executor coerce the arguments (variables, defaults, scalar checks); the subscription
        // field's resolver captures them.
        let box = ExecutionContextBox(caller: caller, variables: variables)
        var variableMaps: [String: Map] = [:]
        for (k, v) in variables { variableMaps[k] = MapJSON.map(from: v) }
        let result: GraphQLResult
        do {
            result = try await GraphQL.execute(schema: schema, documentAST: document, rootValue: JSONObject(), context: box,
                                               variableValues: variableMaps, operationName: operationName)
        } catch {
            return .failure(StartFailure([RealtimeError(errorType: "BadRequestException", message: "\(error)")]))
        }
        // Errors after the arguments were captured come from completing the (empty) value: irrelevant.
        guard let arguments = box.captured else {
            return .failure(StartFailure(result.errors.map { RealtimeError(errorType: nil, message: $0.message) }))
        }
        let filter = arguments.filter { !$0.value.isNull }.map { ($0.key, $0.value) }
        let key = (operationName ?? "") + "\u{0}" + query
        let projection = projections.get(key) ?? {
            let p = SubscriptionProjection.compile(field: field, definition: definition, schema: schema, fragments: fragments)
            projections.put(key, p)
            return p
        }()
        return .success(PreparedSubscription(field: field.name.value, filter: filter, projection: projection))
    }
}

/// Compiled projections by operation text, shared by every subscriber of the same query.
final class ProjectionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: SubscriptionProjection] = [:]

    func get(_ key: String) -> SubscriptionProjection? { lock.withLock { entries[key] } }

    func put(_ key: String, _ value: SubscriptionProjection) {
        lock.withLock {
            if entries.count >= 2_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}
