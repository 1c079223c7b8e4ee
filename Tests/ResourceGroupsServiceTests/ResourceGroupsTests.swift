import AWSCore
import Testing
@testable import ResourceGroupsService

@Suite struct ResourceGroupsTests {
    let h: Harness

    init() throws { h = try Harness() }

    static func groupARN(_ name: String) -> String { "arn:aws:resource-groups:ap-northeast-1:123456789012:group/\(name)" }

    @Test func tagQueryGroupListsTheStageResourcesAndItself() async throws {
        let created = try await h.createStageGroup("stg")
        #expect(created["Group"]?["GroupArn"]?.stringValue == Self.groupARN("MeshV2-stg"))
        #expect(created["Tags"]?["Stage"]?.stringValue == "stg")
        try await h.createStageGroup("prod")
        // A group tagged like its own query is one of its members, as in AWS.
        #expect(try await h.memberARNs("MeshV2-stg") == [Fixture.stgTable, Fixture.stgAPI, Self.groupARN("MeshV2-stg")])
        #expect(try await h.memberARNs("MeshV2-prod") == [Fixture.prodTable, Self.groupARN("MeshV2-prod")])
        let tables = try await h.memberARNs("MeshV2-stg", ["Filters": [["Name": "resource-type", "Values": ["AWS::DynamoDB::Table"]]]])
        #expect(tables == [Fixture.stgTable])
        let out = try await h.call(h.groups, "ListGroupResources", ["Group": .string(Self.groupARN("MeshV2-stg"))])
        #expect(out["Resources"]?[0]?["Identifier"]?["ResourceType"]?.stringValue == "AWS::DynamoDB::Table")
        #expect(out["QueryErrors"]?.arrayValue?.isEmpty == true)
    }

    @Test func membersAreEvaluatedLive() async throws {
        try await h.createStageGroup("stg")
        try await h.source.untagResource(arn: Fixture.stgAPI, keys: ["Stage"])
        #expect(try await h.memberARNs("MeshV2-stg") == [Fixture.stgTable, Self.groupARN("MeshV2-stg")])
    }

    @Test func stackQueryListsTheStacksTaggableResources() async throws {
        let query = #"{"ResourceTypeFilters":["AWS::AllSupported"],"StackIdentifier":"\#(Fixture.stgStack)"}"#
        _ = try await h.call(h.groups, "CreateGroup", ["Name": "stg-stack", "ResourceQuery": ["Type": "CLOUDFORMATION_STACK_1_0", "Query": .string(query)]])
        #expect(try await h.memberARNs("stg-stack") == [Fixture.stgTable, Fixture.stgAPI])
        h.stacks.set(Fixture.stgStack, StackMembership(isActive: false, resourceARNs: []))
        let out = try await h.call(h.groups, "ListGroupResources", ["GroupName": "stg-stack"])
        #expect(out["QueryErrors"]?[0]?["ErrorCode"]?.stringValue == "CLOUDFORMATION_STACK_INACTIVE")
        #expect(out["ResourceIdentifiers"]?.arrayValue?.isEmpty == true)
    }

    @Test(arguments: [
        ("TAG_FILTERS_1_0", "not json", "Invalid query: Invalid query format: check JSON syntax"),
        ("TAG_FILTERS_1_0", #"{"ResourceTypeFilters":["AWS::AllSupported"],"TagFilters":[]}"#,
         "Invalid query: The TagFilters list must contain between 1 and 50 elements"),
        ("TAG_FILTERS_1_0", #"{"ResourceTypeFilters":["AWS::AllSupported"],"TagFilters":[{"Key":"","Values":[]}]}"#,
         "Invalid query: The TagFilter element cannot have empty or null Key field"),
        ("TAG_FILTERS_1_0", #"{"ResourceTypeFilters":["AWS::AllSupported"],"StackIdentifier":"x"}"#,
         "Invalid query: Invalid query format: check JSON syntax"),
        ("CLOUDFORMATION_STACK_1_0", #"{"ResourceTypeFilters":["AWS::AllSupported"],"StackIdentifier":"arn:aws:s3:::bucket"}"#,
         "Invalid query: Verify that the specified ARN is formatted correctly."),
        ("CLOUDFORMATION_STACK_1_0",
         #"{"ResourceTypeFilters":["AWS::AllSupported"],"StackIdentifier":"arn:aws:cloudformation:ap-northeast-1:123456789012:stack/Gone/0f6a"}"#,
         "Invalid query: The specified CloudFormation stack doesn't exist."),
        ("TAG_QUERY", "{}", "1 validation error detected: Value 'TAG_QUERY' at 'resourceQuery.type' failed to satisfy constraint: Member must satisfy enum value set: [TAG_FILTERS_1_0, CLOUDFORMATION_STACK_1_0]"),
    ])
    func invalidQueriesAreRefusedWithResourceGroupsWording(type: String, query: String, message: String) async throws {
        await #expect(throws: ResourceGroupsError.badRequest(message)) {
            try await h.call(h.groups, "CreateGroup", ["Name": "g", "ResourceQuery": ["Type": .string(type), "Query": .string(query)]])
        }
    }

    @Test func groupLifecycle() async throws {
        try await h.createStageGroup("stg")
        await #expect(throws: ResourceGroupsError.badRequest("Cannot create group: group already exists")) { try await h.createStageGroup("stg") }
        let updated = try await h.call(h.groups, "UpdateGroup", ["GroupName": "MeshV2-stg", "Description": "Staging resources", "Owner": "mesh"])
        #expect(updated["Group"]?["Description"]?.stringValue == "Staging resources")
        let query = #"{"ResourceTypeFilters":["AWS::DynamoDB::Table"],"TagFilters":[{"Key":"Stage","Values":["stg"]}]}"#
        let newQuery = try await h.call(h.groups, "UpdateGroupQuery", ["Group": "MeshV2-stg", "ResourceQuery": ["Type": "TAG_FILTERS_1_0", "Query": .string(query)]])
        #expect(newQuery["GroupQuery"]?["ResourceQuery"]?["Query"]?.stringValue == query)
        #expect(try await h.memberARNs("MeshV2-stg") == [Fixture.stgTable])
        let got = try await h.call(h.groups, "GetGroupQuery", ["GroupName": "MeshV2-stg"])
        #expect(got["GroupQuery"]?["GroupName"]?.stringValue == "MeshV2-stg")
        let deleted = try await h.call(h.groups, "DeleteGroup", ["GroupName": "MeshV2-stg"])
        #expect(deleted["Group"]?["Name"]?.stringValue == "MeshV2-stg")
        await #expect(throws: ResourceGroupsError.notFound("Cannot find group MeshV2-stg.")) {
            try await h.call(h.groups, "GetGroup", ["GroupName": "MeshV2-stg"])
        }
    }

    @Test func listGroupsPagesAndFilters() async throws {
        try await h.createStageGroup("stg")
        try await h.createStageGroup("prod")
        let first = try await h.call(h.groups, "ListGroups", ["maxResults": "1"])
        #expect(first["GroupIdentifiers"]?[0]?["GroupName"]?.stringValue == "MeshV2-prod")
        #expect(first["Groups"]?[0]?["Name"]?.stringValue == "MeshV2-prod")
        let token = try #require(first["NextToken"]?.stringValue)
        let second = try await h.call(h.groups, "ListGroups", ["maxResults": "1", "nextToken": .string(token)])
        #expect(second["Groups"]?[0]?["Name"]?.stringValue == "MeshV2-stg")
        #expect(second["NextToken"] == nil)
        await #expect(throws: ResourceGroupsError.badRequest("The specified NextToken is not valid.")) {
            try await h.call(h.groups, "ListGroups", ["nextToken": "bogus"])
        }
        await #expect(throws: ResourceGroupsError.self) { try await h.call(h.groups, "ListGroups", ["maxResults": "0"]) }
        let filtered = try await h.call(h.groups, "ListGroups", ["Filters": [["Name": "resource-type", "Values": ["AWS::EC2::Instance"]]]])
        #expect(filtered["Groups"]?.arrayValue?.isEmpty == true)
    }

    @Test func groupTagsThroughTagUntagAndTheTaggingAPI() async throws {
        try await h.createStageGroup("stg")
        let arn = Self.groupARN("MeshV2-stg")
        _ = try await h.call(h.groups, "Tag", ["Arn": .string(arn), "Tags": ["Owner": "mesh"]])
        _ = try await h.call(h.groups, "Untag", ["Arn": .string(arn), "Keys": ["Project"]])
        _ = try await h.call(h.tagging, "TagResources", ["ResourceARNList": [.string(arn)], "Tags": ["CostCenter": "42"]])
        let tags = try await h.call(h.groups, "GetTags", ["Arn": .string(arn)])
        #expect(tags["Tags"] == ["Stage": "stg", "Owner": "mesh", "CostCenter": "42"])
        await #expect(throws: ResourceGroupsError.badRequest("Tag keys must not start with 'aws:'")) {
            try await h.call(h.groups, "Tag", ["Arn": .string(arn), "Tags": ["aws:x": "y"]])
        }
    }

    @Test func searchResourcesEvaluatesAQueryWithoutAGroup() async throws {
        let query = #"{"ResourceTypeFilters":["AWS::AppSync::GraphQLApi"],"TagFilters":[{"Key":"Project"}]}"#
        let out = try await h.call(h.groups, "SearchResources", ["ResourceQuery": ["Type": "TAG_FILTERS_1_0", "Query": .string(query)]])
        #expect(out["ResourceIdentifiers"] == [["ResourceArn": .string(Fixture.stgAPI), "ResourceType": "AWS::AppSync::GraphQLApi"]])
    }
}

@Suite struct TaggingAPITests {
    let h: Harness

    init() throws { h = try Harness() }

    func arns(_ out: JSONValue) -> [String] {
        (out["ResourceTagMappingList"]?.arrayValue ?? []).compactMap { $0["ResourceARN"]?.stringValue }
    }

    @Test func getResourcesFiltersByTagsAndTypes() async throws {
        let stg = try await h.call(h.tagging, "GetResources", ["TagFilters": [["Key": "Stage", "Values": ["stg"]]]])
        #expect(arns(stg) == [Fixture.stgTable, Fixture.stgAPI])
        #expect(stg["PaginationToken"]?.stringValue == "")
        let tables = try await h.call(h.tagging, "GetResources", ["ResourceTypeFilters": ["dynamodb:table"]])
        #expect(arns(tables) == [Fixture.stgTable, Fixture.prodTable])
        let appsync = try await h.call(h.tagging, "GetResources", ["ResourceTypeFilters": ["appsync"], "TagFilters": [["Key": "Project"]]])
        #expect(arns(appsync) == [Fixture.stgAPI])
        let paged = try await h.call(h.tagging, "GetResources", ["ResourcesPerPage": 2])
        #expect(arns(paged).count == 2)
        let rest = try await h.call(h.tagging, "GetResources", ["ResourcesPerPage": 2, "PaginationToken": paged["PaginationToken"] ?? ""])
        #expect(arns(rest) == [Fixture.stgAPI])
        await #expect(throws: TaggingError.paginationTokenExpired) { try await h.call(h.tagging, "GetResources", ["PaginationToken": "zzz"]) }
        await #expect(throws: TaggingError.self) { try await h.call(h.tagging, "GetResources", ["ResourcesPerPage": 0]) }
    }

    @Test func tagChangesReachTheOwningService() async throws {
        let out = try await h.call(h.tagging, "TagResources", [
            "ResourceARNList": [.string(Fixture.stgTable), "arn:aws:s3:::not-emulated"], "Tags": ["Team": "mesh"],
        ])
        #expect(h.source.tags(of: Fixture.stgTable)["Team"] == "mesh")
        #expect(out["FailedResourcesMap"]?["arn:aws:s3:::not-emulated"]?["ErrorCode"]?.stringValue == "InvalidParameterException")
        #expect(out["FailedResourcesMap"]?[Fixture.stgTable] == nil)
        _ = try await h.call(h.tagging, "UntagResources", ["ResourceARNList": [.string(Fixture.stgTable)], "TagKeys": ["Team", "ManagedBy"]])
        #expect(h.source.tags(of: Fixture.stgTable)["Team"] == nil)
        #expect(h.source.tags(of: Fixture.stgTable)["ManagedBy"] == nil)
        await #expect(throws: TaggingError.self) { try await h.call(h.tagging, "TagResources", ["ResourceARNList": [.string(Fixture.stgTable)]]) }
    }

    @Test func tagKeysAndValues() async throws {
        let keys = try await h.call(h.tagging, "GetTagKeys", [:])
        #expect(keys["TagKeys"] == ["ManagedBy", "Project", "ResourceType", "Service", "Stage"])
        let values = try await h.call(h.tagging, "GetTagValues", ["Key": "Stage"])
        #expect(values["TagValues"] == ["prod", "stg"])
    }
}
