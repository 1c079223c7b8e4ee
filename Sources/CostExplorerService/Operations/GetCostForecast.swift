import AWSCore
import Foundation

extension CostExplorerService {
    static let forecastMetrics = ["AMORTIZED_COST", "BLENDED_COST", "NET_AMORTIZED_COST", "NET_UNBLENDED_COST", "UNBLENDED_COST"]

    /// Extrapolates the average daily cost of the days with recorded usage (the last 30 at most):
    /// a sandbox run stands for a day of usage, so a forecast reads as "every day like the run".
    @Sendable func getCostForecast(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let period = try TimePeriod.parse(input)
        guard let rawMetric = try input.string("Metric") else { throw CostExplorerError.constraint(nil, at: "metric", "Member must not be null") }
        guard Self.forecastMetrics.contains(rawMetric) || Self.forecastMetrics.contains(rawMetric.uppercased()) else {
            throw CostExplorerError.enumConstraint(rawMetric, at: "metric", Self.forecastMetrics + ["USAGE_QUANTITY", "NORMALIZED_USAGE_AMOUNT"])
        }
        let granularity = try Granularity.parse(input, allowed: [.daily, .monthly])
        let level = try input.int("PredictionIntervalLevel") ?? 80
        guard (51...99).contains(level) else {
            throw CostExplorerError.constraint(String(level), at: "predictionIntervalLevel", "Member must have value between 51 and 99")
        }
        let startText = TimePeriod(start: period.start, end: period.end, hasTime: false)
        guard period.start < period.end else {
            throw CostExplorerError.validation("Requested Start: \(startText.text(period.start)) must be before requested End: \(startText.text(period.end))")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        guard period.start >= today else {
            throw CostExplorerError.validation("Start date must be equal to or later than the current date: \(startText.text(today))")
        }
        let history = TimePeriod(start: today.addingTimeInterval(-30 * 86400), end: today.addingTimeInterval(86400), hasTime: false)
        let lines = try await self.lines(context, in: history, filter: try filter(input))
        let days = Set(lines.map { $0.hour / 86400 })
        guard !days.isEmpty else {
            throw CostExplorerError.dataUnavailable("Insufficient amount of historical data to generate forecast.")
        }
        let daily = lines.reduce(0) { $0 + cost($1) } / Double(days.count)
        // A symmetric band that widens with the requested confidence.
        let spread = Double(level) / 100 * 0.5
        var total = 0.0
        let results: [JSONValue] = granularity.buckets(period).map { bucket -> JSONValue in
            let mean = daily * bucket.end.timeIntervalSince(bucket.start) / 86400
            total += mean
            return ["TimePeriod": bucket.json, "MeanValue": .string(Self.amount(mean)),
                    "PredictionIntervalLowerBound": .string(Self.amount(mean * (1 - spread))),
                    "PredictionIntervalUpperBound": .string(Self.amount(mean * (1 + spread)))]
        }
        return ["Total": ["Amount": .string(Self.amount(total)), "Unit": "USD"], "ForecastResultsByTime": .array(results)]
    }
}
