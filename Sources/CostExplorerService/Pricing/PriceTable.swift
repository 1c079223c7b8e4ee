import AWSCore

/// List prices per usage type and region, read from ``fixtureText``.
public struct PriceTable: Sendable {
    public struct Price: Sendable, Equatable {
        public let service: String
        public let usageType: String
        /// What `UsageQuantity` counts for this usage type (`GB-Mo`, `ReadRequestUnits`).
        public let unit: String
        public let usd: Double
    }

    struct Region: Sendable {
        var prefix: String
        var prices: [String: Price]
    }

    let regions: [String: Region]

    public init(json text: String) throws {
        guard case .object(let root) = try JSONParser.parse(text), let regions = root["regions"]?.objectValue else {
            throw CostExplorerError.internalFailure("The price table has no regions")
        }
        var parsed: [String: Region] = [:]
        for (name, value) in regions {
            var region = Region(prefix: value["usageTypePrefix"]?.stringValue ?? "", prices: [:])
            for entry in value["prices"]?.arrayValue ?? [] {
                guard let service = entry["service"]?.stringValue, let usageType = entry["usageType"]?.stringValue,
                      let unit = entry["unit"]?.stringValue, let usd = entry["usd"]?.stringValue.flatMap(Double.init) else {
                    throw CostExplorerError.internalFailure("A price in region \(name) is incomplete")
                }
                region.prices[usageType] = Price(service: service, usageType: usageType, unit: unit, usd: usd)
            }
            parsed[name] = region
        }
        self.regions = parsed
    }

    // The shipped table is checked by a unit test, so parsing it cannot fail at run time.
    public static let standard = try! PriceTable(json: fixtureText)

    /// The usage type as billed in `region`: `ReadRequestUnits` → `APN1-ReadRequestUnits`.
    /// Regions without prices get AWS's short code when known, so usage is still listed.
    public func billedUsageType(_ usageType: String, region: String) -> String {
        (regions[region]?.prefix ?? Self.knownPrefixes[region] ?? "\(region)-") + usageType
    }

    public func price(usageType: String, region: String) -> Price? { regions[region]?.prices[usageType] }

    /// Usage-type prefixes of regions the table may not price (from AWS's billing codes).
    static let knownPrefixes: [String: String] = [
        "us-east-1": "", "us-east-2": "USE2-", "us-west-1": "USW1-", "us-west-2": "USW2-",
        "ap-northeast-1": "APN1-", "ap-northeast-2": "APN2-", "ap-northeast-3": "APN3-",
        "ap-southeast-1": "APS1-", "ap-southeast-2": "APS2-", "ap-south-1": "APS3-",
        "eu-west-1": "EU-", "eu-central-1": "EUC1-", "eu-west-2": "EUW2-",
    ]
}
