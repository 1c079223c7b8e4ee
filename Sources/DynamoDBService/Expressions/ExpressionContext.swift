import AWSCore

/// The `#name` and `:value` placeholders of one request, shared by all its expressions, with
/// the sets actually used so unused ones can be rejected as AWS does.
final class ExpressionContext {
    let names: [String: String]
    let values: [String: AttributeValue]
    let namesProvided: Bool
    let valuesProvided: Bool
    var usedNames = Set<String>()
    var usedValues = Set<String>()

    init(names namesJSON: JSONObject?, values valuesJSON: JSONObject?) throws(DynamoDBError) {
        var names: [String: String] = [:]
        if let namesJSON {
            if namesJSON.isEmpty { throw .validation("ExpressionAttributeNames must not be empty") }
            for (k, v) in namesJSON {
                guard k.hasPrefix("#"), k.count > 1 else {
                    throw .validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"\(k)\"")
                }
                guard case .string(let s) = v else {
                    throw .serialization("Unexpected value type for ExpressionAttributeNames: expected string, got \(v.kindName)")
                }
                if s.isEmpty {
                    throw .validation("ExpressionAttributeNames contains invalid value: Empty attribute name for key \(k)")
                }
                names[k] = s
            }
        }
        var values: [String: AttributeValue] = [:]
        if let valuesJSON {
            if valuesJSON.isEmpty { throw .validation("ExpressionAttributeValues must not be empty") }
            for (k, v) in valuesJSON {
                guard k.hasPrefix(":"), k.count > 1 else {
                    throw .validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"\(k)\"")
                }
                do {
                    values[k] = try AttributeValue.parse(v)
                } catch let error {
                    if case .validation(let m) = error {
                        throw .validation("ExpressionAttributeValues contains invalid value: \(m) for key \(k)")
                    }
                    throw error
                }
            }
        }
        self.names = names
        self.values = values
        namesProvided = namesJSON != nil
        valuesProvided = valuesJSON != nil
    }

    /// AWS rejects placeholders no expression used (names first, then values).
    func checkAllUsed() throws(DynamoDBError) {
        let unusedNames = Set(names.keys).subtracting(usedNames)
        if !unusedNames.isEmpty {
            throw .validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.sorted().joined(separator: ", "))}")
        }
        let unusedValues = Set(values.keys).subtracting(usedValues)
        if !unusedValues.isEmpty {
            throw .validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.sorted().joined(separator: ", "))}")
        }
    }
}
