import AWSCore

/// AppSync's control-plane errors, rendered by the restJson codec (`x-amzn-ErrorType` + `{"message": …}`).
///
/// Case names follow the AWS error shapes of the AppSync API model; messages are written here once.
public enum AppSyncError: AWSError, Equatable {
    case notFound(String)
    case badRequest(String)
    case concurrentModification(String)
    case unauthorized(String)
    case apiKeyValidityOutOfBounds(String)
    case apiKeyLimitExceeded(String)
    case limitExceeded(String)
    case graphQLSchema(String)
    case accessDenied(String)
    case internalFailure(String)

    public var code: String {
        switch self {
        case .notFound: "NotFoundException"
        case .badRequest: "BadRequestException"
        case .concurrentModification: "ConcurrentModificationException"
        case .unauthorized: "UnauthorizedException"
        case .apiKeyValidityOutOfBounds: "ApiKeyValidityOutOfBoundsException"
        case .apiKeyLimitExceeded: "ApiKeyLimitExceededException"
        case .limitExceeded: "LimitExceededException"
        case .graphQLSchema: "GraphQLSchemaException"
        case .accessDenied: "AccessDeniedException"
        case .internalFailure: "InternalFailureException"
        }
    }

    public var message: String {
        switch self {
        case .notFound(let m), .badRequest(let m), .concurrentModification(let m), .unauthorized(let m),
             .apiKeyValidityOutOfBounds(let m), .apiKeyLimitExceeded(let m), .limitExceeded(let m),
             .graphQLSchema(let m), .accessDenied(let m), .internalFailure(let m):
            m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .notFound: 404
        case .badRequest, .apiKeyValidityOutOfBounds, .apiKeyLimitExceeded, .limitExceeded, .graphQLSchema: 400
        case .concurrentModification: 409
        case .unauthorized: 401
        case .accessDenied: 403
        case .internalFailure: 500
        }
    }

    // MARK: Messages as AppSync words them

    static func apiNotFound(_ apiId: String) -> AppSyncError { .notFound("GraphQL API \(apiId) not found.") }
    static func apiKeyNotFound(_ id: String) -> AppSyncError { .notFound("API key \(id) not found.") }
    static func dataSourceNotFound(_ name: String) -> AppSyncError { .notFound("Data source \(name) not found.") }
    static func resolverNotFound(_ type: String, _ field: String) -> AppSyncError {
        .notFound("Resolver for field \(field) on type \(type) not found.")
    }
    static func functionNotFound(_ id: String) -> AppSyncError { .notFound("Function \(id) not found.") }
    static func domainNameNotFound(_ name: String) -> AppSyncError { .notFound("Domain name \(name) not found.") }
    static func associationNotFound(_ name: String) -> AppSyncError { .notFound("No API association found for domain \(name).") }
    static func schemaNotFound(_ apiId: String) -> AppSyncError { .notFound("No schema found for GraphQL API \(apiId).") }
    static func tagResourceNotFound(_ arn: String) -> AppSyncError { .notFound("Resource \(arn) not found.") }
    static func missing(_ member: String) -> AppSyncError { .badRequest("\(member) is required.") }
}
