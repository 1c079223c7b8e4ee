import AWSCore
import Foundation
import Testing
@testable import CloudFormationService
@testable import MeshV2App

@Suite struct StageConfigurationTests {
    @Test func guideValuesPerStage() throws {
        let stg = try #require(MeshV2Fixtures.stage(named: ".env.stg"))
        #expect(stg.stage == "stg" && stg.stackName == "MeshV2Stack-stg" && stg.tableName == "MeshV2Table-stg" && stg.apiName == "MeshV2Api-stg")
        #expect(["MESH_HOST_HEARTBEAT_INTERVAL_SECONDS", "MESH_HOST_HEARTBEAT_TTL_SECONDS", "MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS",
                 "MESH_MEMBER_HEARTBEAT_TTL_SECONDS", "MESH_MAX_CONNECTION_TIME_SECONDS"].map { stg.integer($0) } == [15, 60, 15, 60, 300])
        #expect(stg.customDomain == "stg.graphql.api.smalruby.app")
        let prod = try #require(MeshV2Fixtures.stage(named: ".env.production"))
        #expect(prod.stackName == "MeshV2Stack" && prod.tableName == "MeshV2Table" && prod.customDomain == "graphql.api.smalruby.app")
        #expect(["MESH_HOST_HEARTBEAT_INTERVAL_SECONDS", "MESH_HOST_HEARTBEAT_TTL_SECONDS", "MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS",
                 "MESH_MEMBER_HEARTBEAT_TTL_SECONDS", "MESH_MAX_CONNECTION_TIME_SECONDS"].map { prod.integer($0) } == [60, 150, 120, 600, 1500])
        #expect(MeshV2Fixtures.stage(named: ".env.stg2")?.stackName == "MeshV2Stack-stg2")
    }

    @Test func precedenceFollowsTheCDKApp() {
        // .env beats the environment (dotenv override: true); --stage beats both; empty values fall back.
        let c = StageConfiguration(explicitStage: nil, envFile: ["STAGE": "stg2", "MESH_EVENT_TTL_SECONDS": ""],
                                   environment: ["STAGE": "prod", "MESH_EVENT_TTL_SECONDS": "99", "MESH_POLLING_INTERVAL_SECONDS": "5"])
        #expect(c.stage == "stg2")
        #expect(c.settings["MESH_EVENT_TTL_SECONDS"] == "10")
        #expect(c.settings["MESH_POLLING_INTERVAL_SECONDS"] == "5")
        #expect(StageConfiguration(explicitStage: "prod", envFile: ["STAGE": "stg"]).stage == "prod")
        #expect(StageConfiguration().stage == "stg")
        #expect(StageConfiguration(explicitStage: "prod").settings["MESH_MAX_CONNECTION_TIME_SECONDS"] == "1500")
        #expect(StageConfiguration(envFile: ["APPSYNC_CUSTOM_DOMAIN": "false"]).customDomain == nil)
    }

    @Test func dotEnvParsing() {
        let values = DotEnv.parse("""
            # comment
            export STAGE=stg
            A="quoted # not comment"
            B='single'
            C=plain # trailing comment
            D=
            """)
        #expect(values == ["STAGE": "stg", "A": "quoted # not comment", "B": "single", "C": "plain", "D": ""])
    }
}

@Suite struct FixturesTests {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures")

    @Test func repositoryFixturesMatchWhatTheBinaryEmbeds() throws {
        for (path, contents) in MeshV2Fixtures.files() {
            let onDisk = try String(contentsOf: Self.fixturesDirectory.appendingPathComponent(path), encoding: .utf8)
            #expect(onDisk == contents, "fixtures/\(path) differs from the embedded copy: run `mesh-sandbox fixtures --output fixtures`")
        }
    }

    @Test func templateIsAValidStackWithTheFifteenResolvers() throws {
        for stageFile in [".env.stg", ".env.production"] {
            let stage = try #require(MeshV2Fixtures.stage(named: stageFile))
            let template = try Template(MeshV2StackTemplate(stage: stage).render().objectValue!)
            #expect(template.resources.filter { $0.type == "AWS::AppSync::Resolver" }.count == 15)
            #expect(template.resources.filter { $0.type == "AWS::AppSync::FunctionConfiguration" }.count == 10)
            #expect(template.outputs.map(\.key) == ["TableName", "TableArn", "GraphQLApiEndpoint", "GraphQLApiKey", "GraphQLApiId", "CustomDomainUrl"])
            _ = try template.creationOrder(of: template.resources)
            let table = try #require(template.resource("MeshV2Table"))
            #expect(table.properties["TableName"] == .string(stage.tableName))
            #expect(table.properties["Tags"]?.arrayValue?.count == 5)
        }
    }
}
