public import AWSCore
import Foundation
import SandboxStorage

/// What DynamoDB bills, reported to the usage meter: request units of on-demand tables as they
/// are consumed (the same units `ReturnConsumedCapacity` reports), and, sampled, storage and the
/// capacity-hours of provisioned tables.
extension DynamoDBService {
    static let serviceName = "Amazon DynamoDB"

    /// Records request units on an on-demand table (provisioned tables pay for capacity-hours instead).
    func meterRequestUnits(_ capacity: Capacity, read: Bool, table name: String) {
        guard metersUsage, capacity.total > 0, let table = cachedTable(name), table.billingMode == "PAY_PER_REQUEST" else { return }
        meter.record(UsageRecord(time: clock.now.timeIntervalSince1970, accountID: table.accountID, region: table.region,
                                 service: Self.serviceName, usageType: read ? "ReadRequestUnits" : "WriteRequestUnits",
                                 operation: "PayPerRequestThroughput", resourceARN: table.arn, quantity: capacity.total))
    }

    /// A conditional write whose condition fails still consumes write units: the existing item's size, at least 1.
    func meterFailedConditionalWrite(_ old: ItemStore.StoredItem?, table name: String) {
        meterRequestUnits(Capacity(table: Self.writeUnits(old?.size ?? 0)), read: false, table: name)
    }

    /// Records `seconds` of each table's storage (GB-months, with DynamoDB's 100 bytes per item
    /// and per index entry) and of provisioned tables' capacity (unit-hours).
    public func meterStorage(over seconds: Double) throws {
        guard metersUsage, seconds > 0 else { return }
        let now = clock.now
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let monthSeconds = calendar.dateInterval(of: .month, for: now)!.duration
        let tables = allTableNames().compactMap(cachedTable)
        let stats = try database.read { db in try tables.map { try ItemStore.stats(db, $0) } }
        for (table, stat) in zip(tables, stats) {
            var bytes = Double(stat.sizeBytes + 100 * stat.itemCount)
            for (_, index) in stat.indexStats { bytes += Double(index.size + 100 * index.count) }
            func record(_ usageType: String, _ operation: String, _ quantity: Double) {
                guard quantity > 0 else { return }
                meter.record(UsageRecord(time: now.timeIntervalSince1970, accountID: table.accountID, region: table.region,
                                         service: Self.serviceName, usageType: usageType, operation: operation,
                                         resourceARN: table.arn, quantity: quantity))
            }
            record("TimedStorage-ByteHrs", "StandardStorage", bytes / 1_073_741_824 * seconds / monthSeconds)
            if table.billingMode == "PROVISIONED" {
                record("ReadCapacityUnit-Hrs", "CommittedThroughput", Double(table.readCapacity) * seconds / 3600)
                record("WriteCapacityUnit-Hrs", "CommittedThroughput", Double(table.writeCapacity) * seconds / 3600)
            }
        }
    }
}

/// Samples table storage and provisioned capacity for the meter on a fixed period.
public struct StorageMeterSampler: BackgroundTask {
    public let service: DynamoDBService
    public let period: Duration
    public let name = "dynamodb-storage-meter"

    public init(service: DynamoDBService, period: Duration = .seconds(60)) {
        self.service = service
        self.period = period
    }

    public func run() async throws {
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            if Task.isCancelled { break }
            try? service.meterStorage(over: seconds)
        }
    }
}
