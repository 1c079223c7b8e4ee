/// How a service is reached on the wire. A service may speak more than one (STS answers
/// awsQuery and the JSON 1.0 variant).
public enum ProtocolBinding: Sendable {
    /// awsJson 1.0/1.1: `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>`.
    case json(version: String, targetPrefix: String, errorNamespace: String?)
    /// awsQuery: form body `Action=<Operation>&Version=<version>`, XML replies in `xmlNamespace`.
    case query(version: String, xmlNamespace: String)
    /// restJson: method + path template per operation (see ``AWSOperation/route``).
    case restJSON
    /// restXml (Route 53): routed like restJson; replies are XML in `xmlNamespace`, with each
    /// list's items named by `listMemberNames` (`HostedZones` → `HostedZone`).
    case restXML(xmlNamespace: String, listMemberNames: [String: String])
}

/// Where a restJson operation lives: method and a path template such as `/v1/apis/{apiId}`.
/// `{name+}` matches the rest of the path, slashes included.
public struct RestRoute: Sendable {
    public let method: String
    public let path: PathTemplate
    /// Status of a successful reply (some operations answer 201 or 204).
    public let successStatus: Int

    public init(_ method: String, _ path: String, successStatus: Int = 200) {
        self.method = method
        self.path = PathTemplate(path)
        self.successStatus = successStatus
    }
}

/// An operation's handler: its input members in, its output members out.
///
/// Input is the parsed JSON body (awsJson), the form parameters folded into a tree (awsQuery),
/// or the body plus path and query members (restJson). Output is serialized by the same codec.
public typealias OperationHandler = @Sendable (_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue

public struct AWSOperation: Sendable {
    public let name: String
    public let route: RestRoute?
    public let handler: OperationHandler

    public init(_ name: String, route: RestRoute? = nil, handler: @escaping OperationHandler) {
        self.name = name
        self.route = route
        self.handler = handler
    }
}

/// One emulated AWS service: its names on the wire and its operations.
public protocol AWSService: Sendable {
    /// SigV4 signing name (`dynamodb`, `sts`, `appsync`), the credential scope's service.
    var signingName: String { get }
    var bindings: [ProtocolBinding] { get }
    var operations: [AWSOperation] { get }
}

/// Per-request facts every operation may need.
public struct AWSRequestContext: Sendable {
    public let requestID: String
    public let accountID: String
    public let region: String
    /// The SigV4 access key id, if the request was signed.
    public let accessKeyID: String?
    public let request: AWSRequest

    public init(requestID: String, accountID: String, region: String, accessKeyID: String?, request: AWSRequest) {
        self.requestID = requestID
        self.accountID = accountID
        self.region = region
        self.accessKeyID = accessKeyID
        self.request = request
    }
}
