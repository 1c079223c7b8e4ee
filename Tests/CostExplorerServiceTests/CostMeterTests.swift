import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import CostExplorerService

@Suite struct CostMeterTests {
    @Test func aggregatesPerHourAndStoresWithTheTagsAtFlushTime() async throws {
        let f = try Fixture()
        for _ in 0..<1000 { f.use("WriteRequestUnits", 1, arn: stgTable) }
        f.clock.advance(by: 3600)
        f.use("WriteRequestUnits", 2, arn: stgTable)
        try await f.meter.flush()
        var lines = try f.meter.store.lines(accountID: account, from: 0, to: Int64.max)
        #expect(lines.count == 2)
        #expect(lines.map(\.quantity).sorted() == [2, 1000])
        #expect(lines.allSatisfy { $0.usageType == "APN1-WriteRequestUnits" && $0.tags["Stage"] == "stg" })

        // Later usage carries the tags the resource has then; earlier lines keep theirs.
        try await f.source.tagResource(arn: stgTable, tags: [("Stage", "stg2")])
        f.use("WriteRequestUnits", 3, arn: stgTable)
        try await f.meter.flush()
        lines = try f.meter.store.lines(accountID: account, from: 0, to: Int64.max)
        #expect(lines.filter { $0.tags["Stage"] == "stg2" }.map(\.quantity) == [3])
        #expect(lines.filter { $0.tags["Stage"] == "stg" }.reduce(0) { $0 + $1.quantity } == 1002)
    }

    @Test func flushesAddToStoredLines() async throws {
        let f = try Fixture()
        f.use("ReadRequestUnits", 0.5, arn: prodTable)
        try await f.meter.flush()
        f.use("ReadRequestUnits", 0.5, arn: prodTable)
        try await f.meter.flush()
        let lines = try f.meter.store.lines(accountID: account, from: 0, to: Int64.max)
        #expect(lines.count == 1 && lines[0].quantity == 1)
    }

    @Test func discardPendingDropsUnflushedUsage() async throws {
        let f = try Fixture()
        f.use("ReadRequestUnits", 1, arn: prodTable)
        f.meter.discardPending()
        try await f.meter.flush()
        #expect(try f.meter.store.lines(accountID: account, from: 0, to: Int64.max).isEmpty)
    }
}
