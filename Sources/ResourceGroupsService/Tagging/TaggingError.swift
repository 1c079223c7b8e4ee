import AWSCore

/// The Resource Groups Tagging API's errors (awsJson 1.1: `__type` is the bare code).
public enum TaggingError: AWSError, Equatable {
    case invalidParameter(String)
    case paginationTokenExpired

    public var code: String {
        switch self {
        case .invalidParameter: "InvalidParameterException"
        case .paginationTokenExpired: "PaginationTokenExpiredException"
        }
    }

    public var message: String {
        switch self {
        case .invalidParameter(let m): m
        case .paginationTokenExpired: "The PaginationToken is not valid or has expired."
        }
    }

    public var httpStatus: Int { 400 }

    /// `Value '…' at '…' failed to satisfy constraint: …`, as AWS's request validation words it.
    static func constraint(_ value: String, at member: String, _ constraint: String) -> TaggingError {
        .invalidParameter("1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: \(constraint)")
    }
}
