/// The limits every tag obeys, in both APIs; each wraps the violation in its own error.
enum TagRules {
    static let maxKeyLength = 128, maxValueLength = 256, maxTagsPerResource = 50

    /// What is wrong with these tags (`member` names them in the message), or nil.
    static func violation(_ tags: [(key: String, value: String)], member: String) -> String? {
        for (key, value) in tags {
            if key.isEmpty || key.count > maxKeyLength {
                return "1 validation error detected: Value '\(key)' at '\(member)' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to \(maxKeyLength), Member must have length greater than or equal to 1]"
            }
            if value.count > maxValueLength {
                return "1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to \(maxValueLength)]"
            }
            if key.lowercased().hasPrefix("aws:") { return "Tag keys must not start with 'aws:'" }
        }
        return tags.count > maxTagsPerResource ? "Tag count exceeds the maximum of \(maxTagsPerResource) tags per resource" : nil
    }
}
