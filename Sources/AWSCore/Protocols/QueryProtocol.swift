/// awsQuery: form-encoded parameters in, XML out (`<OpResponse><OpResult>…`).
public enum QueryProtocol {
    public static let contentType = "text/xml"

    /// The form parameters of a request: the body for POST, else the query string.
    public static func parameters(of request: AWSRequest) -> [(name: String, value: String)] {
        if request.method == "POST", !request.body.isEmpty {
            return FormEncoding.decode(String(decoding: request.body, as: UTF8.self))
        }
        return FormEncoding.decode(request.rawQuery)
    }

    /// Folds flat query parameters into a member tree:
    /// `Tags.member.1.Key=a` → `{"Tags":[{"Key":"a"}]}`, `Attr.entry.1.key/value` → an object,
    /// `Names.1=x` (flattened lists) → `{"Names":["x"]}`. `Action` and `Version` are left out.
    public static func decodeInput(_ parameters: [(name: String, value: String)], headers: HTTPHeaders) throws -> OperationInput {
        let root = Node.object([:])
        for (name, value) in parameters where name != "Action" && name != "Version" {
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty) else { throw CommonError.malformedQueryString("Malformed parameter name: \(name)") }
            try root.insert(value, at: path[...], fullName: name)
        }
        guard case .object(let object) = root.value else { return OperationInput(members: JSONObject(), headers: headers) }
        return OperationInput(members: object, headers: headers)
    }

    public static func encodeOutput(_ output: JSONValue, operation: String, xmlNamespace: String, requestID: String) -> AWSResponse {
        var xml = XMLWriter()
        xml.open("\(operation)Response", attributes: [("xmlns", xmlNamespace)])
        // `.null` means the operation has no output shape (DeleteStack): only the metadata is sent.
        // An empty structure still gets its (empty) result element, which SDKs look for.
        if output != .null {
            xml.element("\(operation)Result") { $0.value(output) }
        }
        xml.element("ResponseMetadata") { $0.element("RequestId", text: requestID) }
        xml.close("\(operation)Response")
        return AWSResponse(status: 200, headers: HTTPHeaders([("Content-Type", contentType)]), body: xml.bytes)
    }

    public static func encodeError(_ error: any AWSError, xmlNamespace: String, requestID: String) -> AWSResponse {
        var xml = XMLWriter()
        xml.open("ErrorResponse", attributes: [("xmlns", xmlNamespace)])
        xml.element("Error") {
            $0.element("Type", text: error.fault.rawValue)
            $0.element("Code", text: error.code)
            $0.element("Message", text: error.message)
        }
        xml.element("RequestId", text: requestID)
        xml.close("ErrorResponse")
        return AWSResponse(status: error.httpStatus, headers: HTTPHeaders([("Content-Type", contentType)]), body: xml.bytes)
    }

    /// A mutable tree used only while folding parameters.
    private final class Node {
        enum Kind { case object([String: Node]), list([Int: Node]), leaf(String) }
        var kind: Kind
        var order: [String] = []
        init(_ kind: Kind) { self.kind = kind }
        static func object(_ d: [String: Node]) -> Node { Node(.object(d)) }

        func insert(_ value: String, at path: ArraySlice<String>, fullName: String) throws {
            guard let head = path.first else { return }
            let rest = path.dropFirst()
            // `member.N` / `entry.N` / bare `N` select a list element.
            if (head == "member" || head == "entry"), let n = rest.first.flatMap(Int.init) {
                try element(n, fullName: fullName).assign(value, rest: rest.dropFirst(), fullName: fullName)
                return
            }
            if let n = Int(head) {
                try element(n, fullName: fullName).assign(value, rest: rest, fullName: fullName)
                return
            }
            guard case .object(var children) = kind else {
                throw CommonError.malformedQueryString("Conflicting parameter: \(fullName)")
            }
            let child: Node
            if let existing = children[head] {
                child = existing
            } else {
                child = Node(.object([:]))
                children[head] = child
                order.append(head)
                kind = .object(children)
            }
            try child.assign(value, rest: rest, fullName: fullName)
        }

        private func element(_ n: Int, fullName: String) throws -> Node {
            if case .object(let c) = kind, c.isEmpty { kind = .list([:]) }
            guard case .list(var items) = kind, n >= 1, n <= 1000 else {
                throw CommonError.malformedQueryString("Invalid list index in parameter: \(fullName)")
            }
            if let existing = items[n] { return existing }
            let node = Node(.object([:]))
            items[n] = node
            kind = .list(items)
            return node
        }

        private func assign(_ value: String, rest: ArraySlice<String>, fullName: String) throws {
            switch (kind, rest.isEmpty) {
            case (.leaf, true):
                kind = .leaf(value)
            case (.object(let children), true) where children.isEmpty:
                kind = .leaf(value)
            case (.object, false), (.list, false):
                try insert(value, at: rest, fullName: fullName)
            case (.leaf, false), (.object, true), (.list, true):
                // `A=x` together with `A.B=y`: one name cannot be both a value and a structure.
                throw CommonError.malformedQueryString("Conflicting parameter: \(fullName)")
            }
        }

        var value: JSONValue {
            switch kind {
            case .leaf(let s): return .string(s)
            case .list(let items): return .array(items.keys.sorted().map { items[$0]!.value })
            case .object(let children):
                // A map (`entry.N.key/value`) arrives as a list of {key, value} objects; callers
                // that expect a map use ``OperationInput`` helpers on that list.
                return .object(JSONObject(order.map { ($0, children[$0]!.value) }))
            }
        }
    }
}
