import AWSCore
import Foundation

/// Accepts AppSync real-time WebSocket upgrades (sub-protocol `graphql-ws`) on
/// `/apis/<apiId>/graphql[/realtime]` and on `/graphql[/realtime|/connect]`, where the API is
/// named by the `Host` (custom domain, `<apiId>.appsync-realtime-api.…`) or by the handshake's key.
public struct RealtimeEndpoint: WebSocketEndpoint {
    let backend: AppSyncBackend
    let limits: RealtimeStateMachine.Limits
    let timing: RealtimeSession.Timing

    public init(backend: AppSyncBackend) {
        self.init(backend: backend, limits: .init(), timing: .init())
    }

    init(backend: AppSyncBackend, limits: RealtimeStateMachine.Limits, timing: RealtimeSession.Timing) {
        self.backend = backend
        self.limits = limits
        self.timing = timing
    }

    public func accept(_ request: AWSRequest) -> (subprotocol: String?, session: any WebSocketSession)? {
        guard let route = GraphQLRoute.realtime(request.rawPath) else { return nil }
        let offered = request.headers.values("sec-websocket-protocol")
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard offered.contains("graphql-ws") else { return nil }
        let credentials = RealtimeAuthorization.handshakeCredentials(request, subprotocols: offered)
        let key = credentials.flatMap { $0.flatMap(RealtimeAuthorization.apiKey(in:)) }
        var apiId: String?
        switch route {
        case .api(let id): apiId = id
        case .bare: apiId = request.hostName.flatMap { try? backend.apiId(forHost: $0) }
        }
        let handshake: RealtimeStateMachine.HandshakeAuth
        if let apiId, !backend.apiExists(apiId) {
            handshake = .invalid
        } else if credentials == nil {
            handshake = .absent
        } else if let api = backend.authorizedAPI(apiId: apiId, apiKey: key) {
            apiId = api
            handshake = .valid
        } else {
            handshake = .invalid
        }
        let session = RealtimeSession(backend: backend, apiId: apiId, handshake: handshake, handshakeKey: key,
                                      caller: CallerInfo(request: request, apiKey: key), limits: limits, timing: timing)
        return ("graphql-ws", session)
    }
}

/// The GraphQL paths this module serves.
enum GraphQLRoute: Equatable {
    case api(String)
    case bare

    /// `POST` paths: `/apis/<id>/graphql` and `/graphql`.
    static func http(_ rawPath: String) -> GraphQLRoute? {
        let parts = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        if parts == ["graphql"] { return .bare }
        if parts.count == 3, parts[0] == "apis", parts[2] == "graphql" { return .api(String(parts[1])) }
        return nil
    }

    /// WebSocket paths: the GraphQL paths, plus `/realtime` (and `/connect`, which old docs name).
    static func realtime(_ rawPath: String) -> GraphQLRoute? {
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        if let last = parts.last, last == "realtime" || last == "connect" { parts.removeLast() }
        if parts == ["graphql"] { return .bare }
        if parts.count == 3, parts[0] == "apis", parts[2] == "graphql" { return .api(String(parts[1])) }
        return nil
    }
}
