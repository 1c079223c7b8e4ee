import Foundation

/// IP literals as network-order bytes, and back.
public enum IPAddress {
    /// The bytes of an IPv4 (4) or IPv6 (16) literal, or nil for anything else (a host name).
    public static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The text form of 4 or 16 address bytes (`10.0.1.0`, `2001:db8::`).
    public static func string(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes.prefix(16)) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }
}
