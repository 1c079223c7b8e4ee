import Crypto
import Foundation

/// Recomputes a SigV4 signature the way AWS does and compares it with the one sent.
public struct SigV4Verifier: Sendable {
    public init() {}

    /// The canonical request for `request` as signed by `credential` (exposed for tests and
    /// for the error detail AWS prints).
    public func canonicalRequest(_ request: AWSRequest, credential: SigV4Credential) -> String {
        let canonicalURI = request.rawPath.isEmpty ? "/" : PercentEncoding.encode(request.rawPath, keepSlash: true)
        let encodedPairs: [(String, String)] = FormEncoding.decode(request.rawQuery, plusIsSpace: false)
            .filter { $0.name != "X-Amz-Signature" }
            .map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
        let sortedPairs = encodedPairs.sorted { a, b in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        let canonicalQuery = sortedPairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonicalHeaders = credential.signedHeaders.map { name in
            let values = request.headers.values(name).map { Self.collapseSpaces($0) }
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        let payloadHash = request.headers["x-amz-content-sha256"] ?? Self.hex(SHA256.hash(data: request.body))
        return [request.method, canonicalURI, canonicalQuery, canonicalHeaders, credential.signedHeaders.joined(separator: ";"), payloadHash]
            .joined(separator: "\n")
    }

    /// The signature AWS would compute with `secretKey`.
    public func signature(_ request: AWSRequest, credential: SigV4Credential, secretKey: String) -> String {
        let amzDate = request.headers["x-amz-date"] ?? request.queryValue("X-Amz-Date") ?? request.headers["date"] ?? ""
        let canonical = canonicalRequest(request, credential: credential)
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, credential.scope, Self.hex(SHA256.hash(data: Array(canonical.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(secretKey)".utf8))
        for part in [credential.date, credential.region, credential.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    public func isValid(_ request: AWSRequest, credential: SigV4Credential, secretKey: String) -> Bool {
        let expected = Array(signature(request, credential: credential, secretKey: secretKey).utf8)
        let given = Array(credential.signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func collapseSpaces(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
