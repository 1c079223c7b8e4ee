import AWSCore
import Foundation
import Testing
@testable import AppSyncService

/// What one Mesh v2 `reportDataByNode` mutation costs in the GraphQL layer (the fixture's resolver
/// is a closure, no subscribers): through `AppSyncBackend.execute` (the direct executor), and
/// through GraphQLSwift's `execute` for comparison. Prints the rates; asserts nothing about them.
@Suite struct MutationThroughputTests {
    static let mutation = """
        mutation R($g: ID!, $n: ID!) { reportDataByNode(groupId: $g, domain: "d", nodeId: $n, data: [{key: "temperature", value: "21"}]) {
          groupId domain nodeStatus { nodeId groupId domain data { key value } timestamp } } }
        """

    @Test func reportDataByNodeRate() async throws {
        let f = try Fixture.make()
        let runtime = try #require(try f.backend.runtime(apiId: f.apiId))
        let document = try runtime.parsedDocument(for: Self.mutation).get().document
        let count = 3_000
        let direct = await Self.rate(count) { i in
            _ = await f.backend.execute(apiId: f.apiId, query: Self.mutation, variables: ["g": "g1", "n": .string("n\(i)")])
        }
        let library = await Self.rate(count) { i in
            _ = await runtime.executeWithLibrary(document, variables: ["g": "g1", "n": .string("n\(i)")], operationName: nil, caller: CallerInfo())
        }
        print("reportDataByNode: direct executor \(direct) mutations/s (AppSyncBackend.execute), GraphQLSwift execute \(library) mutations/s")
    }

    static func rate(_ count: Int, _ body: (Int) async -> Void) async -> Int {
        for i in 0..<200 { await body(i) }  // warm caches
        let started = ContinuousClock.now
        for i in 0..<count { await body(i) }
        let elapsed = ContinuousClock.now - started
        return Int(Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
    }
}
