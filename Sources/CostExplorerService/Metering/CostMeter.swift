public import AWSCore
import Foundation
public import SandboxStorage

/// The sandbox's usage meter: services call ``record(_:)`` on their hot paths; quantities add up
/// in memory per hour and usage key, and ``flush()`` stores them with the tags each resource has
/// at that moment (Cost Explorer attributes usage to the tags a resource had when it was used).
public final class CostMeter: UsageMeter, @unchecked Sendable {
    typealias Key = UsageKey

    public static let migrations = CostStore.migrations

    let store: CostStore
    let prices: PriceTable
    public let clock: any SandboxClock
    private let lock = NSLock()
    private var pending: [Key: Double] = [:]
    /// Where tags come from; set once the services that own resources exist (they need the meter first).
    private var registry = ResourceRegistry(sources: [])

    public init(database: SQLiteDatabase, clock: any SandboxClock, prices: PriceTable = .standard) throws {
        try database.migrate(CostStore.migrations)
        store = CostStore(database: database)
        self.clock = clock
        self.prices = prices
    }

    /// Attributes usage flushed from now on to the tags `registry` reports.
    public func attribute(to registry: ResourceRegistry) {
        lock.withLock { self.registry = registry }
    }

    public func record(_ usage: UsageRecord) {
        guard usage.quantity > 0 else { return }
        let key = Key(hour: Int64((usage.time / 3600).rounded(.down)) * 3600, accountID: usage.accountID, region: usage.region,
                      service: usage.service, usageType: usage.usageType, operation: usage.operation,
                      resourceARN: usage.resourceARN ?? "")
        lock.withLock { pending[key, default: 0] += usage.quantity }
    }

    /// Stores everything recorded so far (periodically, before answering a query, at shutdown).
    public func flush() async throws {
        let batch = lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        let registry = lock.withLock { self.registry }
        var tags: [String: [String: String]] = [:]
        let scopes = Set(batch.keys.map { [$0.accountID, $0.region] })
        for scope in scopes {
            // A source that fails must not lose the usage: it is stored untagged.
            for resource in (try? await registry.resources(accountID: scope[0], region: scope[1])) ?? [] {
                tags[resource.arn] = Dictionary(resource.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            }
        }
        let lines = batch.map { key, quantity in
            var billed = key
            billed.usageType = prices.billedUsageType(key.usageType, region: key.region)
            return UsageLine(key: billed, tags: tags[key.resourceARN] ?? tags[key.resourceARN + ":*"] ?? [:], quantity: quantity)
        }
        try store.add(lines)
    }

    /// Forgets unflushed usage (after `POST /_sandbox/reset` deleted the stored lines).
    public func discardPending() {
        lock.withLock { pending.removeAll() }
    }
}

/// Flushes the meter on a fixed period for the server's lifetime, and once more on shutdown.
public struct CostMeterFlusher: BackgroundTask {
    public let meter: CostMeter
    public let period: Duration
    public let name = "cost-meter-flusher"

    public init(meter: CostMeter, period: Duration = .seconds(10)) {
        self.meter = meter
        self.period = period
    }

    public func run() async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            try? await meter.flush()
        }
        try? await meter.flush()
    }
}
