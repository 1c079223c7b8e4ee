import AWSCore
import Foundation
import SandboxStorage
@testable import ResourceGroupsService

/// A service holding tagged resources in memory, standing in for DynamoDB, AppSync and the rest.
final class FakeSource: TaggedResourceSource, @unchecked Sendable {
    private let lock = NSLock()
    private var resources: [TaggedResource]

    init(_ resources: [TaggedResource]) { self.resources = resources }

    func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        lock.withLock { resources.filter { ARN($0.arn)?.accountID == accountID && ARN($0.arn)?.region == region } }
    }

    func owns(arn: ARN) -> Bool { arn.service == "dynamodb" || arn.service == "appsync" }

    func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        lock.withLock {
            guard let i = resources.firstIndex(where: { $0.arn == arn }) else { return }
            TagList.merge(tags, into: &resources[i].tags)
        }
    }

    func untagResource(arn: String, keys: [String]) async throws {
        lock.withLock {
            guard let i = resources.firstIndex(where: { $0.arn == arn }) else { return }
            resources[i].tags.removeAll { keys.contains($0.key) }
        }
    }

    func tags(of arn: String) -> [String: String] {
        lock.withLock { Dictionary(resources.first { $0.arn == arn }?.tags.map { ($0.key, $0.value) } ?? [], uniquingKeysWith: { $1 }) }
    }
}

/// CloudFormation as Resource Groups sees it: stack ids and their members' ARNs.
final class FakeStacks: StackMembershipSource, @unchecked Sendable {
    private let lock = NSLock()
    private var stacks: [String: StackMembership] = [:]

    func set(_ id: String, _ membership: StackMembership?) { lock.withLock { stacks[id] = membership } }

    func stackMembership(stackID: String, accountID: String, region: String) async throws -> StackMembership? {
        lock.withLock { stacks[stackID] }
    }
}

enum Fixture {
    static let account = "123456789012", region = "ap-northeast-1"
    static let stgStack = "arn:aws:cloudformation:ap-northeast-1:123456789012:stack/MeshV2Stack-stg/0f6a6a40-1111-2222-3333-444455556666"
    static let stgTable = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/MeshV2Table-stg"
    static let prodTable = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/MeshV2Table"
    static let stgAPI = "arn:aws:appsync:ap-northeast-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz"

    static func tags(_ stage: String, _ type: String) -> [(key: String, value: String)] {
        [("Project", "MeshV2"), ("Stage", stage), ("Service", "AppSync"), ("ResourceType", type), ("ManagedBy", "CDK")]
    }

    static var context: AWSRequestContext {
        AWSRequestContext(requestID: "r", accountID: account, region: region, accessKeyID: nil, request: AWSRequest(method: "POST", target: "/"))
    }
}

/// The two services over one fake registry, called as the router would call them.
struct Harness {
    let source = FakeSource([
        TaggedResource(arn: Fixture.stgTable, resourceType: "AWS::DynamoDB::Table", tags: Fixture.tags("stg", "DynamoDB")),
        TaggedResource(arn: Fixture.prodTable, resourceType: "AWS::DynamoDB::Table", tags: Fixture.tags("prod", "DynamoDB")),
        TaggedResource(arn: Fixture.stgAPI, resourceType: "AWS::AppSync::GraphQLApi", tags: Fixture.tags("stg", "GraphQLAPI")),
    ])
    let stacks = FakeStacks()
    let groups: ResourceGroupsService
    let tagging: TaggingService

    init() throws {
        let database = try SQLiteDatabase(path: nil)
        try database.migrate(ResourceGroupStore.migrations)
        let store = ResourceGroupStore(database: database)
        let registry = ResourceRegistry(sources: [source, store])
        groups = ResourceGroupsService(store: store, registry: registry, stacks: stacks)
        tagging = TaggingService(registry: registry)
        stacks.set(Fixture.stgStack, StackMembership(isActive: true, resourceARNs: [Fixture.stgTable, Fixture.stgAPI, "arn:aws:iam::123456789012:role/x"]))
    }

    func call(_ service: any AWSService, _ operation: String, _ members: JSONObject) async throws -> JSONValue {
        guard let op = service.operations.first(where: { $0.name == operation }) else { fatalError("no operation \(operation)") }
        return try await op.handler(OperationInput(members: members), Fixture.context)
    }

    /// `CreateGroup` with a TAG_FILTERS_1_0 query for one stage, as guide §10.1 writes it.
    @discardableResult
    func createStageGroup(_ stage: String) async throws -> JSONValue {
        let query = #"{"ResourceTypeFilters":["AWS::AllSupported"],"TagFilters":[{"Key":"Project","Values":["MeshV2"]},{"Key":"Stage","Values":["\#(stage)"]}]}"#
        return try await call(groups, "CreateGroup", [
            "Name": .string("MeshV2-\(stage)"),
            "ResourceQuery": ["Type": "TAG_FILTERS_1_0", "Query": .string(query)],
            "Tags": ["Project": "MeshV2", "Stage": .string(stage)],
        ])
    }

    func memberARNs(_ group: String, _ extra: JSONObject = [:]) async throws -> [String] {
        var members = extra
        members["GroupName"] = .string(group)
        let out = try await call(groups, "ListGroupResources", members)
        return (out["ResourceIdentifiers"]?.arrayValue ?? []).compactMap { $0["ResourceArn"]?.stringValue }
    }
}

extension JSONValue {
    /// The `i`th element of an array, for reading replies in tests.
    subscript(i: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(i) else { return nil }
        return array[i]
    }
}
