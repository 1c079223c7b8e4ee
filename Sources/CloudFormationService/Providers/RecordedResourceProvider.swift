import AWSCore
import Foundation

/// Resource types the sandbox records without emulating (IAM, Lambda functions, certificates,
/// DNS records, CDK metadata…): a stack that contains them deploys, their `Ref`/`GetAtt` values
/// look like AWS's, and `describe-stack-resources` lists them.
struct RecordedResourceProvider: CloudFormationResourceProvider {
    let resourceTypes = [
        "AWS::CDK::Metadata", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile",
        "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Lambda::LayerVersion", "AWS::CertificateManager::Certificate",
"Custom::LogRetention", "AWS::CloudFormation::WaitConditionHandle",
    ]

    func create(_ request: ResourceRequest) async throws -> ResourceResult {
        let p = request.properties
        let account = request.accountID, region = request.region
        switch request.resourceType {
        case "AWS::IAM::Role":
            let name = p["RoleName"]?.stringValue ?? request.generatedName(maxLength: 64)
            return ResourceResult(physicalID: name, attributes: [
                "Arn": .string("arn:aws:iam::\(account):role/\(name)"), "RoleId": .string("AROA" + Self.randomID(17)),
            ])
        case "AWS::IAM::Policy":
            return ResourceResult(physicalID: "\(request.stackName.prefix(6))-\(request.logicalID.prefix(8))-\(Self.randomID(12))",
                                  attributes: [:])
        case "AWS::IAM::ManagedPolicy":
            let name = p["ManagedPolicyName"]?.stringValue ?? request.generatedName(maxLength: 128)
            let arn = "arn:aws:iam::\(account):policy/\(name)"
            return ResourceResult(physicalID: arn, attributes: ["PolicyArn": .string(arn)])
        case "AWS::Lambda::Function":
            let name = p["FunctionName"]?.stringValue ?? request.generatedName(maxLength: 64)
            return ResourceResult(physicalID: name, attributes: ["Arn": .string("arn:aws:lambda:\(region):\(account):function:\(name)")])
        case "AWS::CertificateManager::Certificate":
            let arn = "arn:aws:acm:\(region):\(account):certificate/\(RandomUUID.lowercased())"
            return ResourceResult(physicalID: arn, attributes: [:])
        default:
            return ResourceResult(physicalID: "\(request.stackName)-\(request.logicalID)-\(Self.randomID(12))", attributes: [:])
        }
    }

    func update(_ request: ResourceRequest) async throws -> ResourceResult {
        ResourceResult(physicalID: request.physicalID ?? request.logicalID, attributes: request.previousAttributes ?? [:])
    }

    func delete(_ request: ResourceRequest) async throws {}

    static func randomID(_ length: Int) -> String {
        String((0..<length).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! })
    }
}
