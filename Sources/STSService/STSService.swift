public import AWSCore

/// AWS Security Token Service: who am I.
///
/// Speaks awsQuery (what the AWS CLI and boto3 send) and the awsJson 1.0 variant
/// (`X-Amz-Target: AWSSecurityTokenServiceV20110615.<Op>`) that newer SDKs send.
public struct STSService: AWSService {
    public init() {}

    public let signingName = "sts"

    public let bindings: [ProtocolBinding] = [
        .query(version: "2011-06-15", xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/"),
        .json(version: "1.0", targetPrefix: "AWSSecurityTokenServiceV20110615", errorNamespace: "com.amazonaws.sts#"),
    ]

    public var operations: [AWSOperation] {
        [AWSOperation("GetCallerIdentity", handler: Self.getCallerIdentity)]
    }

    /// The sandbox has no IAM users: every caller is its account's root principal.
    static func getCallerIdentity(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        [
            "UserId": .string(context.accountID),
            "Account": .string(context.accountID),
            "Arn": .string(ARN(service: "iam", region: "", accountID: context.accountID, resource: "root").description),
        ]
    }
}
