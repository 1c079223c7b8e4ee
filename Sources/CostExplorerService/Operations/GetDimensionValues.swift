import AWSCore

extension CostExplorerService {
    @Sendable func getDimensionValues(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let period = try TimePeriod.parse(input)
        let dimension = try Dimension.parse(try input.string("Dimension"), at: "dimension")
        if let raw = try input.string("Context"), !["COST_AND_USAGE", "RESERVATIONS", "SAVINGS_PLANS"].contains(raw) {
            throw CostExplorerError.enumConstraint(raw, at: "context", ["COST_AND_USAGE", "RESERVATIONS", "SAVINGS_PLANS"])
        }
        guard period.start < period.end else {
            throw CostExplorerError.validation("Start date (and hour) should be before end date (and hour)")
        }
        let search = try input.string("SearchString")?.lowercased()
        let lines = try await self.lines(context, in: period, filter: try filter(input))
        let values = Set(lines.map { dimension.value(of: $0) }).filter { !$0.isEmpty && (search.map($0.lowercased().contains) ?? true) }.sorted()
        let limited = try input.int("MaxResults").map { Array(values.prefix(max(1, $0))) } ?? values
        return [
            "DimensionValues": .array(limited.map { value in
                ["Value": .string(value), "Attributes": dimension == .linkedAccount ? ["description": .string(value)] : [:]]
            }),
            "ReturnSize": .int(limited.count),
            "TotalSize": .int(values.count),
        ]
    }
}
