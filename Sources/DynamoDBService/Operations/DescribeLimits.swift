import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func describeLimits(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        [
            "AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000,
        ]
    }
}
