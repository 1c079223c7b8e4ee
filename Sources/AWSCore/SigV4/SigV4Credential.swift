/// What a SigV4 `Authorization` header (or presigned `X-Amz-*` query) says about the caller.
///
/// `AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/dynamodb/aws4_request,
///  SignedHeaders=host;x-amz-date, Signature=…`
public struct SigV4Credential: Sendable, Equatable {
    public var accessKeyID: String
    public var date: String
    public var region: String
    public var service: String
    public var signedHeaders: [String]
    public var signature: String

    public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    public enum ParseError: Error, Equatable {
        /// The header is not SigV4 at all (another scheme).
        case notSigV4
        /// SigV4, but malformed; the text is the reason AWS would give.
        case malformed(String)
    }

    /// Parses an `Authorization` header value. Runs on every request, so it scans bytes once
    /// rather than splitting and trimming strings.
    public static func parse(authorization: String) throws(ParseError) -> SigV4Credential {
        let prefix = "AWS4-HMAC-SHA256"
        guard authorization.hasPrefix(prefix) else { throw .notSigV4 }
        var credential: String?, signedHeaders: String?, signature: String?
        let bytes = authorization.utf8
        var i = bytes.index(bytes.startIndex, offsetBy: prefix.utf8.count)
        while i < bytes.endIndex {
            while i < bytes.endIndex, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ",") { i = bytes.index(after: i) }
            let keyStart = i
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: "=") { i = bytes.index(after: i) }
            guard i < bytes.endIndex else { break }
            let key = bytes[keyStart..<i]
            i = bytes.index(after: i)
            let valueStart = i
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: ",") { i = bytes.index(after: i) }
            var valueEnd = i
            while valueEnd > valueStart, bytes[bytes.index(before: valueEnd)] == UInt8(ascii: " ") { valueEnd = bytes.index(before: valueEnd) }
            let value = String(Substring(bytes[valueStart..<valueEnd]))
            if key.elementsEqual("Credential".utf8) { credential = value }
            else if key.elementsEqual("SignedHeaders".utf8) { signedHeaders = value }
            else if key.elementsEqual("Signature".utf8) { signature = value }
        }
        guard let credential else {
            throw .malformed("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
        }
        guard let signedHeaders else { throw .malformed("Authorization header requires 'SignedHeaders' parameter.") }
        guard let signature else { throw .malformed("Authorization header requires 'Signature' parameter.") }
        return try make(credential: credential, signedHeaders: signedHeaders, signature: signature)
    }

    /// Parses presigned-URL parameters (`X-Amz-Credential`, `X-Amz-SignedHeaders`, `X-Amz-Signature`).
    public static func parse(query: [(name: String, value: String)]) throws(ParseError) -> SigV4Credential {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        guard value("X-Amz-Algorithm") == "AWS4-HMAC-SHA256", let credential = value("X-Amz-Credential") else { throw .notSigV4 }
        return try make(credential: credential, signedHeaders: value("X-Amz-SignedHeaders") ?? "host",
                        signature: value("X-Amz-Signature") ?? "")
    }

    private static func make(credential: String, signedHeaders: String, signature: String) throws(ParseError) -> SigV4Credential {
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else {
            throw .malformed("Credential should be scoped to a valid region. ")
        }
        return SigV4Credential(accessKeyID: scope[0], date: scope[1], region: scope[2], service: scope[3],
                               signedHeaders: signedHeaders.split(separator: ";").map { name in
                                   name.utf8.contains { $0 >= 65 && $0 <= 90 } ? name.lowercased() : String(name)
                               },
                               signature: signature)
    }
}
