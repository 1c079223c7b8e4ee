import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func describeEndpoints(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let address = context.request.headers["host"] ?? "dynamodb.\(context.region).amazonaws.com"
        return ["Endpoints": [["Address": .string(address), "CachePeriodInMinutes": 1440]]]
    }
}
