public import AWSCore
import Foundation
import SandboxStorage

/// AWS Cost Explorer (awsJson 1.1, `X-Amz-Target: AWSInsightsIndexService.<Op>`, signing name
/// `ce`, endpoint region us-east-1): answers from the usage the sandbox's services metered into
/// ``CostMeter``, priced by ``PriceTable``. Cost Explorer is account-wide, so every region's
/// usage of the caller's account is reported.
public final class CostExplorerService: AWSService {
    public let signingName = "ce"
    public let bindings: [ProtocolBinding] = [.json(version: "1.1", targetPrefix: "AWSInsightsIndexService", errorNamespace: nil)]

    let meter: CostMeter

    public init(meter: CostMeter) {
        self.meter = meter
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("GetCostAndUsage", handler: getCostAndUsage),
            AWSOperation("GetDimensionValues", handler: getDimensionValues),
            AWSOperation("GetTags", handler: getTags),
            AWSOperation("GetCostForecast", handler: getCostForecast),
        ]
    }

    var prices: PriceTable { meter.prices }
    var now: Date { meter.clock.now }

    /// Stored usage of the caller's account in `period`, everything recorded so far included.
    func lines(_ context: AWSRequestContext, in period: TimePeriod, filter: FilterExpression? = nil) async throws -> [UsageLine] {
        try await meter.flush()
        let start = Int64((period.start.timeIntervalSince1970 / 3600).rounded(.down)) * 3600
        let lines = try meter.store.lines(accountID: context.accountID, from: start, to: Int64(period.end.timeIntervalSince1970.rounded(.up)))
        guard let filter else { return lines }
        return lines.filter(filter.matches)
    }

    func cost(_ line: UsageLine) -> Double {
        (prices.price(usageType: line.usageType, region: line.region)?.usd ?? 0) * line.quantity
    }

    func filter(_ input: OperationInput) throws -> FilterExpression? {
        try input["Filter"].map { try FilterExpression.parse($0) }
    }

    /// Amounts as Cost Explorer writes them: decimal text, at most ten places, no trailing zeros.
    static func amount(_ value: Double) -> String {
        guard value != 0 else { return "0" }
        var text = String(format: "%.10f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// Whether a period's figures may still change: it reaches into the current month.
    func estimated(_ period: TimePeriod) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return period.end > calendar.dateInterval(of: .month, for: now)!.start
    }
}
