/// Who caused an error, as awsQuery's `<Type>` and SDK retry logic see it.
public enum AWSFault: String, Sendable {
    case sender = "Sender"
    case receiver = "Receiver"
}

/// An error a service reports to its caller, rendered once by the protocol codec in use.
///
/// Each service has one enum conforming to this protocol: its cases follow AWS error codes and
/// one switch maps each to the code, HTTP status and fault, so messages are written in one place.
public protocol AWSError: Error, Sendable {
    /// The AWS error code (`ResourceNotFoundException`, `ValidationError`).
    var code: String { get }
    var message: String { get }
    var httpStatus: Int { get }
    var fault: AWSFault { get }
    /// Extra members some errors carry in JSON protocols (`CancellationReasons`, `Item`).
    var additionalFields: JSONObject { get }
    /// Overrides the `__type` namespace prefix for this error (framework errors use `com.amazon.coral.service#`).
    var typeNamespace: String? { get }
}

extension AWSError {
    public var fault: AWSFault { httpStatus >= 500 ? .receiver : .sender }
    public var additionalFields: JSONObject { JSONObject() }
    public var typeNamespace: String? { nil }
}

/// Errors the protocol layer itself raises, before or around any service.
public enum CommonError: AWSError, Equatable {
    case unknownOperation(service: String, operation: String)
    case unknownService(String)
    case invalidAction(action: String, version: String?)
    case serialization(String)
    case malformedQueryString(String)
    case missingAction
    case missingAuthenticationToken(jsonStyle: Bool)
    case unrecognizedClient(jsonStyle: Bool)
    case signatureDoesNotMatch(jsonStyle: Bool, detail: String)
    case incompleteSignature(String)
    case requestEntityTooLarge(limit: Int)
    case validation(String)
    case internalFailure(String)
    case notFound(String)

    public var code: String {
        switch self {
        case .unknownOperation: "UnknownOperationException"
        case .unknownService: "NotImplemented"
        case .invalidAction: "InvalidAction"
        case .serialization: "SerializationException"
        case .malformedQueryString: "MalformedQueryString"
        case .missingAction: "MissingAction"
        case .missingAuthenticationToken(let json): json ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken"
        case .unrecognizedClient(let json): json ? "UnrecognizedClientException" : "InvalidClientTokenId"
        case .signatureDoesNotMatch(let json, _): json ? "InvalidSignatureException" : "SignatureDoesNotMatch"
        case .incompleteSignature: "IncompleteSignatureException"
        case .requestEntityTooLarge: "RequestEntityTooLarge"
        case .validation: "ValidationException"
        case .internalFailure: "InternalFailure"
        case .notFound: "NotFoundException"
        }
    }

    public var message: String {
        switch self {
        case .unknownOperation(let service, let operation):
            "Operation \(operation) is not supported by the \(service) service in mesh-sandbox. See docs/supported-operations.md."
        case .unknownService(let detail): detail
        case .invalidAction(let action, let version):
            "Could not find operation \(action) for version \(version ?? "NO_VERSION_SPECIFIED")"
        case .serialization(let detail): detail
        case .malformedQueryString(let detail): detail
        case .missingAction: "Missing Action"
        case .missingAuthenticationToken: "Request is missing Authentication Token"
        case .unrecognizedClient(let json):
            json ? "The security token included in the request is invalid." : "The security token included in the request is invalid."
        case .signatureDoesNotMatch(_, let detail):
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                + (detail.isEmpty ? "" : "\n\n" + detail)
        case .incompleteSignature(let detail): detail
        case .requestEntityTooLarge(let limit): "Request body exceeds the maximum allowed size of \(limit) bytes"
        case .validation(let m), .internalFailure(let m), .notFound(let m): m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .unknownService: 501
        case .missingAuthenticationToken, .unrecognizedClient, .signatureDoesNotMatch, .incompleteSignature: 403
        case .notFound: 404
        case .requestEntityTooLarge: 413
        case .internalFailure: 500
        case .unknownOperation, .invalidAction, .serialization, .malformedQueryString, .missingAction, .validation: 400
        }
    }

    public var typeNamespace: String? { "com.amazon.coral.service#" }
}
