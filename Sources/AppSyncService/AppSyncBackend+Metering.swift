import AWSCore
import Foundation
import SandboxStorage

/// What AppSync bills, reported to the usage meter: query and mutation requests, real-time
/// updates (each message delivered, per 5 KB, and each connection) and connection minutes.
extension AppSyncBackend {
    static let serviceName = "AWS AppSync"

    func meterRequest(api: AppSyncAPIInfo) {
        recordUsage(api, usageType: "Requests", operation: "GraphQLRequest", quantity: 1)
    }

    func meterRealtimeUpdates(apiId: String, _ updates: Int) {
        guard let api = try? runtime(apiId: apiId)?.api else { return }
        recordUsage(api, usageType: "RealTimeUpdates", operation: "RealTimeMessage", quantity: Double(updates))
    }

    /// Starts metering one real-time connection; ``ConnectionMeter/close()`` records its minutes.
    func openConnectionMeter(apiId: String?) -> ConnectionMeter {
        let api = apiId.flatMap { try? runtime(apiId: $0)?.api }
        if let api { recordUsage(api, usageType: "RealTimeUpdates", operation: "RealTimeConnect", quantity: 1) }
        return ConnectionMeter(backend: self, api: api, openedAt: clock.now)
    }

    struct ConnectionMeter {
        let backend: AppSyncBackend
        let api: AppSyncAPIInfo?
        let openedAt: Date

        func close() {
            guard let api else { return }
            let minutes = backend.clock.now.timeIntervalSince(openedAt) / 60
            backend.recordUsage(api, usageType: "ConnectionMinutes", operation: "RealTimeConnection", quantity: minutes)
        }
    }

    fileprivate func recordUsage(_ api: AppSyncAPIInfo, usageType: String, operation: String, quantity: Double) {
        guard !(meter is DiscardingUsageMeter), !api.accountID.isEmpty else { return }
        meter.record(UsageRecord(time: clock.now.timeIntervalSince1970, accountID: api.accountID, region: api.region,
                                 service: Self.serviceName, usageType: usageType, operation: operation, resourceARN: api.arn, quantity: quantity))
    }
}
