/// One billable quantity, recorded as it happens (Cost Explorer prices and aggregates these).
public struct UsageRecord: Sendable, Equatable {
    /// Seconds since 1970, from the sandbox clock.
    public var time: Double
    public var accountID: String
    public var region: String
    /// Cost Explorer's SERVICE dimension value: `AWS AppSync`, `Amazon DynamoDB`, `AmazonCloudWatch`.
    public var service: String
    /// The USAGE_TYPE without its region prefix (`ReadRequestUnits`); the meter adds `APN1-` etc.
    public var usageType: String
    /// The OPERATION dimension (`GetItem`, `GraphQLQuery`…).
    public var operation: String
    /// The resource the usage belongs to; its tags attribute the cost.
    public var resourceARN: String?
    public var quantity: Double

    public init(time: Double, accountID: String, region: String, service: String, usageType: String,
                operation: String, resourceARN: String?, quantity: Double) {
        self.time = time
        self.accountID = accountID
        self.region = region
        self.service = service
        self.usageType = usageType
        self.operation = operation
        self.resourceARN = resourceARN
        self.quantity = quantity
    }
}

/// Where services report billable usage. Called on hot paths (every request, every real-time
/// message): implementations aggregate in memory and store in batches.
public protocol UsageMeter: Sendable {
    func record(_ usage: UsageRecord)
}

/// Meters nothing (unit tests, services built without Cost Explorer).
public struct DiscardingUsageMeter: UsageMeter {
    public init() {}
    public func record(_ usage: UsageRecord) {}
}
