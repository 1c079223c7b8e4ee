/// Random version-4 UUIDs as lowercase text, the form AWS prints request ids, stack ids and the like in.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on Linux; this draws from the
/// system generator (`getrandom`) and writes the text directly, which matters on per-request paths.
public enum RandomUUID {
    public static func lowercased() -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 4 (random) in the high nibble of byte 6, the RFC 4122 variant in byte 8.
        let words = [generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000,
                     generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000]
        return String(unsafeUninitializedCapacity: 36) { text in
            var count = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[count] = UInt8(ascii: "-")
                    count += 1
                }
                let value = UInt8(truncatingIfNeeded: words[nibble / 16] >> UInt64(60 - 4 * (nibble % 16))) & 0xF
                text[count] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                count += 1
            }
            return count
        }
    }
}

/// Request ids in the form AWS services print them (a lowercase UUID).
public enum RequestID {
    public static func make() -> String { RandomUUID.lowercased() }
}
