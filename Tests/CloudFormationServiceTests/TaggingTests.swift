import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import CloudFormationService

/// Stacks and the resources CloudFormation only records, as the tagging APIs see them.
@Suite struct CloudFormationTaggingTests {
    let service: CloudFormationService
    let account = "123456789012", region = "ap-northeast-1"

    init() throws {
        let database = try SQLiteDatabase(path: nil)
        try database.migrate(CloudFormationService.migrations)
        service = CloudFormationService(database: database, clock: ManualClock(), providers: [FakeProvider()])
    }

    let template = """
        Resources:
          Fn: {Type: AWS::Lambda::Function, Properties: {FunctionName: mesh-fn, Tags: [{Key: ResourceType, Value: Lambda}]}}
          Role: {Type: AWS::IAM::Role, Properties: {RoleName: mesh-role}}
          Thing: {Type: Test::Thing, Properties: {Name: one}}
          Meta: {Type: AWS::CDK::Metadata}
        """

    func deploy() async throws -> String {
        _ = try await service.deploy(stackName: "S", templateBody: template, tags: ["Stage": "stg"], accountID: account, region: region)
        return try #require(try await service.taggedResources(accountID: account, region: region).first { $0.resourceType == "AWS::CloudFormation::Stack" }?.arn)
    }

    func tags(_ arn: String) async throws -> [String: String] {
        let resource = try await service.taggedResources(accountID: account, region: region).first { $0.arn == arn }
        return Dictionary(resource?.tags.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { $1 })
    }

    @Test func recordedResourcesCarryTheTemplatesAndTheStacksTags() async throws {
        let stackID = try await deploy()
        let fn = "arn:aws:lambda:\(region):\(account):function:mesh-fn", role = "arn:aws:iam::\(account):role/mesh-role"
        let resources = try await service.taggedResources(accountID: account, region: region)
        #expect(resources.map(\.arn) == [stackID, fn, role])
        #expect(try await tags(fn) == ["Stage": "stg", "ResourceType": "Lambda"])
        #expect(try await tags(role) == ["Stage": "stg"])
        #expect(service.owns(arn: ARN(fn)!) && service.owns(arn: ARN(role)!) && !service.owns(arn: ARN("arn:aws:lambda:\(region):\(account):layer:x")!))

        try await service.tagResource(arn: fn, tags: [("Team", "mesh")])
        try await service.untagResource(arn: role, keys: ["Stage"])
        try await service.tagResource(arn: stackID, tags: [("Owner", "mesh")])
        #expect(try await tags(fn) == ["Stage": "stg", "ResourceType": "Lambda", "Team": "mesh"])
        #expect(try await tags(role) == [:])
        #expect(try await tags(stackID) == ["Stage": "stg", "Owner": "mesh"])
        await #expect(throws: CloudFormationError.self) { try await service.tagResource(arn: "arn:aws:lambda:\(region):\(account):function:nope", tags: [("a", "b")]) }
    }

    @Test func stackMembershipGivesEveryResourceArn() async throws {
        let stackID = try await deploy()
        let membership = try #require(try await service.stackMembership(stackID: stackID, accountID: account, region: region))
        #expect(membership.isActive)
        #expect(membership.resourceARNs == ["arn:aws:lambda:\(region):\(account):function:mesh-fn", "arn:aws:iam::\(account):role/mesh-role", "arn:Thing-one"])
        #expect(try await service.stackMembership(stackID: stackID + "0", accountID: account, region: region) == nil)
    }
}
