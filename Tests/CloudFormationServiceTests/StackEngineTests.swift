import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import CloudFormationService

/// Records what CloudFormation asked of it; fails on request.
final class FakeProvider: CloudFormationResourceProvider, @unchecked Sendable {
    let resourceTypes = ["Test::Thing", "Test::Broken"]
    private let lock = NSLock()
    private(set) var calls: [String] = []
    private(set) var live: Set<String> = []
    var failUpdatesOf: String?

    private func note(_ call: String) { lock.withLock { calls.append(call) } }

    func create(_ r: ResourceRequest) async throws -> ResourceResult {
        if r.resourceType == "Test::Broken" { throw CloudFormationError.validation("Thing is broken") }
        let id = "\(r.logicalID)-\(r.properties["Name"]?.stringValue ?? "x")"
        note("create \(id)")
        lock.withLock { _ = live.insert(id) }
        return ResourceResult(physicalID: id, attributes: ["Arn": .string("arn:\(id)")])
    }

    func requiresReplacement(_ r: ResourceRequest) -> Bool { r.properties["Name"] != r.previousProperties?["Name"] }

    func update(_ r: ResourceRequest) async throws -> ResourceResult {
        if r.logicalID == failUpdatesOf { throw CloudFormationError.validation("update refused") }
        note("update \(r.physicalID!)")
        return ResourceResult(physicalID: r.physicalID!, attributes: ["Arn": .string("arn:\(r.physicalID!)")])
    }

    func delete(_ r: ResourceRequest) async throws {
        note("delete \(r.physicalID!)")
        lock.withLock { _ = live.remove(r.physicalID!) }
    }
}

@Suite struct StackEngineTests {
    let provider = FakeProvider()
    let service: CloudFormationService
    let context = AWSRequestContext(requestID: "r", accountID: "123456789012", region: "ap-northeast-1", accessKeyID: nil,
                                    request: AWSRequest(method: "POST", target: "/"))

    init() throws {
        let database = try SQLiteDatabase(path: nil)
        try database.migrate(CloudFormationService.migrations)
        service = CloudFormationService(database: database, clock: ManualClock(), providers: [provider])
    }

    let template = """
        Parameters: {Suffix: {Type: String, Default: a}}
        Resources:
          Second: {Type: Test::Thing, Properties: {Name: !Sub "two-${Suffix}", Upstream: !GetAtt First.Arn}}
          First: {Type: Test::Thing, Properties: {Name: one, Note: !Ref Suffix}}
        Outputs:
          SecondArn: {Value: !GetAtt Second.Arn, Export: {Name: second-arn}}
        """

    func deploy(_ body: String, _ parameters: [String: String] = [:]) async throws -> CloudFormationService.DeployOutcome {
        try await service.deploy(stackName: "S", templateBody: body, parameters: parameters, accountID: context.accountID, region: context.region)
    }

    func stack() throws -> StackRecord { try service.requireStack("S", context) }

    @Test func createsInDependencyOrderAndResolvesOutputs() async throws {
        #expect(try await deploy(template) == .created(status: "CREATE_COMPLETE"))
        #expect(provider.calls == ["create First-one", "create Second-two-a"])
        #expect(try stack().outputs.map(\.value) == ["arn:Second-two-a"])
        #expect(try await deploy(template) == .unchanged)
    }

    @Test func failedCreateRollsBackWithTheResourceReason() async throws {
        let body = """
            Resources:
              First: {Type: Test::Thing, Properties: {Name: one}}
              Bad: {Type: Test::Broken, DependsOn: First}
            """
        #expect(try await deploy(body) == .created(status: "ROLLBACK_COMPLETE"))
        #expect(provider.calls == ["create First-one", "delete First-one"])
        let events = try service.store.events(stackID: try stack().stackID)
        let failure = try #require(events.first { $0.logicalID == "Bad" && $0.status == "CREATE_FAILED" })
        #expect(failure.statusReason?.hasPrefix("Thing is broken") == true)
        #expect(events.first?.status == "ROLLBACK_COMPLETE")
    }

    @Test func unsupportedTypeFailsTheStackClearly() async throws {
        #expect(try await deploy("Resources: {Q: {Type: AWS::SQS::Queue}}") == .created(status: "ROLLBACK_COMPLETE"))
        let events = try service.store.events(stackID: try stack().stackID)
        #expect(events.contains { $0.statusReason == "Resource type AWS::SQS::Queue is not supported by mesh-sandbox (see docs/supported-operations.md)" })
    }

    @Test func updateModifiesReplacesAndRemoves() async throws {
        _ = try await deploy(template)
        let next = """
            Parameters: {Suffix: {Type: String, Default: a}}
            Resources:
              First: {Type: Test::Thing, Properties: {Name: one, Note: changed}}
              Third: {Type: Test::Thing, Properties: {Name: three}}
            """
        #expect(try await deploy(next, ["Suffix": "b"]) == .updated(status: "UPDATE_COMPLETE"))
        #expect(provider.calls.suffix(3) == ["update First-one", "create Third-three", "delete Second-two-a"])
        #expect(provider.live == ["First-one", "Third-three"])
        // Changing the name needs a new physical resource: create first, delete the old one after.
        _ = try await deploy(next.replacingOccurrences(of: "Name: three", with: "Name: four"), ["Suffix": "b"])
        #expect(provider.calls.suffix(2) == ["create Third-four", "delete Third-three"])
    }

    @Test func updateReplacePolicyRetainKeepsTheReplacedResource() async throws {
        let body = "Resources:\n  Thing: {Type: Test::Thing, UpdateReplacePolicy: Retain, Properties: {Name: one}}"
        _ = try await deploy(body)
        _ = try await deploy(body.replacingOccurrences(of: "Name: one", with: "Name: two"))
        #expect(provider.calls == ["create Thing-one", "create Thing-two"])
        #expect(provider.live == ["Thing-one", "Thing-two"])
    }

    @Test func failedUpdateRollsBack() async throws {
        _ = try await deploy(template)
        provider.failUpdatesOf = "Second"
        let next = template.replacingOccurrences(of: "Note: !Ref Suffix", with: "Note: new").replacingOccurrences(of: "Upstream: !GetAtt First.Arn", with: "Upstream: !GetAtt First.Arn, Extra: y")
        #expect(try await deploy(next) == .updated(status: "UPDATE_ROLLBACK_COMPLETE"))
        #expect(provider.calls.suffix(2) == ["update First-one", "update First-one"])
        #expect(try stack().templateBody == template)
    }

    @Test func deleteHonoursRetainAndReverseOrder() async throws {
        _ = try await deploy(template.replacingOccurrences(of: "First: {Type: Test::Thing,", with: "First: {Type: Test::Thing, DeletionPolicy: Retain,"))
        let s = try stack()
        let deleted = try await service.engine.delete(s, retain: [], token: nil)
        #expect(deleted.status == "DELETE_COMPLETE")
        #expect(provider.calls.last == "delete Second-two-a")
        #expect(provider.live == ["First-one"])
        #expect(throws: CloudFormationError.stackDoesNotExist("S")) { try service.requireStack("S", context) }
    }
}
