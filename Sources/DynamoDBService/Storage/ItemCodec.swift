/// The compact binary form items are stored in: a type tag per value, varint lengths.
enum ItemCodec {
    private enum Tag: UInt8 {
        case s = 0, n, b, ss, ns, bs, m, l, null, boolFalse, boolTrue
    }

    static func encode(_ item: Item) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        writeVarint(item.count, to: &out)
        for (k, v) in item {
            writeBytes(k.utf8, to: &out)
            encode(v, to: &out)
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> Item {
        var reader = Reader(bytes: bytes)
        return reader.readItem()
    }

    private static func encode(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .s(let s):
            out.append(Tag.s.rawValue)
            writeBytes(s.utf8, to: &out)
        case .n(let n):
            out.append(Tag.n.rawValue)
            writeNumber(n, to: &out)
        case .b(let b):
            out.append(Tag.b.rawValue)
            writeBytes(b, to: &out)
        case .ss(let a):
            out.append(Tag.ss.rawValue)
            writeVarint(a.count, to: &out)
            for s in a { writeBytes(s.utf8, to: &out) }
        case .ns(let a):
            out.append(Tag.ns.rawValue)
            writeVarint(a.count, to: &out)
            for n in a { writeNumber(n, to: &out) }
        case .bs(let a):
            out.append(Tag.bs.rawValue)
            writeVarint(a.count, to: &out)
            for b in a { writeBytes(b, to: &out) }
        case .m(let m):
            out.append(Tag.m.rawValue)
            writeVarint(m.count, to: &out)
            for (k, v) in m {
                writeBytes(k.utf8, to: &out)
                encode(v, to: &out)
            }
        case .l(let l):
            out.append(Tag.l.rawValue)
            writeVarint(l.count, to: &out)
            for v in l { encode(v, to: &out) }
        case .null:
            out.append(Tag.null.rawValue)
        case .bool(let b):
            out.append(b ? Tag.boolTrue.rawValue : Tag.boolFalse.rawValue)
        }
    }

    private static func writeVarint(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(bitPattern: Int64(value))
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func writeBytes(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        writeVarint(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    private static func writeNumber(_ n: DynamoNumber, to out: inout [UInt8]) {
        out.append(n.negative ? 1 : 0)
        // zig-zag the exponent
        let e = n.exponent
        writeVarint(e >= 0 ? e << 1 : ((-e) << 1) - 1, to: &out)
        writeBytes(n.digits, to: &out)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func readVarint() -> Int {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                let b = bytes[index]
                index += 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            return Int(Int64(bitPattern: result))
        }

        mutating func readBytes() -> ArraySlice<UInt8> {
            let n = readVarint()
            let slice = bytes[index..<(index + n)]
            index += n
            return slice
        }

        mutating func readString() -> String { String(decoding: readBytes(), as: UTF8.self) }

        mutating func readNumber() -> DynamoNumber {
            let negative = bytes[index] == 1
            index += 1
            let z = readVarint()
            let e = z & 1 == 0 ? z >> 1 : -((z + 1) >> 1)
            return DynamoNumber(negative: negative, digits: Array(readBytes()), exponent: e)
        }

        mutating func readItem() -> Item {
            let count = readVarint()
            var item: Item = [:]
            item.reserveCapacity(count)
            for _ in 0..<count {
                let k = readString()
                item[k] = readValue()
            }
            return item
        }

        mutating func readValue() -> AttributeValue {
            let tag = Tag(rawValue: bytes[index])!
            index += 1
            switch tag {
            case .s: return .s(readString())
            case .n: return .n(readNumber())
            case .b: return .b(Array(readBytes()))
            case .ss: return .ss((0..<readVarint()).map { _ in readString() })
            case .ns: return .ns((0..<readVarint()).map { _ in readNumber() })
            case .bs: return .bs((0..<readVarint()).map { _ in Array(readBytes()) })
            case .m: return .m(readItem())
            case .l: return .l((0..<readVarint()).map { _ in readValue() })
            case .null: return .null
            case .boolFalse: return .bool(false)
            case .boolTrue: return .bool(true)
            }
        }
    }
}
