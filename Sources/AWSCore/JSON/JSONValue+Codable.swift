/// Lets records that embed JSON trees be persisted with `JSONEncoder`/`JSONDecoder`: the tree
/// is stored as its JSON text, which keeps member order and exact number text (a `.timestamp`
/// comes back as its epoch-seconds number). This is a storage form, not a wire form: replies
/// are written with ``JSONValue/serialized()``.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try JSONParser.parse(text, limits: .init(maxDepth: 512))
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(serializedString())
    }
}
