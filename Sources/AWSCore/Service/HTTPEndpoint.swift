/// A service's own HTTP surface that is not an AWS API protocol, such as AppSync's
/// `POST …/graphql`. The server offers every request to these endpoints before routing it as
/// an AWS API call.
public protocol HTTPEndpoint: Sendable {
    /// The reply, or nil when the request is not for this endpoint.
    func respond(to request: AWSRequest) async -> AWSResponse?
}

/// Work a service runs for the server's lifetime (a TTL sweeper, keep-alive timers). It should
/// return when its task is cancelled.
public protocol BackgroundTask: Sendable {
    var name: String { get }
    func run() async throws
}
