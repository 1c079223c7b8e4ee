import Foundation
import Testing
import X509
import SwiftASN1
@testable import SandboxServer

@Suite struct CertificateAuthorityTests {
    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func createdOnceThenReused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try LocalCertificateAuthority.loadOrCreate(in: dir)
        let second = try LocalCertificateAuthority.loadOrCreate(in: dir)
        #expect(first.certificate == second.certificate)
        #expect(first.certificatePath == dir + "/ca.pem")
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: dir + "/ca-key.pem")
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try first.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
    }

    @Test func serverCertificateCoversNamesAndChainsToCA() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ca = try LocalCertificateAuthority.loadOrCreate(in: dir)
        let (certificate, _) = try ca.issueServerCertificate(for: ["localhost", "127.0.0.1", "::1", "mesh.example.test"])
        #expect(certificate.issuer == ca.certificate.subject)
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.dnsName("mesh.example.test")))
        #expect(names.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))
        #expect(names.contains(.ipAddress(.init(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))))
        #expect(ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.authorityKeyIdentifier?.keyIdentifier == ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
    }
}
