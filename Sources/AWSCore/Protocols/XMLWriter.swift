/// Builds the small XML documents awsQuery replies are.
public struct XMLWriter {
    public private(set) var bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)

    public init() {}

    public mutating func open(_ name: String, attributes: [(String, String)] = []) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        for (k, v) in attributes {
            bytes.append(contentsOf: " \(k)=\"".utf8)
            appendEscaped(v)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    public mutating func close(_ name: String) {
        bytes.append(contentsOf: "</\(name)>".utf8)
    }

    public mutating func element(_ name: String, body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    public mutating func element(_ name: String, text: String) {
        open(name)
        appendEscaped(text)
        close(name)
    }

    /// Writes a member tree the awsQuery way: structures as child elements, lists as `<member>`s,
    /// timestamps in ISO 8601.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: break
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): bytes.append(contentsOf: n.utf8)
        case .string(let s): appendEscaped(s)
        case .timestamp(let d): bytes.append(contentsOf: Timestamp.iso8601(d).utf8)
        case .array(let items):
            for item in items {
                open("member")
                self.value(item)
                close("member")
            }
        case .object(let object):
            for (k, v) in object {
                open(k)
                self.value(v)
                close(k)
            }
        }
    }

    private mutating func appendEscaped(_ text: String) {
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&apos;".utf8)
            default: bytes.append(c)
            }
        }
    }
}
