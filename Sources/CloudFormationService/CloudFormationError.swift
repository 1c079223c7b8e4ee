import AWSCore

/// CloudFormation's errors, with the codes and wording the real service uses.
public enum CloudFormationError: AWSError, Equatable {
    case validation(String)
    case alreadyExists(stackName: String)
    case insufficientCapabilities([String])
    case changeSetNotFound(String)
    case invalidChangeSetStatus(String)
    case tokenAlreadyExists(String)
    case limitExceeded(String)

    public static func stackDoesNotExist(_ name: String) -> CloudFormationError {
        .validation("Stack with id \(name) does not exist")
    }

    public static func templateFormat(_ detail: String) -> CloudFormationError {
        .validation("Template format error: \(detail)")
    }

    public static func templateError(_ detail: String) -> CloudFormationError {
        .validation("Template error: \(detail)")
    }

    public var code: String {
        switch self {
        case .validation: "ValidationError"
        case .alreadyExists: "AlreadyExistsException"
        case .insufficientCapabilities: "InsufficientCapabilitiesException"
        case .changeSetNotFound: "ChangeSetNotFound"
        case .invalidChangeSetStatus: "InvalidChangeSetStatus"
        case .tokenAlreadyExists: "TokenAlreadyExistsException"
        case .limitExceeded: "LimitExceededException"
        }
    }

    public var message: String {
        switch self {
        case .validation(let m), .invalidChangeSetStatus(let m), .tokenAlreadyExists(let m), .limitExceeded(let m): m
        case .alreadyExists(let name): "Stack [\(name)] already exists"
        case .insufficientCapabilities(let caps): "Requires capabilities : [\(caps.joined(separator: ", "))]"
        case .changeSetNotFound(let name): "ChangeSet [\(name)] does not exist"
        }
    }

    public var httpStatus: Int {
        switch self {
        case .changeSetNotFound: 404
        default: 400
        }
    }
}
