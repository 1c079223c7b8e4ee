import AWSCore
import Foundation
import SandboxStorage

/// What AppSync bills, reported to the usage meter: query and mutation requests, real-time
/// updates (each message delivered, per 5 KB, and each connection) and connection minutes.
extension AppSyncBackend {
    static let serviceName = "AWS AppSync"

    func meterRequest(api: AppSyncAPIInfo) {
        recordUsage(api.arn, usageType: "Requests", operation: "GraphQLRequest", quantity: 1)
    }

    func meterRealtimeUpdates(apiId: String, _ updates: Int) {
        guard let arn = try? runtime(apiId: apiId)?.api.arn else { return }
        recordUsage(arn, usageType: "RealTimeUpdates", operation: "RealTimeMessage", quantity: Double(updates))
    }

    /// Starts metering one real-time connection; ``ConnectionMeter/close()`` records its minutes.
    func openConnectionMeter(apiId: String?) -> ConnectionMeter {
        let arn = apiId.flatMap { try? runtime(apiId: $0)?.api.arn }
        if let arn { recordUsage(arn, usageType: "RealTimeUpdates", operation: "RealTimeConnect", quantity: 1) }
        return ConnectionMeter(backend: self, arn: arn, openedAt: clock.now)
    }

    struct ConnectionMeter {
        let backend: AppSyncBackend
        let arn: String?
        let openedAt: Date

        func close() {
            guard let arn else { return }
            let minutes = backend.clock.now.timeIntervalSince(openedAt) / 60
            backend.recordUsage(arn, usageType: "ConnectionMinutes", operation: "RealTimeConnection", quantity: minutes)
        }
    }

    fileprivate func recordUsage(_ arn: String, usageType: String, operation: String, quantity: Double) {
        guard !(meter is DiscardingUsageMeter), let parsed = ARN(arn) else { return }
        meter.record(UsageRecord(time: clock.now.timeIntervalSince1970, accountID: parsed.accountID, region: parsed.region,
                                 service: Self.serviceName, usageType: usageType, operation: operation, resourceARN: arn, quantity: quantity))
    }
}
