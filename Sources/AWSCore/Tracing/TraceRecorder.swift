import Foundation

/// X-Ray identifiers: trace ids `1-<8 hex epoch seconds>-<24 hex>`, segment ids of 16 hex digits.
public enum XRayID {
    public static func trace(at date: Date) -> String {
        "1-" + String(format: "%08x", UInt32(truncatingIfNeeded: Int64(date.timeIntervalSince1970))) + "-" + hex(12)
    }

    public static func segment() -> String { hex(8) }

    static func hex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// The X-Ray segment being recorded for one request. A service that traces (AppSync) sets
/// ``current`` for the request's task; work done under it (a resolver, a DynamoDB call made in
/// process) records a subsegment with ``measure(_:namespace:aws:_:)``, nested under whichever
/// subsegment encloses it. Without a recorder, ``measure`` costs one task-local read.
public final class TraceRecorder: @unchecked Sendable {
    @TaskLocal public static var current: TraceRecorder?
    /// The subsegment new ones nest under (nil: the segment itself).
    @TaskLocal static var parentID: String?

    public struct Subsegment: Sendable {
        public var id: String
        public var parentID: String?
        public var name: String
        public var namespace: String?
        public var start: Double
        public var end: Double
        public var error = false
        public var fault = false
        public var throttle = false
        public var cause: String?
        /// X-Ray's `aws` member (`operation`, `table_name`, `region`, …).
        public var aws: JSONObject = [:]
    }

    public let traceID: String
    public let segmentID: String
    /// The caller's segment, when the request carried an `X-Amzn-Trace-Id` with `Parent=`.
    public let parentID: String?
    public let start: Double
    private let lock = NSLock()
    private var subsegments: [Subsegment] = []

    /// A new trace, or the continuation of the caller's: `traceHeader` is an `X-Amzn-Trace-Id`
    /// value (`Root=1-…;Parent=…;Sampled=1`).
    public init(start: Date = Date(), traceHeader: String? = nil) {
        self.start = start.timeIntervalSince1970
        var root: String?
        var parent: String?
        for field in (traceHeader ?? "").split(separator: ";") {
            let pair = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "Root", pair[1].hasPrefix("1-"), pair[1].count == 35 { root = pair[1] }
            if pair[0] == "Parent", pair[1].count == 16 { parent = pair[1] }
        }
        traceID = root ?? XRayID.trace(at: start)
        parentID = root == nil ? nil : parent
        segmentID = XRayID.segment()
    }

    /// Runs `body` as a subsegment; errors mark it (`error` for 4xx AWS errors, `throttle` for
    /// 429, `fault` otherwise) and are rethrown.
    public func measure<T>(_ name: String, namespace: String? = nil, aws: JSONObject = [:],
                           _ body: () async throws -> T) async rethrows -> T {
        var sub = Subsegment(id: XRayID.segment(), parentID: Self.parentID, name: name, namespace: namespace,
                             start: Date().timeIntervalSince1970, end: 0, aws: aws)
        do {
            let value = try await Self.$parentID.withValue(sub.id) { try await body() }
            sub.end = Date().timeIntervalSince1970
            append(sub)
            return value
        } catch {
            sub.end = Date().timeIntervalSince1970
            let status = (error as? any AWSError)?.httpStatus ?? 500
            sub.throttle = status == 429
            sub.error = (400..<500).contains(status)
            sub.fault = status >= 500
            sub.cause = (error as? any AWSError)?.code ?? String(describing: error)
            append(sub)
            throw error
        }
    }

    private func append(_ sub: Subsegment) { lock.withLock { subsegments.append(sub) } }

    public var recorded: [Subsegment] { lock.withLock { subsegments } }

    /// The segment document X-Ray stores, with the recorded subsegments nested under it.
    public func document(name: String, origin: String, end: Date, fields: JSONObject) -> JSONValue {
        let all = recorded
        var byParent: [String: [Subsegment]] = [:]
        for sub in all { byParent[sub.parentID ?? "", default: []].append(sub) }
        func render(_ sub: Subsegment) -> JSONValue {
            var o: JSONObject = ["id": .string(sub.id), "name": .string(sub.name), "start_time": .double(sub.start), "end_time": .double(sub.end)]
            o.set("namespace", sub.namespace.map(JSONValue.string))
            if !sub.aws.isEmpty { o["aws"] = .object(sub.aws) }
            if sub.error { o["error"] = true }
            if sub.fault { o["fault"] = true }
            if sub.throttle { o["throttle"] = true }
            if let cause = sub.cause { o["cause"] = ["exceptions": [["id": .string(XRayID.segment()), "message": .string(cause)]]] }
            let children = (byParent[sub.id] ?? []).sorted { $0.start < $1.start }
            if !children.isEmpty { o["subsegments"] = .array(children.map(render)) }
            return .object(o)
        }
        var o: JSONObject = ["id": .string(segmentID), "trace_id": .string(traceID), "name": .string(name),
                             "start_time": .double(start), "end_time": .double(end.timeIntervalSince1970), "origin": .string(origin)]
        o.set("parent_id", parentID.map(JSONValue.string))
        for (k, v) in fields { o[k] = v }
        let top = (byParent[""] ?? []).sorted { $0.start < $1.start }
        if !top.isEmpty { o["subsegments"] = .array(top.map(render)) }
        return .object(o)
    }
}

/// Where traced services hand finished segment documents (the X-Ray service stores them).
public protocol TraceSegmentSink: Sendable {
    func put(segments: [JSONValue], accountID: String, region: String)
}
