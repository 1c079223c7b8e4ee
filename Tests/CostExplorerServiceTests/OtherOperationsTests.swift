import AWSCore
import Foundation
import Testing
@testable import CostExplorerService

@Suite struct OtherOperationsTests {
    @Test func dimensionValuesAndTags() async throws {
        let f = try Fixture()
        f.use("WriteRequestUnits", 5, arn: stgTable)
        f.use("Requests", 5, arn: stgAPI, service: "AWS AppSync")
        f.use("DataProcessing-Bytes", 0.001, arn: nil, service: "AmazonCloudWatch", region: "us-east-1")
        let services = try await f.call("GetDimensionValues", ["TimePeriod": Fixture.november, "Dimension": "SERVICE"])
        #expect(services["DimensionValues"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } == ["AWS AppSync", "Amazon DynamoDB", "AmazonCloudWatch"])
        #expect(services["ReturnSize"] == 3 && services["TotalSize"] == 3)
        let usageTypes = try await f.call("GetDimensionValues", ["TimePeriod": Fixture.november, "Dimension": "USAGE_TYPE", "SearchString": "apn1"])
        #expect(usageTypes["DimensionValues"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } == ["APN1-Requests", "APN1-WriteRequestUnits"])

        let keys = try await f.call("GetTags", ["TimePeriod": Fixture.november])
        #expect(keys["Tags"] == ["Project", "Stage"])
        let stages = try await f.call("GetTags", ["TimePeriod": Fixture.november, "TagKey": "Stage"])
        #expect(stages["Tags"] == ["stg"])
    }

    @Test func forecastExtrapolatesTheDailyCost() async throws {
        let f = try Fixture()
        do {
            _ = try await f.call("GetCostForecast", ["TimePeriod": ["Start": "2026-11-22", "End": "2026-12-01"], "Metric": "UNBLENDED_COST", "Granularity": "MONTHLY"])
            Issue.record("expected DataUnavailableException")
        } catch let error as CostExplorerError {
            #expect(error.code == "DataUnavailableException")
        }
        f.use("WriteRequestUnits", 1_000_000, arn: stgTable)  // $0.715 today
        let reply = try await f.call("GetCostForecast", ["TimePeriod": ["Start": "2026-11-22", "End": "2026-12-01"],
                                                         "Metric": "UNBLENDED_COST", "Granularity": "DAILY"])
        #expect(approx(amount(reply["Total"]), 9 * 0.715))
        let days = reply["ForecastResultsByTime"]?.arrayValue ?? []
        #expect(days.count == 9)
        #expect(approx(Double(days[0]["MeanValue"]?.stringValue ?? "") ?? 0, 0.715))
        #expect((Double(days[0]["PredictionIntervalLowerBound"]?.stringValue ?? "") ?? 1) < 0.715)

        do {
            _ = try await f.call("GetCostForecast", ["TimePeriod": ["Start": "2026-11-01", "End": "2026-12-01"], "Metric": "UNBLENDED_COST", "Granularity": "MONTHLY"])
            Issue.record("expected ValidationException")
        } catch let error as CostExplorerError {
            #expect(error.code == "ValidationException")
        }
    }
}
