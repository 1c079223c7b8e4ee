import AWSCore
import Foundation
import Testing
@testable import AppSyncService

/// The Mesh v2 production profile in process: 10 groups × 40 subscribers, mutations through the
/// executor, fan-out through the hub. Checks every subscriber gets every message of its group, in
/// order, and prints the rate reached (a debug build is several times slower than release).
@Suite struct FanOutThroughputTests {
    @Test func productionProfileDeliversEveryMessageInOrder() async throws {
        let f = try Fixture.make()
        let runtime = try #require(try f.backend.runtime(apiId: f.apiId))
        let query = "subscription S($g: ID!, $d: String!) { onMessageInGroup(groupId: $g, domain: $d) { groupId domain nodeStatus { nodeId data { key value } timestamp } } }"
        var outboxes: [(group: Int, sender: RecordingSender)] = []
        for group in 0..<10 {
            for node in 0..<40 {
                let sender = RecordingSender()
                let outbox = RealtimeOutbox(sender: sender)
                let prepared = try await runtime.prepareSubscription(query: query, variables: ["g": .string("g\(group)"), "d": "d"],
                                                                     operationName: nil, caller: CallerInfo()).get()
                f.backend.hub.add(apiId: f.apiId, .init(outbox: outbox, id: "n\(node)", field: prepared.field, filter: prepared.filter,
                                                        projection: prepared.projection), ack: "ack")
                outboxes.append((group, sender))
            }
        }
        #expect(f.backend.hub.count(apiId: f.apiId) == 400)
        let mutation = """
            mutation R($g: ID!, $n: ID!) { reportDataByNode(groupId: $g, domain: "d", nodeId: $n, data: [{key: "temperature", value: "21"}]) {
              groupId domain nodeStatus { nodeId groupId domain data { key value } timestamp } } }
            """
        let rounds = 34  // 34 × 10 groups = 340 mutations: 0.2 s of 10× the production profile (17 msgs/s per group)
        let started = ContinuousClock.now
        for round in 0..<rounds {
            for group in 0..<10 {
                _ = await f.backend.execute(apiId: f.apiId, query: mutation, variables: ["g": .string("g\(group)"), "n": .string("m\(round)")])
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("fan-out: \(rounds * 10) mutations, \(rounds * 10 * 40) deliveries in \(String(format: "%.3f", seconds)) s"
              + " = \(Int(Double(rounds * 10) / seconds)) mutations/s (profile ×10 needs 1,700/s in release)")

        for (group, sender) in outboxes {
            var received: [String] = []
            for text in sender.texts where text != "ack" {
                let message = json(text)
                #expect(message["payload"]?["data"]?["onMessageInGroup"]?["groupId"] == .string("g\(group)"))
                received.append(message["payload"]?["data"]?["onMessageInGroup"]?["nodeStatus"]?["nodeId"]?.stringValue ?? "")
            }
            #expect(received == (0..<rounds).map { "m\($0)" })
        }
    }
}
