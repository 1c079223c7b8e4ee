/// The small part of DNS (RFC 1035) the sandbox answers: one question, A/AAAA records for the
/// custom domain names its stacks register, so `dig @127.0.0.1 -p 4566 <name> A +short`
/// prints the sandbox's address.
struct DNSQuery: Equatable {
    var id: UInt16
    var recursionDesired: Bool
    var name: String
    var type: UInt16
    var questionBytes: ArraySlice<UInt8>

    static let typeA: UInt16 = 1
    static let typeAAAA: UInt16 = 28

    /// Parses a query; nil for anything that is not a well-formed standard query with one question.
    init?(_ packet: [UInt8]) {
        guard packet.count >= 17 else { return nil }
        id = UInt16(packet[0]) << 8 | UInt16(packet[1])
        let flags = UInt16(packet[2]) << 8 | UInt16(packet[3])
        guard flags & 0x8000 == 0, (flags >> 11) & 0xF == 0 else { return nil }  // a query, opcode QUERY
        recursionDesired = flags & 0x0100 != 0
        guard packet[4] == 0, packet[5] == 1 else { return nil }  // exactly one question
        var labels: [String] = []
        var i = 12
        while i < packet.count, packet[i] != 0 {
            let length = Int(packet[i])
            guard length < 64, i + 1 + length < packet.count else { return nil }  // no compression in questions
            labels.append(String(decoding: packet[(i + 1)...(i + length)], as: UTF8.self))
            i += 1 + length
        }
        guard i + 4 < packet.count else { return nil }
        name = labels.joined(separator: ".").lowercased()
        type = UInt16(packet[i + 1]) << 8 | UInt16(packet[i + 2])
        questionBytes = packet[12...(i + 4)]
    }

    /// The response: the question echoed, and `addresses` as answers (none → NXDOMAIN when
    /// `known` is false, else an empty NOERROR answer).
    func response(known: Bool, addresses: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF)]
        let rcode: UInt16 = known ? 0 : 3
        let flags: UInt16 = 0x8000 | 0x0400 | (recursionDesired ? 0x0100 : 0) | rcode  // QR, AA, RD echoed
        out += [UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0, UInt8(addresses.count), 0, 0, 0, 0]
        out += questionBytes
        for address in addresses {
            out += [0xC0, 0x0C]  // the name, as a pointer to the question
            out += [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]  // type, class IN
            out += [0, 0, 0, 60]  // TTL 60 s
            out += [UInt8(address.count >> 8), UInt8(address.count & 0xFF)] + address
        }
        return out
    }
}
