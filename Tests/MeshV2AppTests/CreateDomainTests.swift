import Testing
@testable import MeshV2App

/// The vectors of mesh-v2-behavior.md §5.1, computed with Ruby's `Zlib.crc32`.
@Suite struct CreateDomainTests {
    @Test(arguments: [
        ("default-secret-key", "127.0.0.1", "e34158cb"),
        ("default-secret-key", "none", "4d52950"),
        ("default-secret-key", "203.0.113.5", "a7b6b6d5"),
        ("default-secret-key", "10.0.0.33", "2326f45"),
        ("test-secret-key", "192.168.1.1", "93cf1fd3"),
        ("test-secret-key", "none", "ff11b11f"),
        ("dev-secret-key-for-testing", "127.0.0.1", "656b7986"),
    ])
    func crc32VectorsHold(secret: String, ip: String, expected: String) {
        #expect(String(CRC32.checksum(Array((secret + ip).utf8)), radix: 16) == expected)
    }
}
