import AWSCore

/// The AppSync real-time protocol's messages (sub-protocol `graphql-ws`).
enum RealtimeMessages {
    /// A message from the client.
    enum Inbound: Sendable, Equatable {
        case connectionInit
        case start(id: String, payload: JSONObject)
        case stop(id: String)
        /// A well-formed message of a type AppSync does not accept on this channel.
        case unsupported(type: String, id: String?)
        /// Not a JSON object with a string `type`.
        case malformed
    }

    static func parse(_ text: String) -> Inbound {
        guard case .object(let o)? = try? JSONParser.parse(text), let type = o["type"]?.stringValue else { return .malformed }
        let id = o["id"]?.stringValue
        switch type {
        case "connection_init": return .connectionInit
        case "start":
            guard let id else { return .malformed }
            return .start(id: id, payload: o["payload"]?.objectValue ?? [:])
        case "stop":
            guard let id else { return .malformed }
            return .stop(id: id)
        default: return .unsupported(type: type, id: id)
        }
    }

    static func connectionAck(timeoutMs: Int) -> String {
        JSONValue.object(["type": "connection_ack", "payload": ["connectionTimeoutMs": .int(timeoutMs)]]).serializedString()
    }

    static let keepAlive = #"{"type":"ka"}"#

    static func startAck(id: String) -> String { JSONValue.object(["id": .string(id), "type": "start_ack"]).serializedString() }

    static func complete(id: String) -> String { JSONValue.object(["id": .string(id), "type": "complete"]).serializedString() }

    /// `{"id":…,"type":"data","payload":<payload>}` around an already serialized payload (shared by
    /// subscribers): `head` is the part before the payload, made once per subscription.
    static func data(head: String, payload: String) -> WebSocketMessage {
        .textParts(head: head, body: payload, tail: "}")
    }

    static func dataHead(id: String) -> String {
        #"{"id":"# + JSONValue.string(id).serializedString() + #","type":"data","payload":"#
    }

    static func error(id: String?, _ errors: [RealtimeError]) -> String {
        var o = JSONObject()
        if let id { o["id"] = .string(id) }
        o["type"] = "error"
        o["payload"] = ["errors": .array(errors.map(\.json))]
        return JSONValue.object(o).serializedString()
    }

    static func connectionError(_ errors: [RealtimeError]) -> String {
        JSONValue.object(["type": "connection_error", "payload": ["errors": .array(errors.map(\.json))]]).serializedString()
    }
}

/// One entry of an `error` / `connection_error` payload.
struct RealtimeError: Sendable, Equatable {
    var errorType: String?
    var message: String
    var errorCode: Int?
    /// Extra members (GraphQL `locations`/`path` for validation errors).
    var extra: JSONObject = [:]

    var json: JSONValue {
        var o = JSONObject()
        if let errorType { o["errorType"] = .string(errorType) }
        o["message"] = .string(message)
        if let errorCode { o["errorCode"] = .int(errorCode) }
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    static let unauthorized = RealtimeError(errorType: "UnauthorizedException", message: "You are not authorized to make this call.", errorCode: 401)
}

/// Why a `start` was refused: the `error` message's entries.
struct StartFailure: Error, Sendable {
    let errors: [RealtimeError]
    init(_ errors: [RealtimeError]) { self.errors = errors }
}
