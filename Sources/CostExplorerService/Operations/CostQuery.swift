import AWSCore
import Foundation

/// A request's `TimePeriod`: [start, end) in UTC. Dates are `yyyy-MM-dd`; HOURLY requests may
/// give `yyyy-MM-ddTHH:mm:ssZ`.
struct TimePeriod {
    var start: Date
    var end: Date
    /// Whether the request gave times, so replies write them back the same way.
    var hasTime: Bool

    static let pattern = #"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?"#

    static func parse(_ input: OperationInput, member: String = "TimePeriod") throws -> TimePeriod {
        guard let period = try input.object(member) else { throw CostExplorerError.constraint(nil, at: "timePeriod", "Member must not be null") }
        func date(_ name: String) throws -> (Date, Bool) {
            guard let text = period[name]?.stringValue else {
                throw CostExplorerError.constraint(nil, at: "timePeriod.\(name.lowercased())", "Member must not be null")
            }
            guard let parsed = Self.date(text) else {
                throw CostExplorerError.constraint(text, at: "timePeriod.\(name.lowercased())", "Member must satisfy regular expression pattern: \(pattern)")
            }
            return (parsed, text.count > 10)
        }
        let (start, startTime) = try date("Start"), (end, endTime) = try date("End")
        return TimePeriod(start: start, end: end, hasTime: startTime || endTime)
    }

    static func date(_ text: String) -> Date? {
        guard text.wholeMatch(of: /\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?/) != nil else { return nil }
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        return try? Date.ISO8601FormatStyle().parse(full)
    }

    func text(_ date: Date) -> String {
        let iso = Timestamp.iso8601(date)  // 2026-11-29T10:00:00.000Z
        return hasTime ? String(iso.prefix(19)) + "Z" : String(iso.prefix(10))
    }

    var json: JSONValue { ["Start": .string(text(start)), "End": .string(text(end))] }
}

enum Granularity: String, CaseIterable {
    case daily = "DAILY", monthly = "MONTHLY", hourly = "HOURLY"

    static func parse(_ input: OperationInput, allowed: [Granularity] = Granularity.allCases) throws -> Granularity {
        let raw = try input.string("Granularity")
        guard let raw else { throw CostExplorerError.constraint(nil, at: "granularity", "Member must not be null") }
        guard let value = Granularity(rawValue: raw), allowed.contains(value) else {
            throw CostExplorerError.enumConstraint(raw, at: "granularity", allowed.map(\.rawValue))
        }
        return value
    }

    /// The result periods covering `period`, clipped to it.
    func buckets(_ period: TimePeriod) -> [TimePeriod] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var buckets: [TimePeriod] = []
        var cursor = period.start
        while cursor < period.end {
            let next: Date
            switch self {
            case .hourly: next = calendar.date(byAdding: .hour, value: 1, to: calendar.dateInterval(of: .hour, for: cursor)!.start)!
            case .daily: next = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: cursor))!
            case .monthly: next = calendar.dateInterval(of: .month, for: cursor)!.end
            }
            buckets.append(TimePeriod(start: cursor, end: min(next, period.end), hasTime: period.hasTime))
            cursor = next
        }
        return buckets
    }
}

/// Cost Explorer's dimensions, as the API names them; the sandbox fills the ones its usage has.
enum Dimension: String, CaseIterable {
    case az = "AZ", instanceType = "INSTANCE_TYPE", linkedAccount = "LINKED_ACCOUNT", linkedAccountName = "LINKED_ACCOUNT_NAME"
    case operation = "OPERATION", purchaseType = "PURCHASE_TYPE", region = "REGION", service = "SERVICE", serviceCode = "SERVICE_CODE"
    case usageType = "USAGE_TYPE", usageTypeGroup = "USAGE_TYPE_GROUP", recordType = "RECORD_TYPE", operatingSystem = "OPERATING_SYSTEM"
    case tenancy = "TENANCY", scope = "SCOPE", platform = "PLATFORM", subscriptionID = "SUBSCRIPTION_ID", legalEntityName = "LEGAL_ENTITY_NAME"
    case deploymentOption = "DEPLOYMENT_OPTION", databaseEngine = "DATABASE_ENGINE", cacheEngine = "CACHE_ENGINE"
    case instanceTypeFamily = "INSTANCE_TYPE_FAMILY", billingEntity = "BILLING_ENTITY", reservationID = "RESERVATION_ID"
    case resourceID = "RESOURCE_ID", rightsizingType = "RIGHTSIZING_TYPE", savingsPlansType = "SAVINGS_PLANS_TYPE"
    case savingsPlanARN = "SAVINGS_PLAN_ARN", paymentOption = "PAYMENT_OPTION", invoicingEntity = "INVOICING_ENTITY"

    static func parse(_ raw: String?, at member: String) throws -> Dimension {
        guard let raw, let value = Dimension(rawValue: raw) else {
            throw CostExplorerError.enumConstraint(raw, at: member, allCases.map(\.rawValue))
        }
        return value
    }

    /// The product codes of the services the sandbox meters (`SERVICE_CODE`).
    static let serviceCodes = ["AWS AppSync": "AWSAppSync", "Amazon DynamoDB": "AmazonDynamoDB", "AmazonCloudWatch": "AmazonCloudWatch"]

    func value(of line: UsageLine) -> String {
        switch self {
        case .service: line.service
        case .serviceCode: Self.serviceCodes[line.service] ?? line.service
        case .usageType: line.usageType
        case .operation: line.operation
        case .region: line.region
        case .linkedAccount: line.accountID
        case .recordType: "Usage"
        case .resourceID: line.resourceARN
        case .billingEntity: "AWS"
        case .purchaseType: "On Demand"
        case .az: "NoAZ"
        default: ""
        }
    }
}

/// A filter `Expression`: exactly one of And, Or, Not, Dimensions, Tags, CostCategories.
indirect enum FilterExpression {
    case and([FilterExpression])
    case or([FilterExpression])
    case not(FilterExpression)
    case dimension(Dimension, values: [String], options: Set<String>)
    case tag(key: String, values: [String], options: Set<String>)
    /// The sandbox defines no cost categories: such a filter matches nothing.
    case costCategory

    static let roots = ["And", "Or", "Not", "Dimensions", "Tags", "CostCategories"]
    static let matchOptions = ["EQUALS", "ABSENT", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "CASE_SENSITIVE", "CASE_INSENSITIVE", "GREATER_THAN_OR_EQUAL"]

    static func parse(_ value: JSONValue, at path: String = "filter") throws -> FilterExpression {
        guard case .object(let o) = value else { throw CostExplorerError.validation("Expression must be a structure at '\(path)'") }
        let present = roots.filter { o[$0] != nil && o[$0]?.isNull == false }
        guard present.count == 1, let root = present.first else {
            throw CostExplorerError.validation(present.isEmpty
                ? "Expression cannot be empty. One of And, Or, Not, Dimensions, Tags, CostCategories must be specified."
                : "Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories")
        }
        let member = path + "." + root.prefix(1).lowercased() + root.dropFirst()
        switch root {
        case "And", "Or":
            guard let list = o[root]?.arrayValue, list.count >= 2 else {
                throw CostExplorerError.validation("\(root) expression must have at least 2 operands")
            }
            let parts = try list.enumerated().map { try parse($1, at: "\(member).\($0 + 1).member") }
            return root == "And" ? .and(parts) : .or(parts)
        case "Not":
            return .not(try parse(o[root]!, at: member))
        case "Dimensions":
            let body = o[root]?.objectValue ?? [:]
            let dimension = try Dimension.parse(body["Key"]?.stringValue, at: member + ".key")
            return .dimension(dimension, values: try strings(body["Values"]), options: try options(body["MatchOptions"], at: member))
        case "Tags":
            let body = o[root]?.objectValue ?? [:]
            return .tag(key: body["Key"]?.stringValue ?? "", values: try strings(body["Values"]), options: try options(body["MatchOptions"], at: member))
        default:
            return .costCategory
        }
    }

    static func strings(_ value: JSONValue?) throws -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static func options(_ value: JSONValue?, at member: String) throws -> Set<String> {
        let list = try strings(value)
        for option in list where !matchOptions.contains(option) {
            throw CostExplorerError.enumConstraint(option, at: member + ".matchOptions.member", matchOptions)
        }
        return Set(list)
    }

    func matches(_ line: UsageLine) -> Bool {
        switch self {
        case .and(let parts): parts.allSatisfy { $0.matches(line) }
        case .or(let parts): parts.contains { $0.matches(line) }
        case .not(let inner): !inner.matches(line)
        case .dimension(let dimension, let values, let options): Self.match(dimension.value(of: line), values, options)
        case .tag(let key, let values, let options):
            if options.contains("ABSENT"), line.tags[key] == nil { true }
            else if let value = line.tags[key] { Self.match(value, values, options.subtracting(["ABSENT"])) }
            else { false }
        case .costCategory: false
        }
    }

    /// EQUALS (the default) and the string match options; CASE_INSENSITIVE folds case.
    static func match(_ actual: String, _ values: [String], _ options: Set<String>) -> Bool {
        let fold = options.contains("CASE_INSENSITIVE")
        let a = fold ? actual.lowercased() : actual
        return values.contains { raw in
            let v = fold ? raw.lowercased() : raw
            if options.contains("STARTS_WITH") { return a.hasPrefix(v) }
            if options.contains("ENDS_WITH") { return a.hasSuffix(v) }
            if options.contains("CONTAINS") { return a.contains(v) }
            return a == v
        }
    }
}

/// One `GroupBy` definition: a dimension, or a tag key (group keys `Key$value`).
enum GroupDefinition {
    case dimension(Dimension)
    case tag(String)
    case costCategory(String)

    static let types = ["DIMENSION", "TAG", "COST_CATEGORY"]

    static func parse(_ input: OperationInput) throws -> [GroupDefinition] {
        let list = try input.array("GroupBy") ?? []
        guard list.count <= 2 else {
            throw CostExplorerError.constraint(nil, at: "groupBy", "Member must have length less than or equal to 2")
        }
        return try list.enumerated().map { index, value in
            let type = value["Type"]?.stringValue, key = value["Key"]?.stringValue
            guard let type, types.contains(type) else { throw CostExplorerError.enumConstraint(type, at: "groupBy.\(index + 1).member.type", types) }
            switch type {
            case "DIMENSION": return .dimension(try Dimension.parse(key, at: "groupBy.\(index + 1).member.key"))
            case "TAG": return .tag(key ?? "")
            default: return .costCategory(key ?? "")
            }
        }
    }

    func key(of line: UsageLine) -> String {
        switch self {
        case .dimension(let dimension): dimension.value(of: line)
        case .tag(let key): "\(key)$\(line.tags[key] ?? "")"
        case .costCategory(let name): "\(name)$"
        }
    }

    var json: JSONValue {
        switch self {
        case .dimension(let d): ["Type": "DIMENSION", "Key": .string(d.rawValue)]
        case .tag(let key): ["Type": "TAG", "Key": .string(key)]
        case .costCategory(let key): ["Type": "COST_CATEGORY", "Key": .string(key)]
        }
    }
}

/// The metrics GetCostAndUsage reports. Everything the sandbox meters is on-demand usage, so the
/// cost metrics are equal; NormalizedUsageAmount applies to instances only.
enum Metric: String, CaseIterable {
    case amortizedCost = "AmortizedCost", blendedCost = "BlendedCost", netAmortizedCost = "NetAmortizedCost"
    case netUnblendedCost = "NetUnblendedCost", normalizedUsageAmount = "NormalizedUsageAmount"
    case unblendedCost = "UnblendedCost", usageQuantity = "UsageQuantity"

    /// Accepts the documented names, any case, and the forecast's `UNBLENDED_COST` spelling.
    init?(name: String) {
        let folded = name.replacingOccurrences(of: "_", with: "").lowercased()
        guard let match = Metric.allCases.first(where: { $0.rawValue.lowercased() == folded }) else { return nil }
        self = match
    }

    static func parseList(_ input: OperationInput) throws -> [(name: String, metric: Metric)] {
        guard let list = try input.array("Metrics"), !list.isEmpty else {
            throw CostExplorerError.constraint(nil, at: "metrics", "Member must not be null")
        }
        return try list.map { value in
            let name = value.stringValue ?? ""
            guard let metric = Metric(name: name) else {
                throw CostExplorerError.validation("Invalid metric: \(name). Valid metrics are: \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return (name, metric)
        }
    }
}
