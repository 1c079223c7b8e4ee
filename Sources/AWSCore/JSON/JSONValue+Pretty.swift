extension JSONValue {
    /// Indented JSON text (two spaces, `"key": value`), for files people read (fixtures, templates).
    public func prettyPrinted() -> String {
        var out = ""
        writePretty(to: &out, indent: 0)
        return out + "\n"
    }

    private func writePretty(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.writePretty(to: &out, indent: indent + 1)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let object) where !object.isEmpty:
            out += "{\n"
            var remaining = object.count
            for (key, value) in object {
                out += pad + JSONValue.string(key).serializedString() + ": "
                value.writePretty(to: &out, indent: indent + 1)
                remaining -= 1
                out += remaining > 0 ? ",\n" : "\n"
            }
            out += closePad + "}"
        default:
            out += serializedString()
        }
    }
}
