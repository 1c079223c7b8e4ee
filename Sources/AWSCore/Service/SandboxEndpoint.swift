import Foundation

/// Where clients reach this sandbox, for URLs services hand out (AppSync `uris`,
/// CloudFormation outputs). Known once the port is bound.
public final class SandboxEndpoint: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int
    /// The host name URLs use: `localhost`, which the TLS certificate covers and which
    /// certificate-verifying clients (faye-websocket, browsers) accept.
    public let host: String

    public init(host: String = "localhost", port: Int = 4566) {
        self.host = host
        self.port = port
    }

    public func bind(port: Int) { lock.withLock { self.port = port } }

    public var boundPort: Int { lock.withLock { port } }

    /// `https://localhost:4566` (or `http://…`).
    public func baseURL(secure: Bool = true) -> String {
        "\(secure ? "https" : "http")://\(host):\(boundPort)"
    }
}
