import AWSCore

/// One tag filter, as both APIs read it: the resource carries `key` and, when values are given,
/// one of them. Filters of one request must all match.
struct TagFilter: Sendable, Equatable {
    var key: String
    var values: [String]

    func matches(_ tags: [(key: String, value: String)]) -> Bool {
        tags.contains { $0.key == key && (values.isEmpty || values.contains($0.value)) }
    }
}

extension TaggedResource {
    func matches(_ filters: [TagFilter]) -> Bool { filters.allSatisfy { $0.matches(tags) } }

    var tagList: JSONValue { TagList.json(tags) }
}
