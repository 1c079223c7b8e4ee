import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func scan(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        try Self.checkNotMixed(input, legacy: "ScanFilter", expressions: ["FilterExpression"])
        let ctx = try expressionContext(input, expressionMembers: ["FilterExpression", "ProjectionExpression"])
        var request = try readRequest(input, kind: "Scan", ctx: ctx)
        try ctx.checkAllUsed()
        if request.filter == nil { request.filter = try Self.legacyCondition(input, member: "ScanFilter", allowExists: false) }
        let segment = try input.int("Segment")
        let total = try input.int("TotalSegments")
        switch (segment, total) {
        case (nil, nil): break
        case (nil, _?):
            throw DynamoDBError.validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        case (_?, nil):
            throw DynamoDBError.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        case (let s?, let t?):
            if t < 1 { throw DynamoDBError.constraint(String(t), at: "totalSegments", "Member must have value greater than or equal to 1") }
            if t > 1_000_000 { throw DynamoDBError.constraint(String(t), at: "totalSegments", "Member must have value less than or equal to 1000000") }
            if s < 0 { throw DynamoDBError.constraint(String(s), at: "segment", "Member must have value greater than or equal to 0") }
            if s >= t {
                throw DynamoDBError.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: \(s) is not less than TotalSegments: \(t)")
            }
            request.segment = (s, t)
        }
        let mode = try capacityMode(input)
        let result = try database.read { db in
            try runRead(request) { after, visit in
                if let index = request.index {
                    try ItemStore.readIndex(db, request.table, index, hash: nil, range: nil, forward: true, after: after, visit)
                } else {
                    try ItemStore.readTable(db, request.table, hash: nil, range: nil, forward: true, after: after, visit)
                }
            }
        }
        return readReply(request, result, mode: mode)
    }
}
