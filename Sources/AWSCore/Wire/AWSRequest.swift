/// One HTTP request as the AWS layer sees it: no NIO or server types, so services and codecs
/// are testable without a socket.
public struct AWSRequest: Sendable {
    public var method: String
    /// The request target's path exactly as sent (still percent-encoded), used for SigV4.
    public var rawPath: String
    /// The raw query string without `?` (still percent-encoded).
    public var rawQuery: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The TCP peer's address (`127.0.0.1`), when known.
    public var remoteAddress: String?
    /// True when the request arrived over TLS.
    public var isSecure: Bool

    public init(method: String, target: String, headers: HTTPHeaders = .init(), body: [UInt8] = [],
                remoteAddress: String? = nil, isSecure: Bool = false) {
        self.method = method
        if let q = target.firstIndex(of: "?") {
            rawPath = String(target[..<q])
            rawQuery = String(target[target.index(after: q)...])
        } else {
            rawPath = target
            rawQuery = ""
        }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
    }

    /// The path with percent-escapes decoded.
    public var path: String { PercentEncoding.decode(rawPath) ?? rawPath }

    /// Query parameters in order, decoded (`+` stays `+`, as AWS treats it in query strings).
    public var queryItems: [(name: String, value: String)] { FormEncoding.decode(rawQuery, plusIsSpace: false) }

    public func queryValue(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// `host` without port, lowercased.
    public var hostName: String? {
        guard let host = headers["host"] else { return nil }
        if host.hasPrefix("[") { return host.split(separator: "]").first.map { String($0.dropFirst()) }?.lowercased() }
        return host.split(separator: ":").first.map { String($0).lowercased() }
    }
}

/// One HTTP reply from the AWS layer.
public struct AWSResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int = 200, headers: HTTPHeaders = .init(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ value: JSONValue, status: Int = 200, contentType: String = "application/json") -> AWSResponse {
        AWSResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: value.serialized())
    }

    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> AWSResponse {
        AWSResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }
}
