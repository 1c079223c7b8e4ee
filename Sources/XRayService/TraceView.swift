import AWSCore
import Foundation

/// One trace's segments, read as GetTraceSummaries and the service graph see them.
struct TraceView {
    let segments: [Segment]
    let root: Segment?

    init(segments: [Segment]) {
        self.segments = segments
        root = segments.filter { $0.parentID == nil && !$0.inferred }.min { $0.start < $1.start } ?? segments.first
    }

    var id: String { segments.first?.traceID ?? "" }
    var start: Double { segments.map(\.start).min() ?? 0 }
    var end: Double { segments.map(\.end).max() ?? 0 }
    var duration: Double { end - start }
    var responseTime: Double { root.map { $0.end - $0.start } ?? duration }
    func any(_ flag: String) -> Bool { segments.contains { $0.flag(flag) } }
    var hasError: Bool { any("error") }
    var hasFault: Bool { any("fault") }
    var hasThrottle: Bool { any("throttle") }
    var http: JSONObject { root?.doc["http"]?.objectValue ?? [:] }
    var httpStatus: Int? { http["response"]?["status"]?.intValue }
    var httpURL: String? { http["request"]?["url"]?.stringValue }

    /// Services of the trace, as X-Ray names them: (name, type).
    var services: [(name: String, type: String)] {
        var seen = Set<String>()
        var out: [(String, String)] = []
        for s in segments {
            let type = s.origin ?? "AWS::Service"
            guard seen.insert(s.name + "\u{0}" + type).inserted else { continue }
            out.append((s.name, type))
        }
        return out
    }

    func summary(accountID: String) -> JSONValue {
        var o: JSONObject = [
            "Id": .string(id), "StartTime": .timestamp(Date(timeIntervalSince1970: start)),
            "Duration": .double(duration), "ResponseTime": .double(responseTime),
            "HasFault": .bool(hasFault), "HasError": .bool(hasError), "HasThrottle": .bool(hasThrottle), "IsPartial": false,
            "Annotations": [:], "Users": [], "InstanceIds": [], "AvailabilityZones": [],
            "FaultRootCauses": [], "ErrorRootCauses": [], "ResponseTimeRootCauses": [], "Revision": 1,
            "MatchedEventTime": .timestamp(Date(timeIntervalSince1970: start)),
            "ServiceIds": .array(services.map { Self.serviceID($0.name, $0.type, accountID: accountID) }),
            "ResourceARNs": .array(segments.compactMap { $0.doc["resource_arn"]?.stringValue }.map { ["ARN": .string($0)] }),
        ]
        if let root { o["EntryPoint"] = Self.serviceID(root.name, root.origin ?? "AWS::Service", accountID: accountID) }
        var http: JSONObject = [:]
        http.set("HttpURL", httpURL.map(JSONValue.string))
        http.set("HttpStatus", httpStatus.map { .int($0) })
        http.set("HttpMethod", self.http["request"]?["method"])
        http.set("ClientIp", self.http["request"]?["client_ip"])
        o["Http"] = .object(http)
        return .object(o)
    }

    static func serviceID(_ name: String, _ type: String, accountID: String) -> JSONValue {
        ["Name": .string(name), "Names": [.string(name)], "AccountId": .string(accountID), "Type": .string(type)]
    }
}

/// GetServiceGraph: a node per service (segment name and origin), plus the client that called
/// each trace's entry point, with edges from caller to callee and their statistics.
struct ServiceGraph {
    struct Stats {
        var ok = 0, error = 0, throttle = 0, fault = 0, total = 0
        var responseTime = 0.0
        var histogram: [Double: Int] = [:]

        mutating func add(_ s: Segment) {
            total += 1
            let time = s.end - s.start
            responseTime += time
            histogram[(time * 1000).rounded() / 1000, default: 0] += 1
            if s.flag("fault") { fault += 1 }
            else if s.flag("throttle") { throttle += 1; error += 1 }
            else if s.flag("error") { error += 1 }
            else { ok += 1 }
        }

        var summary: JSONValue {
            ["OkCount": .int(ok), "ErrorStatistics": ["ThrottleCount": .int(throttle), "OtherCount": .int(error - throttle), "TotalCount": .int(error)],
             "FaultStatistics": ["OtherCount": .int(fault), "TotalCount": .int(fault)], "TotalCount": .int(total),
             "TotalResponseTime": .double(responseTime)]
        }

        var histogramJSON: JSONValue { .array(histogram.sorted { $0.key < $1.key }.map { ["Value": .double($0.key), "Count": .int($0.value)] }) }
    }

    struct Key: Hashable { var name: String; var type: String }
    static let client = Key(name: "", type: "client")

    var nodes: [Key] = []
    var stats: [Key: Stats] = [:]
    var edges: [Key: [Key: Stats]] = [:]

    init(traces: [TraceView]) {
        for trace in traces {
            var owner: [String: Segment] = [:]
            for s in trace.segments {
                owner[s.id] = s
                for sub in s.subsegments { if let id = sub["id"]?.stringValue { owner[id] = s } }
            }
            for s in trace.segments {
                let key = Key(name: s.name, type: s.origin ?? "AWS::Service")
                let caller: Key
                if let parent = s.parentID, let from = owner[parent], from.id != s.id {
                    caller = Key(name: from.name, type: from.origin ?? "AWS::Service")
                } else {
                    caller = Self.client
                    record(Self.client, s)
                }
                record(key, s)
                edges[caller, default: [:]][key, default: Stats()].add(s)
            }
        }
    }

    private mutating func record(_ key: Key, _ s: Segment) {
        if stats[key] == nil { nodes.append(key); stats[key] = Stats() }
        stats[key]!.add(s)
    }

    func services(accountID: String, start: Double, end: Double) -> [JSONValue] {
        let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        let times: JSONObject = ["StartTime": .timestamp(Date(timeIntervalSince1970: start)), "EndTime": .timestamp(Date(timeIntervalSince1970: end))]
        return nodes.map { key in
            let s = stats[key] ?? Stats()
            var o: JSONObject = ["ReferenceId": .int(ids[key]!), "Type": .string(key.type), "State": .string(key == Self.client ? "unknown" : "active")]
            if key != Self.client {
                o["Name"] = .string(key.name)
                o["Names"] = [.string(key.name)]
                o["AccountId"] = .string(accountID)
                o["Root"] = .bool(edges[Self.client]?[key] != nil)
                o["SummaryStatistics"] = s.summary
                o["DurationHistogram"] = s.histogramJSON
                o["ResponseTimeHistogram"] = s.histogramJSON
            }
            for (k, v) in times { o[k] = v }
            o["Edges"] = .array((edges[key] ?? [:]).sorted { ids[$0.key]! < ids[$1.key]! }.map { target, stats in
                var e: JSONObject = ["ReferenceId": .int(ids[target]!), "SummaryStatistics": stats.summary,
                                     "ResponseTimeHistogram": stats.histogramJSON, "Aliases": []]
                for (k, v) in times { e[k] = v }
                return .object(e)
            })
            return .object(o)
        }
    }
}
