import Foundation
import Testing
@testable import CostExplorerService

@Suite struct PriceTableTests {
    @Test func shippedTableParsesAndPricesBothRegions() throws {
        let table = PriceTable.standard
        #expect(table.price(usageType: "APN1-WriteRequestUnits", region: "ap-northeast-1")?.usd == 0.000000715)
        #expect(table.price(usageType: "APN1-ReadRequestUnits", region: "ap-northeast-1")?.usd == 0.0000001425)
        #expect(table.price(usageType: "WriteRequestUnits", region: "us-east-1")?.usd == 0.000000625)
        #expect(table.price(usageType: "APN1-Requests", region: "ap-northeast-1")?.usd == 0.000004)
        #expect(table.price(usageType: "APN1-DataProcessing-Bytes", region: "ap-northeast-1")?.unit == "GB")
        #expect(table.billedUsageType("ReadRequestUnits", region: "ap-northeast-1") == "APN1-ReadRequestUnits")
        #expect(table.billedUsageType("ReadRequestUnits", region: "us-east-1") == "ReadRequestUnits")
        #expect(table.billedUsageType("ReadRequestUnits", region: "eu-central-1") == "EUC1-ReadRequestUnits")
    }

    /// `fixtures/prices.json` is what `mesh-sandbox fixtures` exports: the embedded table, unchanged.
    @Test func fixtureFileIsTheEmbeddedTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("fixtures/prices.json"), encoding: .utf8)
        #expect(file == PriceTable.fixtureText)
    }
}
