#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Random version-4 UUIDs as lowercase text, the form AWS prints request ids, stack ids and the like in.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on Linux, and the system
/// generator is one `getrandom` call per 8 bytes; this takes 16 bytes at a time from a buffer that
/// one read refills every 256 UUIDs, and writes the text directly: per-request paths
/// make several.
public enum RandomUUID {
    public static func lowercased() -> String {
        let (high, low) = pool.withLock { $0.next() }
        // Version 4 (random) in the high nibble of byte 6, the RFC 4122 variant in byte 8.
        let words = (high & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000, low & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000)
        return String(unsafeUninitializedCapacity: 36) { text in
            var count = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[count] = UInt8(ascii: "-")
                    count += 1
                }
                let value = UInt8(truncatingIfNeeded: (nibble < 16 ? words.0 : words.1) >> UInt64(60 - 4 * (nibble % 16))) & 0xF
                text[count] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                count += 1
            }
            return count
        }
    }

    private static let pool = Mutex(RandomPool())

    /// Random words read from the system 512 at a time.
    private struct RandomPool: ~Copyable {
        #if !canImport(Darwin)
        /// Opened once; the C library here does not declare `getrandom`.
        private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        #endif
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used == words.count {
                words.withUnsafeMutableBytes { bytes in
                    #if canImport(Darwin)
                    arc4random_buf(bytes.baseAddress, bytes.count)
                    #else
                    var filled = 0
                    while filled < bytes.count {
                        let n = read(Self.urandom, bytes.baseAddress! + filled, bytes.count - filled)
                        if n > 0 { filled += n } else { precondition(n < 0 && errno == EINTR, "/dev/urandom cannot be read") }
                    }
                    #endif
                }
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }
    }
}

/// Request ids in the form AWS services print them (a lowercase UUID).
public enum RequestID {
    public static func make() -> String { RandomUUID.lowercased() }
}
