import AWSCore
import Foundation
import SandboxStorage
@testable import CostExplorerService

/// Resources with fixed tags, standing in for the services' tag sources.
final class FakeTagSource: TaggedResourceSource, @unchecked Sendable {
    private let lock = NSLock()
    private var resources: [TaggedResource]

    init(_ resources: [TaggedResource]) { self.resources = resources }

    func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        lock.withLock { resources.filter { ARN($0.arn)?.accountID == accountID && ARN($0.arn)?.region == region } }
    }

    func owns(arn: ARN) -> Bool { true }

    func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        lock.withLock {
            for i in resources.indices where resources[i].arn == arn {
                for tag in tags {
                    resources[i].tags.removeAll { $0.key == tag.key }
                    resources[i].tags.append(tag)
                }
            }
        }
    }

    func untagResource(arn: String, keys: [String]) async throws {}
}

/// Records usage as given, for checking what a service meters.
final class RecordingMeter: UsageMeter, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UsageRecord] = []
    var records: [UsageRecord] { lock.withLock { stored } }
    func record(_ usage: UsageRecord) { lock.withLock { stored.append(usage) } }

    func total(_ usageType: String) -> Double { records.filter { $0.usageType == usageType }.reduce(0) { $0 + $1.quantity } }
}

let account = "123456789012"
let stgTable = "arn:aws:dynamodb:ap-northeast-1:\(account):table/MeshV2Table-stg"
let prodTable = "arn:aws:dynamodb:ap-northeast-1:\(account):table/MeshV2Table"
let stgAPI = "arn:aws:appsync:ap-northeast-1:\(account):apis/stgapi"

/// A Cost Explorer over an in-memory database, a manual clock at 2026-11-15T10:00Z and tagged
/// stg/prod resources.
struct Fixture {
    let clock: ManualClock
    let meter: CostMeter
    let service: CostExplorerService
    let source: FakeTagSource

    init() throws {
        clock = ManualClock(Date(timeIntervalSince1970: 1_794_736_800))  // 2026-11-15T10:00:00Z
        source = FakeTagSource([
        TaggedResource(arn: stgTable, resourceType: "AWS::DynamoDB::Table", tags: [("Stage", "stg"), ("Project", "smalruby-mesh-v2")]),
        TaggedResource(arn: prodTable, resourceType: "AWS::DynamoDB::Table", tags: [("Stage", "prod"), ("Project", "smalruby-mesh-v2")]),
        TaggedResource(arn: stgAPI, resourceType: "AWS::AppSync::GraphQLApi", tags: [("Stage", "stg")]),
        ])
        meter = try CostMeter(database: try SQLiteDatabase(path: nil), clock: clock)
        meter.attribute(to: ResourceRegistry(sources: [source]))
        service = CostExplorerService(meter: meter)
    }

    func use(_ usageType: String, _ quantity: Double, arn: String?, service: String = "Amazon DynamoDB", region: String = "ap-northeast-1") {
        meter.record(UsageRecord(time: clock.now.timeIntervalSince1970, accountID: account, region: region, service: service,
                                 usageType: usageType, operation: "PayPerRequestThroughput", resourceARN: arn, quantity: quantity))
    }

    func call(_ operation: String, _ members: JSONObject) async throws -> JSONValue {
        let context = AWSRequestContext(requestID: "r", accountID: account, region: "us-east-1", accessKeyID: nil,
                                        request: AWSRequest(method: "POST", target: "/"))
        return try await service.operations.first { $0.name == operation }!.handler(OperationInput(members: members), context)
    }

    static let november: JSONValue = ["Start": "2026-11-01", "End": "2026-12-01"]
}

func amount(_ value: JSONValue?) -> Double { Double(value?["Amount"]?.stringValue ?? "") ?? .nan }

func approx(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
