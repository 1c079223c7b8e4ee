public import AWSCore

/// Every error DynamoDB reports, with AWS's codes and HTTP statuses in one place.
public enum DynamoDBError: AWSError, Equatable {
    case validation(String)
    case serialization(String)
    case resourceNotFound(String)
    case resourceInUse(String)
    /// The backup APIs' own not-found error (DescribeContinuousBackups, UpdateContinuousBackups).
    case tableNotFoundException(String)
    /// `item` is the old item when ReturnValuesOnConditionCheckFailure=ALL_OLD.
    case conditionalCheckFailed(item: JSONObject?)
    case transactionCanceled(message: String, reasons: [JSONValue])
    case transactionConflict(String)
    case transactionInProgress(String)
    case idempotentParameterMismatch(String)
    case limitExceeded(String)
    case itemCollectionSizeLimitExceeded(String)
    case internalServerError(String)

    public var code: String {
        switch self {
        case .validation: "ValidationException"
        case .serialization: "SerializationException"
        case .resourceNotFound: "ResourceNotFoundException"
        case .resourceInUse: "ResourceInUseException"
        case .tableNotFoundException: "TableNotFoundException"
        case .conditionalCheckFailed: "ConditionalCheckFailedException"
        case .transactionCanceled: "TransactionCanceledException"
        case .transactionConflict: "TransactionConflictException"
        case .transactionInProgress: "TransactionInProgressException"
        case .idempotentParameterMismatch: "IdempotentParameterMismatchException"
        case .limitExceeded: "LimitExceededException"
        case .itemCollectionSizeLimitExceeded: "ItemCollectionSizeLimitExceededException"
        case .internalServerError: "InternalServerError"
        }
    }

    public var message: String {
        switch self {
        case .validation(let m), .serialization(let m), .resourceNotFound(let m), .resourceInUse(let m), .tableNotFoundException(let m),
             .transactionConflict(let m), .transactionInProgress(let m), .idempotentParameterMismatch(let m),
             .limitExceeded(let m), .itemCollectionSizeLimitExceeded(let m), .internalServerError(let m):
            m
        case .conditionalCheckFailed: "The conditional request failed"
        case .transactionCanceled(let m, _): m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .internalServerError: 500
        default: 400
        }
    }

    public var typeNamespace: String? {
        switch self {
        case .validation: "com.amazon.coral.validate#"
        case .serialization: "com.amazon.coral.service#"
        default: nil
        }
    }

    public var additionalFields: JSONObject {
        var fields = JSONObject()
        switch self {
        case .conditionalCheckFailed(let item?):
            fields["Item"] = .object(item)
        case .transactionCanceled(_, let reasons):
            fields["CancellationReasons"] = .array(reasons)
        default: break
        }
        return fields
    }

    // MARK: Named factories for messages used in several places

    static func tableNotFound(_ name: String) -> DynamoDBError {
        .resourceNotFound("Requested resource not found: Table: \(name) not found")
    }
    static let resourceNotFoundPlain = DynamoDBError.resourceNotFound("Requested resource not found")
    static func invalidParameter(_ detail: String) -> DynamoDBError {
        .validation("One or more parameter values were invalid: \(detail)")
    }
    static let keySchemaMismatch = DynamoDBError.validation("The provided key element does not match the schema")

    /// Smithy-style member constraint failure (`1 validation error detected: …`).
    static func constraint(_ value: String?, at member: String, _ constraint: String) -> DynamoDBError {
        let shown = value.map { "'\($0)'" } ?? "null"
        return .validation("1 validation error detected: Value \(shown) at '\(member)' failed to satisfy constraint: \(constraint)")
    }
}
