import AWSCore
import SandboxStorage
import Foundation

extension CloudFormationService {
    /// What ``deploy(stackName:templateBody:parameters:tags:capabilities:accountID:region:)`` did.
    public enum DeployOutcome: Sendable, Equatable {
        case created(status: String)
        case updated(status: String)
        case unchanged
    }

    /// Creates the stack, or updates it when its template, parameters or tags differ — what
    /// `aws cloudformation deploy` does, for stacks the sandbox itself deploys at start-up.
    public func deploy(stackName: String, templateBody: String, parameters: [String: String] = [:], tags: [String: String] = [:],
                       capabilities: [String] = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], accountID: String, region: String)
        async throws -> DeployOutcome
    {
        try await lock.withLock {
            let given = parameters.sorted { $0.key < $1.key }.map { ParameterResolver.Given(key: $0.key, value: $0.value, usePreviousValue: false) }
            let stackTags = tags.sorted { $0.key < $1.key }.map { StackRecord.Tag(key: $0.key, value: $0.value) }
            if let stack = try store.stack(stackName, accountID: accountID, region: region), stack.status != "REVIEW_IN_PROGRESS" {
                let plan = try await engine.plan(templateBody: templateBody, parameters: given, tags: stackTags, capabilities: capabilities,
                                                 stackName: stackName, stackID: stack.stackID, accountID: accountID, region: region, previous: stack)
                if stack.templateBody == templateBody, stack.parameters == plan.parameters, stack.tags == stackTags,
                   Self.updatableStatuses.contains(stack.status) {
                    return .unchanged
                }
                if stack.status == "ROLLBACK_COMPLETE" || stack.status == "CREATE_FAILED" {
                    // A stack that never came up is replaced, as `cdk deploy` does.
                    _ = try await engine.delete(stack, retain: [], token: nil)
                } else {
                    return .updated(status: try await engine.update(stack, plan: plan, token: nil).status)
                }
            }
            let context = AWSRequestContext(requestID: RequestID.make(), accountID: accountID, region: region, accessKeyID: nil,
                                            request: AWSRequest(method: "POST", target: "/"))
            let stackID = newStackID(name: stackName, context: context)
            let plan = try await engine.plan(templateBody: templateBody, parameters: given, tags: stackTags, capabilities: capabilities,
                                             stackName: stackName, stackID: stackID, accountID: accountID, region: region, previous: nil)
            let stack = StackRecord(stackID: stackID, stackName: stackName, accountID: accountID, region: region, status: "CREATE_IN_PROGRESS",
                                    description: plan.template.description, templateBody: templateBody, parameters: plan.parameters,
                                    tags: plan.tags, capabilities: plan.capabilities, creationTime: clock.now)
            return .created(status: try await engine.create(stack, plan: plan, onFailure: .rollback, token: nil).status)
        }
    }

    /// The parameter values of a live stack, by key (empty when there is no such stack).
    public func parameters(stackName: String, accountID: String, region: String) throws -> [String: String] {
        guard let stack = try store.stack(stackName, accountID: accountID, region: region) else { return [:] }
        return Dictionary(stack.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The outputs of a live stack, by key.
    public func outputs(stackName: String, accountID: String, region: String) throws -> [String: String] {
        guard let stack = try store.stack(stackName, accountID: accountID, region: region) else { return [:] }
        return Dictionary(stack.outputs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The CDK bootstrap stack (`CDKToolkit`) as `cdk bootstrap` leaves it, so the guide's
    /// bootstrap check passes. Its version parameter lives in SSM.
    public static let cdkToolkitTemplate = """
        {
          "Description": "This stack includes resources needed to deploy AWS CDK apps into this environment",
          "Parameters": {
            "Qualifier": {"Type": "String", "Default": "hnb659fds", "AllowedPattern": "[A-Za-z0-9_-]{1,10}"}
          },
          "Resources": {
            "CdkBootstrapVersion": {
              "Type": "AWS::SSM::Parameter",
              "Properties": {"Type": "String", "Name": {"Fn::Sub": "/cdk-bootstrap/${Qualifier}/version"}, "Value": "21"}
            }
          },
          "Outputs": {
            "BucketName": {"Value": {"Fn::Sub": "cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}"}},
            "BucketDomainName": {"Value": {"Fn::Sub": "cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}.s3.${AWS::Region}.${AWS::URLSuffix}"}},
            "ImageRepositoryName": {"Value": {"Fn::Sub": "cdk-${Qualifier}-container-assets-${AWS::AccountId}-${AWS::Region}"}},
            "BootstrapVersion": {"Description": "The version of the bootstrap resources that are currently mastered in this stack", "Value": {"Fn::GetAtt": ["CdkBootstrapVersion", "Value"]}}
          }
        }
        """
}
