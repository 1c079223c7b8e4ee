import AWSCore
import Foundation
import Testing
@testable import CostExplorerService

@Suite struct GetCostAndUsageTests {
    /// 1000 WRU and 200 RRU on stg's table, 10 WRU on prod's, 50 AppSync requests on stg's API.
    func seeded() throws -> Fixture {
        let f = try Fixture()
        f.use("WriteRequestUnits", 1000, arn: stgTable)
        f.use("ReadRequestUnits", 200, arn: stgTable)
        f.use("WriteRequestUnits", 10, arn: prodTable)
        f.use("Requests", 50, arn: stgAPI, service: "AWS AppSync")
        return f
    }

    let stgCost = 1000 * 0.000000715 + 200 * 0.0000001425 + 50 * 0.000004
    let prodCost = 10 * 0.000000715

    @Test func guideCommandStageTagFilter() async throws {
        let f = try seeded()
        let reply = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                                         "Filter": ["Tags": ["Key": "Stage", "Values": ["stg"]]]])
        let results = try #require(reply["ResultsByTime"]?.arrayValue)
        #expect(results.count == 1)
        #expect(results[0]["TimePeriod"] == ["Start": "2026-11-01", "End": "2026-12-01"])
        #expect(approx(amount(results[0]["Total"]?["UnblendedCost"]), stgCost))
        #expect(results[0]["Total"]?["UnblendedCost"]?["Unit"] == "USD")
        #expect(results[0]["Groups"] == [])
        #expect(results[0]["Estimated"] == true)
        #expect(reply["DimensionValueAttributes"] == [])
        #expect(reply["GroupDefinitions"] == nil)

        let prod = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                                        "Filter": ["Tags": ["Key": "Stage", "Values": ["prod"]]]])
        #expect(approx(amount(prod["ResultsByTime"]?.arrayValue?.first?["Total"]?["UnblendedCost"]), prodCost))
    }

    @Test func groupsByServiceUsageTypeAndTag() async throws {
        let f = try seeded()
        let reply = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY",
                                                         "Metrics": ["UnblendedCost", "UsageQuantity"],
                                                         "GroupBy": [["Type": "TAG", "Key": "Stage"], ["Type": "DIMENSION", "Key": "USAGE_TYPE"]]])
        #expect(reply["GroupDefinitions"] == [["Type": "TAG", "Key": "Stage"], ["Type": "DIMENSION", "Key": "USAGE_TYPE"]])
        let result = try #require(reply["ResultsByTime"]?.arrayValue?.first)
        #expect(result["Total"] == .object(JSONObject()))
        let groups = try #require(result["Groups"]?.arrayValue)
        let keys = groups.compactMap { $0["Keys"]?.arrayValue?.compactMap(\.stringValue) }
        #expect(keys == [["Stage$prod", "APN1-WriteRequestUnits"], ["Stage$stg", "APN1-ReadRequestUnits"], ["Stage$stg", "APN1-Requests"],
                         ["Stage$stg", "APN1-WriteRequestUnits"]])
        let stgWrites = groups[3]["Metrics"]
        #expect(stgWrites?["UsageQuantity"] == ["Amount": "1000", "Unit": "WriteRequestUnits"])
        #expect(approx(amount(stgWrites?["UnblendedCost"]), 1000 * 0.000000715))

        let byService = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["BlendedCost"],
                                                             "GroupBy": [["Type": "DIMENSION", "Key": "SERVICE"]]])
        let services = byService["ResultsByTime"]?.arrayValue?.first?["Groups"]?.arrayValue ?? []
        #expect(services.compactMap { $0["Keys"]?.arrayValue?.first?.stringValue } == ["AWS AppSync", "Amazon DynamoDB"])
        #expect(approx(amount(services[0]["Metrics"]?["BlendedCost"]), 50 * 0.000004))
    }

    @Test func logicalFilters() async throws {
        let f = try seeded()
        func total(_ filter: JSONValue) async throws -> Double {
            let reply = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY",
                                                             "Metrics": ["AmortizedCost"], "Filter": filter])
            return amount(reply["ResultsByTime"]?.arrayValue?.first?["Total"]?["AmortizedCost"])
        }
        let dynamo: JSONValue = ["Dimensions": ["Key": "SERVICE", "Values": ["Amazon DynamoDB"]]]
        let stg: JSONValue = ["Tags": ["Key": "Stage", "Values": ["stg"]]]
        #expect(approx(try await total(["And": [dynamo, stg]]), 1000 * 0.000000715 + 200 * 0.0000001425))
        #expect(approx(try await total(["Not": stg]), prodCost))
        #expect(approx(try await total(["Or": [["Not": dynamo], ["Tags": ["Key": "Stage", "Values": ["prod"]]]]]), 50 * 0.000004 + prodCost))
        #expect(approx(try await total(["Dimensions": ["Key": "USAGE_TYPE", "Values": ["writerequestunits"], "MatchOptions": ["ENDS_WITH", "CASE_INSENSITIVE"]]]),
                       1010 * 0.000000715))
        #expect(try await total(["Tags": ["Key": "Stage", "Values": ["dev"]]]) == 0)
    }

    @Test func dailyAndHourlyPeriods() async throws {
        let f = try seeded()
        let daily = try await f.call("GetCostAndUsage", ["TimePeriod": ["Start": "2026-11-14", "End": "2026-11-17"], "Granularity": "DAILY",
                                                         "Metrics": ["UnblendedCost"]])
        let days = daily["ResultsByTime"]?.arrayValue ?? []
        #expect(days.compactMap { $0["TimePeriod"]?["Start"]?.stringValue } == ["2026-11-14", "2026-11-15", "2026-11-16"])
        #expect(days.map { amount($0["Total"]?["UnblendedCost"]) } == [0, amount(days[1]["Total"]?["UnblendedCost"]), 0])
        #expect(approx(amount(days[1]["Total"]?["UnblendedCost"]), stgCost + prodCost))

        let hourly = try await f.call("GetCostAndUsage", ["TimePeriod": ["Start": "2026-11-15T09:00:00Z", "End": "2026-11-15T11:00:00Z"],
                                                          "Granularity": "HOURLY", "Metrics": ["UnblendedCost"]])
        let hours = hourly["ResultsByTime"]?.arrayValue ?? []
        #expect(hours.compactMap { $0["TimePeriod"]?["Start"]?.stringValue } == ["2026-11-15T09:00:00Z", "2026-11-15T10:00:00Z"])
        #expect(amount(hours[0]["Total"]?["UnblendedCost"]) == 0)
    }

    @Test func validationErrors() async throws {
        let f = try Fixture()
        func error(_ members: JSONObject) async -> CostExplorerError? {
            do { _ = try await f.call("GetCostAndUsage", members); return nil } catch { return error as? CostExplorerError }
        }
        let base: JSONObject = ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]]
        func with(_ key: String, _ value: JSONValue?) -> JSONObject { var o = base; o[key] = value; return o }
        #expect(await error(with("TimePeriod", ["Start": "2026-11-10", "End": "2026-11-01"]))?.message == "Start date (and hour) should be before end date (and hour)")
        #expect(await error(with("TimePeriod", ["Start": "2026-11-01", "End": "2027-01-01"]))?.message == "end date past the beginning of next month")
        #expect(await error(with("TimePeriod", ["Start": "Nov 1", "End": "2026-12-01"]))?.message
                == #"1 validation error detected: Value 'Nov 1' at 'timePeriod.start' failed to satisfy constraint: Member must satisfy regular expression pattern: (\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?"#)
        #expect(await error(with("Granularity", "WEEKLY"))?.message
                == "1 validation error detected: Value 'WEEKLY' at 'granularity' failed to satisfy constraint: Member must satisfy enum value set: [DAILY, MONTHLY, HOURLY]")
        #expect(await error(with("Granularity", nil))?.code == "ValidationException")
        #expect(await error(with("Metrics", ["Cost"]))?.message.hasPrefix("Invalid metric: Cost.") == true)
        #expect(await error(with("Filter", ["Tags": ["Key": "Stage", "Values": ["stg"]], "Dimensions": ["Key": "SERVICE", "Values": ["x"]]]))?.message
                .hasPrefix("Expression has more than one roots.") == true)
        #expect(await error(with("Filter", ["Dimensions": ["Key": "COLOUR", "Values": ["x"]]]))?.message.hasPrefix(
            "1 validation error detected: Value 'COLOUR' at 'filter.dimensions.key' failed to satisfy constraint") == true)
        #expect(await error(with("GroupBy", [["Type": "DIMENSION", "Key": "SERVICE"], ["Type": "TAG", "Key": "a"], ["Type": "TAG", "Key": "b"]]))?.code
                == "ValidationException")
        #expect(await error(with("TimePeriod", ["Start": "2026-10-01T00:00:00Z", "End": "2026-10-02T00:00:00Z"]).merging(["Granularity": "HOURLY"]))?.message
                == "start date is too old for hourly, the max supported days for hourly granularity is 14 days.")
    }

    @Test func untaggedUsageAndPastPeriods() async throws {
        let f = try seeded()
        f.use("DataProcessing-Bytes", 1, arn: nil, service: "AmazonCloudWatch")  // 1 GB of logs, no resource
        let absent = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                                          "Filter": ["Tags": ["Key": "Stage", "MatchOptions": ["ABSENT"]]]])
        #expect(approx(amount(absent["ResultsByTime"]?.arrayValue?.first?["Total"]?["UnblendedCost"]), 0.76))
        let byStage = try await f.call("GetCostAndUsage", ["TimePeriod": Fixture.november, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                                           "GroupBy": [["Type": "TAG", "Key": "Stage"]]])
        let keys = byStage["ResultsByTime"]?.arrayValue?.first?["Groups"]?.arrayValue?.compactMap { $0["Keys"]?.arrayValue?.first?.stringValue }
        #expect(keys == ["Stage$", "Stage$prod", "Stage$stg"])
        let october = try await f.call("GetCostAndUsage", ["TimePeriod": ["Start": "2026-10-01", "End": "2026-11-01"], "Granularity": "MONTHLY",
                                                           "Metrics": ["UnblendedCost"]])
        #expect(october["ResultsByTime"]?.arrayValue?.first?["Estimated"] == false)
        #expect(october["ResultsByTime"]?.arrayValue?.first?["Total"]?["UnblendedCost"] == ["Amount": "0", "Unit": "USD"])
    }

    @Test func amountsAreDecimalText() {
        #expect(CostExplorerService.amount(0) == "0")
        #expect(CostExplorerService.amount(0.000715) == "0.000715")
        #expect(CostExplorerService.amount(12) == "12")
        #expect(CostExplorerService.amount(1.0 / 3) == "0.3333333333")
    }
}

extension JSONObject {
    func merging(_ other: JSONObject) -> JSONObject {
        var o = self
        for (k, v) in other { o[k] = v }
        return o
    }
}
