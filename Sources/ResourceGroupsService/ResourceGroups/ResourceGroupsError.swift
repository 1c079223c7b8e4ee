import AWSCore

/// AWS Resource Groups' errors (restJson: the code goes in `x-amzn-ErrorType`).
public enum ResourceGroupsError: AWSError, Equatable {
    case badRequest(String)
    case notFound(String)

    public var code: String {
        switch self {
        case .badRequest: "BadRequestException"
        case .notFound: "NotFoundException"
        }
    }

    public var message: String {
        switch self {
        case .badRequest(let m), .notFound(let m): m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .notFound: 404
        }
    }

    static func groupNotFound(_ name: String) -> ResourceGroupsError { .notFound("Cannot find group \(name).") }

    /// An invalid `ResourceQuery.Query`, worded as Resource Groups words it.
    static func invalidQuery(_ detail: String) -> ResourceGroupsError { .badRequest("Invalid query: \(detail)") }
    static let invalidQueryFormat = invalidQuery("Invalid query format: check JSON syntax")

    /// `Value '…' at '…' failed to satisfy constraint: …`.
    static func constraint(_ value: String, at member: String, _ constraint: String) -> ResourceGroupsError {
        .badRequest("1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: \(constraint)")
    }
}
