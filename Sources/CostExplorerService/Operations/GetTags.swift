import AWSCore

extension CostExplorerService {
    /// Without `TagKey`: the tag keys used in the period; with it, that key's values.
    @Sendable func getTags(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let period = try TimePeriod.parse(input)
        guard period.start < period.end else {
            throw CostExplorerError.validation("Start date (and hour) should be before end date (and hour)")
        }
        let key = try input.string("TagKey")
        let search = try input.string("SearchString")?.lowercased()
        let lines = try await self.lines(context, in: period, filter: try filter(input))
        let found = lines.flatMap { line -> [String] in
            if let key { return line.tags[key].map { [$0] } ?? [] }
            return Array(line.tags.keys)
        }
        let tags = Set(found).filter { search.map($0.lowercased().contains) ?? true }.sorted()
        let limited = try input.int("MaxResults").map { Array(tags.prefix(max(1, $0))) } ?? tags
        return ["Tags": .array(limited.map(JSONValue.string)), "ReturnSize": .int(limited.count), "TotalSize": .int(tags.count)]
    }
}
