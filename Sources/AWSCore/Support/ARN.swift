/// An Amazon Resource Name: `arn:partition:service:region:account-id:resource`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var accountID: String
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, accountID: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountID = accountID
        self.resource = resource
    }

    /// Parses `arn:…`; the resource part may itself contain colons.
    public init?(_ text: String) {
        // A scan of the UTF-8 view, no intermediate array: ARNs are parsed on per-request paths.
        let utf8 = text.utf8
        var cursor = utf8.startIndex
        func field() -> Substring? {
            guard let colon = utf8[cursor...].firstIndex(of: UInt8(ascii: ":")) else { return nil }
            defer { cursor = utf8.index(after: colon) }
            return text[cursor..<colon]
        }
        guard field() == "arn", let partition = field(), let service = field(), let region = field(), let account = field(),
              !partition.isEmpty, !service.isEmpty else { return nil }
        self.init(partition: String(partition), service: String(service), region: String(region),
                  accountID: String(account), resource: String(text[cursor...]))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(accountID):\(resource)" }
}
