import AWSCore
import Crypto
import Foundation
import SwiftASN1
import X509

/// The sandbox's own certificate authority, created once and kept in the data directory so
/// that a user trusts it once (`SSL_CERT_FILE`, `AWS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, or the
/// system store), and a server certificate it signs at every start for the names in use.
public struct LocalCertificateAuthority: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey
    /// Where `ca.pem` lives.
    public let certificatePath: String

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// Loads `ca.pem` / `ca-key.pem` from `directory`, or creates and writes them.
    public static func loadOrCreate(in directory: String) throws -> LocalCertificateAuthority {
        let certPath = (directory as NSString).appendingPathComponent("ca.pem")
        let keyPath = (directory as NSString).appendingPathComponent("ca-key.pem")
        let fm = FileManager.default
        if fm.fileExists(atPath: certPath), fm.fileExists(atPath: keyPath) {
            let certificate = try Certificate(pemEncoded: String(contentsOfFile: certPath, encoding: .utf8))
            let key = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
            return LocalCertificateAuthority(certificate: certificate, privateKey: key, certificatePath: certPath)
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("mesh-sandbox")
            CommonName("mesh-sandbox local CA (\(ProcessInfo.processInfo.hostName))")
        }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: publicKey,
            notValidBefore: now - 86_400, notValidAfter: now + 10 * 365 * 86_400,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: .init(key))
        // The key is written first and only readable by its owner; the certificate is public.
        fm.createFile(atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        try certificate.serializeAsPEM().pemString.write(toFile: certPath, atomically: true, encoding: .utf8)
        return LocalCertificateAuthority(certificate: certificate, privateKey: key, certificatePath: certPath)
    }

    /// A fresh server certificate for `names` (DNS names or IP literals), signed by this CA.
    public func issueServerCertificate(for names: [String]) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let now = Date()
        let alternativeNames: [GeneralName] = names.map { name in
            if let ip = IPAddress.bytes(of: name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip))) }
            return .dnsName(name)
        }
        let authorityKeyID = (try? certificate.extensions.subjectKeyIdentifier)??.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: publicKey,
            notValidBefore: now - 3_600, notValidAfter: now + 365 * 86_400,
            issuer: self.certificate.subject,
            subject: try DistinguishedName { OrganizationName("mesh-sandbox"); CommonName(names.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            },
            issuerPrivateKey: .init(privateKey))
        return (certificate, key)
    }
}

extension Certificate {
    func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
