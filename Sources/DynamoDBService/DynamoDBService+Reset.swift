import AWSCore

extension DynamoDBService {
    /// Forgets cached table definitions after the sandbox deleted every row (`POST /_sandbox/reset`).
    public func reloadAfterReset() {
        for name in allTableNames() { uncache(name) }
    }
}

/// Deletes expired TTL items on a fixed period for the server's lifetime.
public struct TTLSweeper: BackgroundTask {
    public let service: DynamoDBService
    public let period: Duration
    public let name = "dynamodb-ttl-sweeper"

    public init(service: DynamoDBService, period: Duration) {
        self.service = service
        self.period = period
    }

    public func run() async throws {
        await service.runTTLSweeper(every: period)
    }
}
