/// Tags kept as an ordered list of `{Key, Value}`, the shape most AWS APIs use: one merge rule
/// and one stored form for every service that keeps its tags this way.
public enum TagList {
    /// Adds or replaces tags; a replaced key moves to the end, as a fresh tag would.
    public static func merge(_ tags: [(key: String, value: String)], into current: inout [(key: String, value: String)]) {
        for (key, value) in tags {
            current.removeAll { $0.key == key }
            current.append((key, value))
        }
    }

    /// `[{"Key": …, "Value": …}]`.
    public static func json(_ tags: [(key: String, value: String)]) -> JSONValue {
        .array(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })
    }

    /// Reads what ``json(_:)`` wrote (stored as text); anything else is no tags.
    public static func parse(_ text: String?) -> [(key: String, value: String)] {
        ((try? JSONParser.parse(text ?? "[]"))?.arrayValue ?? []).compactMap { tag in
            tag["Key"]?.stringValue.map { ($0, tag["Value"]?.stringValue ?? "") }
        }
    }
}
