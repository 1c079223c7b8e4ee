public import AWSCore

/// Cost Explorer's errors (awsJson 1.1: `__type` is the bare code).
public enum CostExplorerError: AWSError, Equatable {
    case validation(String)
    case dataUnavailable(String)
    case billExpiration(String)
    case invalidNextToken
    case internalFailure(String)

    public var code: String {
        switch self {
        case .validation: "ValidationException"
        case .dataUnavailable: "DataUnavailableException"
        case .billExpiration: "BillExpirationException"
        case .invalidNextToken: "InvalidNextTokenException"
        case .internalFailure: "InternalFailure"
        }
    }

    public var message: String {
        switch self {
        case .validation(let m), .dataUnavailable(let m), .billExpiration(let m), .internalFailure(let m): m
        case .invalidNextToken: "The pagination token is invalid."
        }
    }

    public var httpStatus: Int {
        if case .internalFailure = self { return 500 }
        return 400
    }

    /// `1 validation error detected: Value 'X' at 'member' failed to satisfy constraint: …`.
    static func constraint(_ value: String?, at member: String, _ constraint: String) -> CostExplorerError {
        .validation("1 validation error detected: Value \(value.map { "'\($0)'" } ?? "null") at '\(member)' failed to satisfy constraint: \(constraint)")
    }

    static func enumConstraint(_ value: String?, at member: String, _ allowed: [String]) -> CostExplorerError {
        constraint(value, at: member, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }
}
