import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func query(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        try Self.checkNotMixed(input, legacy: "KeyConditions", expressions: ["KeyConditionExpression"])
        try Self.checkNotMixed(input, legacy: "QueryFilter", expressions: ["FilterExpression"])
        let ctx = try expressionContext(input, expressionMembers: ["KeyConditionExpression", "FilterExpression", "ProjectionExpression"])
        var request = try readRequest(input, kind: "Query", ctx: ctx)
        let keyExpression: Condition
        if let keyText = try input.string("KeyConditionExpression") {
            keyExpression = try ExpressionParser.parseCondition(keyText, kind: .keyCondition, context: ctx)
        } else if let legacy = try Self.legacyCondition(input, member: "KeyConditions", allowExists: false, useConditionalOperator: false) {
            keyExpression = legacy
        } else {
            throw DynamoDBError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        try ctx.checkAllUsed()
        let legacyFilter = try Self.legacyCondition(input, member: "QueryFilter", allowExists: false)
        if request.filter == nil { request.filter = legacyFilter }
        let (hashKey, rangeKey) = request.index.map { ($0.hashKey, $0.rangeKey) } ?? (request.table.hashKey, request.table.rangeKey)
        let keyCondition = try KeyCondition.extract(keyExpression, hashKey: hashKey, rangeKey: rangeKey)
        if let filter = request.filter {
            let keys = Set([hashKey.name] + (rangeKey.map { [$0.name] } ?? []))
            if let used = Self.paths(in: filter).first(where: { keys.contains($0.root) }) {
                throw DynamoDBError.validation(legacyFilter != nil
                    ? "QueryFilter can only contain non-key attributes: Primary key attribute: \(used.root)"
                    : "Filter Expression can only contain non-primary key attributes: Primary key attribute: \(used.root)")
            }
        }
        if let after = request.after, (after.indexKey ?? after.key).hk != keyCondition.hashBytes {
            throw DynamoDBError.validation("The provided starting key is outside query boundaries based on provided conditions")
        }
        let forward = try input.bool("ScanIndexForward") ?? true
        let mode = try capacityMode(input)
        let result = try database.read { db in
            try runRead(request) { after, visit in
                if let index = request.index {
                    try ItemStore.readIndex(db, request.table, index, hash: keyCondition.hashBytes, range: keyCondition.range,
                                            forward: forward, after: after, visit)
                } else {
                    try ItemStore.readTable(db, request.table, hash: keyCondition.hashBytes, range: keyCondition.range,
                                            forward: forward, after: after, visit)
                }
            }
        }
        return readReply(request, result, mode: mode)
    }

    /// Every document path a condition reads.
    static func paths(in condition: Condition) -> [DocumentPath] {
        func operandPaths(_ o: Operand) -> [DocumentPath] {
            switch o {
            case .path(let p): [p]
            case .value: []
            case .size(let x): operandPaths(x)
            case .ifNotExists(let p, let x): [p] + operandPaths(x)
            case .listAppend(let a, let b), .plus(let a, let b), .minus(let a, let b): operandPaths(a) + operandPaths(b)
            }
        }
        switch condition {
        case .compare(_, let a, let b), .attributeType(let a, let b), .beginsWith(let a, let b), .contains(let a, let b):
            return operandPaths(a) + operandPaths(b)
        case .between(let a, let b, let c): return operandPaths(a) + operandPaths(b) + operandPaths(c)
        case .inList(let a, let list): return operandPaths(a) + list.flatMap(operandPaths)
        case .and(let a, let b), .or(let a, let b): return paths(in: a) + paths(in: b)
        case .not(let a): return paths(in: a)
        case .attributeExists(let p), .attributeNotExists(let p): return [p]
        }
    }
}
