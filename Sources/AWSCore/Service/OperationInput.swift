/// An operation's input members, with readers that throw AWS-style validation errors.
public struct OperationInput: Sendable {
    public let members: JSONObject
    /// Headers of the request (restJson operations bind some members to headers).
    public let headers: HTTPHeaders

    public init(members: JSONObject, headers: HTTPHeaders = .init()) {
        self.members = members
        self.headers = headers
    }

    public subscript(name: String) -> JSONValue? {
        guard let v = members[name], !v.isNull else { return nil }
        return v
    }

    public func string(_ name: String) throws -> String? {
        guard let v = self[name] else { return nil }
        guard case .string(let s) = v else { throw CommonError.serialization(Self.typeMismatch(name, expected: "string", got: v)) }
        return s
    }

    public func requiredString(_ name: String) throws -> String {
        guard let s = try string(name) else { throw CommonError.validation(Self.missing(name)) }
        return s
    }

    public func int(_ name: String) throws -> Int? {
        guard let v = self[name] else { return nil }
        if case .string(let s) = v, let i = Int(s) { return i }  // awsQuery and query strings carry numbers as text
        guard let i = v.intValue else { throw CommonError.serialization(Self.typeMismatch(name, expected: "integer", got: v)) }
        return i
    }

    public func bool(_ name: String) throws -> Bool? {
        guard let v = self[name] else { return nil }
        switch v {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default: throw CommonError.serialization(Self.typeMismatch(name, expected: "boolean", got: v))
        }
    }

    public func array(_ name: String) throws -> [JSONValue]? {
        guard let v = self[name] else { return nil }
        // awsQuery sends an empty list as the bare parameter with no value (`Tags=`).
        if case .string("") = v { return [] }
        guard case .array(let a) = v else { throw CommonError.serialization(Self.typeMismatch(name, expected: "list", got: v)) }
        return a
    }

    public func object(_ name: String) throws -> JSONObject? {
        guard let v = self[name] else { return nil }
        guard case .object(let o) = v else { throw CommonError.serialization(Self.typeMismatch(name, expected: "structure", got: v)) }
        return o
    }

    static func typeMismatch(_ name: String, expected: String, got: JSONValue) -> String {
        "Unexpected value type for \(name): expected \(expected), got \(got.kindName)"
    }

    static func missing(_ name: String) -> String {
        "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null"
    }
}
