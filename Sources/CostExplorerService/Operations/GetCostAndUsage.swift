import AWSCore
import Foundation

extension CostExplorerService {
    @Sendable func getCostAndUsage(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let period = try TimePeriod.parse(input)
        let granularity = try Granularity.parse(input)
        let metrics = try Metric.parseList(input)
        let groups = try GroupDefinition.parse(input)
        let filter = try self.filter(input)
        try validate(period, granularity)

        let lines = try await self.lines(context, in: period, filter: filter)
        let unitByUsageType = groups.contains { if case .dimension(.usageType) = $0 { true } else { false } }
        var results: [JSONValue] = []
        for bucket in granularity.buckets(period) {
            let inBucket = lines.filter { Double($0.hour) >= bucket.start.timeIntervalSince1970 && Double($0.hour) < bucket.end.timeIntervalSince1970 }
            var result: JSONObject = ["TimePeriod": bucket.json]
            if groups.isEmpty {
                result["Total"] = metricValues(metrics, inBucket, quantityUnit: "N/A")
                result["Groups"] = []
            } else {
                var grouped: [[String]: [UsageLine]] = [:]
                var order: [[String]] = []
                for line in inBucket {
                    let keys = groups.map { $0.key(of: line) }
                    if grouped[keys] == nil { order.append(keys) }
                    grouped[keys, default: []].append(line)
                }
                result["Total"] = .object(JSONObject())
                result["Groups"] = .array(order.sorted { $0.joined(separator: "\u{0}") < $1.joined(separator: "\u{0}") }.map { keys -> JSONValue in
                    let members = grouped[keys]!
                    let unit = unitByUsageType ? prices.price(usageType: members[0].usageType, region: members[0].region)?.unit ?? "N/A" : "N/A"
                    return ["Keys": .array(keys.map(JSONValue.string)), "Metrics": metricValues(metrics, members, quantityUnit: unit)]
                })
            }
            result["Estimated"] = .bool(estimated(bucket))
            results.append(.object(result))
        }
        var out = JSONObject()
        if !groups.isEmpty { out["GroupDefinitions"] = .array(groups.map(\.json)) }
        out["ResultsByTime"] = .array(results)
        out["DimensionValueAttributes"] = []
        return .object(out)
    }

    func metricValues(_ metrics: [(name: String, metric: Metric)], _ lines: [UsageLine], quantityUnit: String) -> JSONValue {
        var o = JSONObject()
        for (name, metric) in metrics {
            switch metric {
            case .usageQuantity:
                o[name] = ["Amount": .string(Self.amount(lines.reduce(0) { $0 + $1.quantity })), "Unit": .string(quantityUnit)]
            case .normalizedUsageAmount:
                o[name] = ["Amount": "0", "Unit": "N/A"]
            default:
                o[name] = ["Amount": .string(Self.amount(lines.reduce(0) { $0 + cost($1) })), "Unit": "USD"]
            }
        }
        return .object(o)
    }

    /// The period checks Cost Explorer makes, with its messages.
    func validate(_ period: TimePeriod, _ granularity: Granularity) throws {
        guard period.start < period.end else {
            throw CostExplorerError.validation("Start date (and hour) should be before end date (and hour)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let nextMonth = calendar.dateInterval(of: .month, for: now)!.end
        guard period.end <= nextMonth else { throw CostExplorerError.validation("end date past the beginning of next month") }
        if granularity == .hourly, period.start < calendar.startOfDay(for: now).addingTimeInterval(-14 * 86400) {
            throw CostExplorerError.validation("start date is too old for hourly, the max supported days for hourly granularity is 14 days.")
        }
    }
}
