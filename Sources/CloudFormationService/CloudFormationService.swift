public import AWSCore
import Foundation
public import SandboxStorage

/// AWS CloudFormation (awsQuery, `Version=2010-05-15`): stacks deployed from templates through
/// the resource providers other services contribute.
public final class CloudFormationService: AWSService {
    public let signingName = "cloudformation"
    public let bindings: [ProtocolBinding] = [
        .query(version: "2010-05-15", xmlNamespace: "http://cloudformation.amazonaws.com/doc/2010-05-15/"),
    ]

    public static let migrations = CloudFormationStore.migrations

    let store: CloudFormationStore
    let engine: StackEngine
    let clock: any SandboxClock
    /// Stack operations run one at a time, as CloudFormation serialises them per stack.
    let lock = AsyncLock()

    public init(database: SQLiteDatabase, clock: any SandboxClock, providers: [any CloudFormationResourceProvider],
                parameterLookup: (any ParameterLookup)? = nil) {
        store = CloudFormationStore(database: database)
        self.clock = clock
        engine = StackEngine(store: store, clock: clock, providers: providers + [RecordedResourceProvider()],
                             parameterLookup: parameterLookup)
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("CreateStack", handler: createStack),
            AWSOperation("UpdateStack", handler: updateStack),
            AWSOperation("DeleteStack", handler: deleteStack),
            AWSOperation("DescribeStacks", handler: describeStacks),
            AWSOperation("ListStacks", handler: listStacks),
            AWSOperation("UpdateTerminationProtection", handler: updateTerminationProtection),
            AWSOperation("ListExports", handler: listExports),
            AWSOperation("DescribeStackEvents", handler: describeStackEvents),
            AWSOperation("DescribeStackResource", handler: describeStackResource),
            AWSOperation("DescribeStackResources", handler: describeStackResources),
            AWSOperation("ListStackResources", handler: listStackResources),
            AWSOperation("GetTemplate", handler: getTemplate),
            AWSOperation("GetTemplateSummary", handler: getTemplateSummary),
            AWSOperation("ValidateTemplate", handler: validateTemplate),
            AWSOperation("CreateChangeSet", handler: createChangeSet),
            AWSOperation("DescribeChangeSet", handler: describeChangeSet),
            AWSOperation("ExecuteChangeSet", handler: executeChangeSet),
            AWSOperation("DeleteChangeSet", handler: deleteChangeSet),
            AWSOperation("ListChangeSets", handler: listChangeSets),
        ]
    }

    /// The live stack `nameOrID`, or the "does not exist" error CloudFormation gives.
    func requireStack(_ nameOrID: String, _ context: AWSRequestContext) throws -> StackRecord {
        guard let stack = try store.stack(nameOrID, accountID: context.accountID, region: context.region) else {
            throw CloudFormationError.stackDoesNotExist(nameOrID)
        }
        return stack
    }

    func newStackID(name: String, context: AWSRequestContext) -> String {
        ARN(service: "cloudformation", region: context.region, accountID: context.accountID,
            resource: "stack/\(name)/\(RandomUUID.lowercased())").description
    }
}

/// Reading CloudFormation's list-shaped query parameters.
extension OperationInput {
    func stackParameters() throws -> [ParameterResolver.Given] {
        try (array("Parameters") ?? []).map { item in
            guard let key = item["ParameterKey"]?.stringValue else {
                throw CloudFormationError.validation("Every Parameters member must have a ParameterKey")
            }
            return .init(key: key, value: item["ParameterValue"]?.stringValue, usePreviousValue: item["UsePreviousValue"]?.stringValue == "true")
        }
    }

    func stackTags() throws -> [StackRecord.Tag] {
        try (array("Tags") ?? []).map { item in
            guard let key = item["Key"]?.stringValue, let value = item["Value"]?.stringValue else {
                throw CloudFormationError.validation("Every Tags member must have a Key and a Value")
            }
            return .init(key: key, value: value)
        }
    }

    func stringList(_ name: String) throws -> [String] {
        try (array(name) ?? []).compactMap(\.stringValue)
    }

    func templateBody() throws -> String {
        if let body = try string("TemplateBody") { return body }
        if try string("TemplateURL") != nil {
            throw CloudFormationError.validation("TemplateURL is not supported by mesh-sandbox (it has no S3); pass the template as TemplateBody")
        }
        throw CloudFormationError.validation("Either Template URL or Template Body must be specified.")
    }
}
