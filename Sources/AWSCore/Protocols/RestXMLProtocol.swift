/// restXml (Route 53): routed like restJson, answered in XML: `<OpResponse xmlns=…>` holding
/// the output members, lists as repeated named items.
public enum RestXMLProtocol {
    public static let contentType = "text/xml"

    public static func encodeOutput(_ output: JSONValue, operation: String, xmlNamespace: String, listMemberNames: [String: String],
                                    status: Int) -> AWSResponse {
        var xml = XMLWriter()
        xml.open("\(operation)Response", attributes: [("xmlns", xmlNamespace)])
        if case .object(let members) = output {
            for (key, value) in members { xml.named(key, value, listMemberNames: listMemberNames) }
        }
        xml.close("\(operation)Response")
        return AWSResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: xml.bytes)
    }

    /// The same envelope awsQuery uses.
    public static func encodeError(_ error: any AWSError, xmlNamespace: String, requestID: String) -> AWSResponse {
        QueryProtocol.encodeError(error, xmlNamespace: xmlNamespace, requestID: requestID)
    }
}

extension XMLWriter {
    /// Writes `<name>value</name>`; a list becomes repeated `<item>` elements named by
    /// `listMemberNames[name]` (default `member`).
    mutating func named(_ name: String, _ value: JSONValue, listMemberNames: [String: String]) {
        open(name)
        switch value {
        case .array(let items):
            let item = listMemberNames[name] ?? "member"
            for element in items { named(item, element, listMemberNames: listMemberNames) }
        case .object(let members):
            for (key, member) in members { named(key, member, listMemberNames: listMemberNames) }
        default:
            self.value(value)
        }
        close(name)
    }
}
