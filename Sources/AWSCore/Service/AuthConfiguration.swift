/// How callers are identified and, in strict mode, authenticated.
public struct AuthConfiguration: Sendable {
    public struct AccessKey: Sendable {
        public var secretAccessKey: String
        public var accountID: String
        public init(secretAccessKey: String, accountID: String) {
            self.secretAccessKey = secretAccessKey
            self.accountID = accountID
        }
    }

    /// When true, requests must be SigV4-signed with a key in ``accessKeys``.
    public var verifySignatures: Bool
    public var accessKeys: [String: AccessKey]
    public var defaultAccountID: String
    public var defaultRegion: String

    public init(verifySignatures: Bool = false, accessKeys: [String: AccessKey] = [:],
                defaultAccountID: String = "123456789012", defaultRegion: String = "ap-northeast-1") {
        self.verifySignatures = verifySignatures
        self.accessKeys = accessKeys
        self.defaultAccountID = defaultAccountID
        self.defaultRegion = defaultRegion
    }

    /// The account an access key acts in: a configured key's account, a 12-digit key taken as
    /// the account id itself (so tests can act in several accounts), else the default.
    public func accountID(forAccessKey key: String?) -> String {
        guard let key else { return defaultAccountID }
        if let configured = accessKeys[key] { return configured.accountID }
        if key.utf8.count == 12, key.allSatisfy(\.isNumber) { return key }
        return defaultAccountID
    }
}
