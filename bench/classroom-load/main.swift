// classroom-load: the Mesh v2 classroom fan-out load, native (SwiftNIO), for bench/classroom.py.
//
// G groups × N nodes: every node holds an `onMessageInGroup` subscription over AppSync's
// real-time protocol; each group reports sensor data R times/s and fires event batches E times/s
// (production: 10 × 40, 15/s, 2/s), its mutations pipelined on one HTTP connection so they stay in
// order. Each mutation carries its scheduled send time; every subscriber checks it gets every
// message of its group once and in order, and records mutation-to-delivery latency.
import AWSCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

let subscription = """
    subscription($groupId: ID!, $domain: String!) { onMessageInGroup(groupId: $groupId, domain: $domain) {
      groupId domain nodeStatus { nodeId data { key value } timestamp } batchEvent { firedByNodeId events { name payload } } } }
    """
let report = """
    mutation($g: ID!, $d: String!, $n: ID!, $data: [SensorDataInput!]!) { reportDataByNode(groupId: $g, domain: $d, nodeId: $n, data: $data) {
      groupId domain nodeStatus { nodeId data { key value } timestamp } batchEvent { firedByNodeId } } }
    """
let fire = """
    mutation($g: ID!, $d: String!, $n: ID!, $events: [EventInput!]!) { fireEventsByNode(groupId: $g, domain: $d, nodeId: $n, events: $events) {
      groupId domain batchEvent { firedByNodeId events { name payload } } } }
    """
let heartbeat = "mutation($g: ID!, $d: String!, $h: ID!) { renewHeartbeat(groupId: $g, domain: $d, hostId: $h) { groupId } }"

struct Options {
    var endpoint = ""
    var apiKey = ""
    var ca: String?
    var groups = 10
    var nodes = 40
    var rate = 15.0
    var events = 2.0
    var seconds = 30.0
    var multiple = 1.0
    /// `groups`: K× as many classrooms; `rate`: the same classrooms K× as busy.
    var scale = "groups"
    var threads = 1

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let flag = it.next() {
            guard let value = it.next() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--endpoint": endpoint = value
            case "--api-key": apiKey = value
            case "--ca": ca = value
            case "--groups": groups = Int(value)!
            case "--nodes": nodes = Int(value)!
            case "--rate": rate = Double(value)!
            case "--events": events = Double(value)!
            case "--seconds": seconds = Double(value)!
            case "--multiple": multiple = Double(value)!
            case "--scale": scale = value
            case "--threads": threads = Int(value)!
            default: fatalError("unknown flag \(flag)")
            }
        }
    }
}

/// Sends one group's mutations on schedule, on its connection's event loop.
final class GroupDriver: @unchecked Sendable {
    let index: Int
    let id: String
    let domain: String
    let nodes: Int
    let connection: GraphQLConnection
    let loop: EventLoop
    let reportInterval: UInt64
    let eventInterval: UInt64
    var nextReport: UInt64 = 0
    var nextEvent: UInt64 = 0
    var nextBeat: UInt64 = 0
    var end: UInt64 = 0
    private(set) var sent = 0
    private(set) var errors = 0
    private(set) var firstError: String?
    private var outstanding = 0
    let finished: EventLoopPromise<Void>
    /// How late each mutation left against its schedule: the client's own share of the latency.
    let lateness: LatencyHistogram
    /// From sending a mutation to its reply: the mutation path alone, without the fan-out.
    let replies: LatencyHistogram

    init(index: Int, id: String, domain: String, nodes: Int, connection: GraphQLConnection, loop: EventLoop, reportsPerSecond: Double,
         eventsPerSecond: Double, lateness: LatencyHistogram, replies: LatencyHistogram) {
        self.lateness = lateness
        self.replies = replies
        self.index = index
        self.id = id
        self.domain = domain
        self.nodes = nodes
        self.connection = connection
        self.loop = loop
        reportInterval = UInt64(1e9 / reportsPerSecond)
        eventInterval = UInt64(1e9 / eventsPerSecond)
        finished = loop.makePromise()
    }

    func start(at start: UInt64, offset: UInt64, until end: UInt64) {
        nextReport = start + offset
        nextEvent = start + offset + eventInterval / 2
        nextBeat = start + offset
        self.end = end
        loop.execute { self.tick() }
    }

    private func tick() {
        let now = monotonicNanos()
        if nextBeat <= now && nextBeat < end {
            send(#"{"query":\#(quoted(heartbeat)),"variables":{"g":"\#(id)","d":"\#(domain)","h":"host-\#(index)"}}"#, counts: false)
            nextBeat += 15_000_000_000
        }
        while min(nextReport, nextEvent) <= now {
            let seq = sent
            let node = "n\(index)-\(seq % nodes)"
            if nextReport <= nextEvent {
                guard nextReport < end else { break }
                lateness.record(nanos: now &- nextReport, at: now)
                send(#"{"query":\#(quoted(report)),"variables":{"g":"\#(id)","d":"\#(domain)","n":"\#(node)","data":[{"key":"seq","value":"\#(seq)"},{"key":"t","value":"\#(nextReport)"}]}}"#, counts: true)
                nextReport += reportInterval
            } else {
                guard nextEvent < end else { break }
                lateness.record(nanos: now &- nextEvent, at: now)
                send(#"{"query":\#(quoted(fire)),"variables":{"g":"\#(id)","d":"\#(domain)","n":"\#(node)","events":[{"eventName":"tick","payload":"\#(seq)|\#(nextEvent)","firedAt":"2026-01-01T00:00:00.000Z"}]}}"#, counts: true)
                nextEvent += eventInterval
            }
        }
        let next = min(nextReport, nextEvent)
        if next < end {
            let wait = next > now ? next - now : 0
            loop.scheduleTask(in: .nanoseconds(Int64(wait))) { self.tick() }
        } else if outstanding == 0 {
            finished.succeed(())
        } else {
            nextReport = .max
            nextEvent = .max
        }
    }

    private func send(_ body: String, counts: Bool) {
        if counts { sent += 1 }
        outstanding += 1
        let sentAt = monotonicNanos()
        connection.post(body).hop(to: loop).whenComplete { result in
            let now = monotonicNanos()
            self.replies.record(nanos: now &- sentAt, at: now)
            self.outstanding -= 1
            switch result {
            case .success(let reply):
                // A byte scan: the generic `firstRange(of:)` cost the client a seventh of its CPU.
                if reply.withUnsafeReadableBytes({ SubscriberConnection.find(#""errors""#, in: $0, from: 0) }) != nil { self.failed(String(buffer: reply)) }
            case .failure(let error):
                self.failed("\(error)")
            }
            if self.outstanding == 0 && self.nextReport == .max { self.finished.succeed(()) }
        }
    }

    private func failed(_ message: String) {
        errors += 1
        if firstError == nil { firstError = message }
    }
}

let quotedCache = NIOLockedValueBox<[String: String]>([:])
func quoted(_ text: String) -> String {
    if let q = quotedCache.withLockedValue({ $0[text] }) { return q }
    let q = JSONValue.string(text).serializedString()
    quotedCache.withLockedValue { $0[text] = q }
    return q
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func run(_ options: Options) async throws -> Bool {
    guard let url = URL(string: options.endpoint), let host = url.host, let scheme = url.scheme else { fatalError("bad --endpoint") }
    var tls: NIOSSLContext?
    if scheme == "https" {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let ca = options.ca { configuration.trustRoots = .file(ca) }
        tls = try NIOSSLContext(configuration: configuration)
    }
    let target = Target(host: host, port: url.port ?? (tls == nil ? 80 : 443), graphQLPath: url.path, apiKey: options.apiKey, tls: tls)
    let elg = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
    let byGroups = options.scale == "groups"
    let groupCount = byGroups ? Int((Double(options.groups) * options.multiple).rounded()) : options.groups
    let reportRate = options.rate * (byGroups ? 1 : options.multiple)
    let eventRate = options.events * (byGroups ? 1 : options.multiple)

    let setup = try await GraphQLConnection.connect(target, group: elg)
    var groups: [(id: String, domain: String)] = []
    for g in 0..<groupCount {
        let created = try await setup.graphQL(#"mutation($d: String!, $h: ID!) { createGroup(name: "class", hostId: $h, domain: $d, useWebSocket: true) { id domain } }"#,
                                              ["d": .string("school-\(g).example"), "h": .string("host-\(g)")])
        groups.append((created["createGroup"]!["id"]!.stringValue!, created["createGroup"]!["domain"]!.stringValue!))
    }
    let join = #"mutation($g: ID!, $d: String!, $n: ID!) { joinGroup(groupId: $g, domain: $d, nodeId: $n) { id } }"#
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        for (g, group) in groups.enumerated() {
            tasks.addTask {
                for n in 0..<options.nodes {
                    _ = try await setup.graphQL(join, ["g": .string(group.id), "d": .string(group.domain), "n": .string("n\(g)-\(n)")])
                }
            }
        }
        try await tasks.waitForAll()
    }

    let latencies = LatencyHistogram()
    var tallies: [NodeTally] = []
    var subscribers: [Channel] = []
    let pairs = groups.enumerated().flatMap { g, group in (0..<options.nodes).map { _ in (g, group) } }
    let connectStarted = monotonicNanos()
    // Connect in waves so the handshakes do not all time out together.
    for wave in stride(from: 0, to: pairs.count, by: 64) {
        try await withThrowingTaskGroup(of: (NodeTally, Channel).self) { tasks in
            for (g, group) in pairs[wave..<min(wave + 64, pairs.count)] {
                tasks.addTask {
                    let tally = NodeTally(group: g)
                    let variables: JSONValue = ["groupId": .string(group.id), "domain": .string(group.domain)]
                    let data: JSONValue = ["query": .string(subscription), "variables": variables]
                    let channel = try await SubscriberConnection.connect(target, group: elg, node: tally, subscription: data.serializedString(),
                                                                         latencies: latencies)
                    return (tally, channel)
                }
            }
            for try await (tally, channel) in tasks {
                tallies.append(tally)
                subscribers.append(channel)
            }
        }
    }
    print("\(subscribers.count) subscriptions ready in \(String(format: "%.1f", Double(monotonicNanos() - connectStarted) / 1e9)) s")

    var drivers: [GroupDriver] = []
    let lateness = LatencyHistogram()
    let replies = LatencyHistogram()
    for (g, group) in groups.enumerated() {
        let connection = try await GraphQLConnection.connect(target, group: elg)
        drivers.append(GroupDriver(index: g, id: group.id, domain: group.domain, nodes: options.nodes, connection: connection,
                                   loop: connection.loop, reportsPerSecond: reportRate, eventsPerSecond: eventRate, lateness: lateness,
                                   replies: replies))
    }
    let cpuBefore = cpuSeconds()
    let start = monotonicNanos() + 100_000_000
    let end = start + UInt64(options.seconds * 1e9)
    latencies.startSeconds(at: start)
    for driver in drivers {
        driver.start(at: start, offset: driver.reportInterval * UInt64(driver.index) / UInt64(max(1, groupCount)), until: end)
    }
    for driver in drivers { try await driver.finished.futureResult.get() }
    let elapsed = Double(monotonicNanos() - start) / 1e9
    // Let the last deliveries arrive (at most 5 s).
    let sent = drivers.reduce(0) { $0 + $1.sent }
    let expected = sent * options.nodes
    for _ in 0..<50 where latencies.count < expected {
        try await Task.sleep(for: .milliseconds(100))
    }
    let clientCPU = cpuSeconds() - cpuBefore
    let totals = try await elg.next().submit {
        // Tallies are written on their loops; reading after a hop through every loop is enough here.
        (tallies.reduce(0) { $0 + $1.received }, tallies.reduce(0) { $0 + $1.duplicates }, tallies.reduce(0) { $0 + $1.outOfOrder },
         tallies.reduce(0) { $0 + $1.malformed })
    }.get()
    let errors = drivers.reduce(0) { $0 + $1.errors }
    let summary: JSONValue = [
        "groups": .int(groupCount), "nodes": .int(options.nodes), "reports_per_s": .double(reportRate), "events_per_s": .double(eventRate),
        "seconds": .double(elapsed), "mutations": .int(sent), "mutations_per_s": .double(Double(sent) / elapsed),
        "mutation_errors": .int(errors), "expected": .int(expected), "received": .int(totals.0), "lost": .int(expected - totals.0),
        "duplicated": .int(totals.1), "out_of_order": .int(totals.2), "malformed": .int(totals.3),
        "deliveries_per_s": .double(Double(totals.0) / elapsed),
        "p50_ms": .double(latencies.percentile(50)), "p90_ms": .double(latencies.percentile(90)), "p99_ms": .double(latencies.percentile(99)),
        "p999_ms": .double(latencies.percentile(99.9)), "max_ms": .double(latencies.maxMilliseconds), "client_cpu_s": .double(clientCPU),
        "send_late_p99_ms": .double(lateness.percentile(99)), "send_late_max_ms": .double(lateness.maxMilliseconds),
        "reply_p50_ms": .double(replies.percentile(50)), "reply_p99_ms": .double(replies.percentile(99)),
        "max_ms_by_second": .array(latencies.perSecondMaxMilliseconds.map { .int($0) }),
    ]
    if let first = drivers.compactMap(\.firstError).first { print("first mutation error: \(first.prefix(300))") }
    print("RESULT \(summary.serializedString())")
    for channel in subscribers { channel.close(promise: nil) }
    for driver in drivers { await driver.connection.close() }
    await setup.close()
    try await elg.shutdownGracefully()
    return expected == totals.0 && errors == 0
}

setvbuf(stdout, nil, _IOLBF, 0)  // bench/classroom.py reads the progress lines as they come
let ok = try await run(Options(CommandLine.arguments))
exit(ok ? 0 : 1)
