import AWSCore
import Foundation

/// One CloudWatch Logs event as AppSync writes it.
public struct AppSyncLogEvent: Sendable, Equatable {
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var message: String

    public init(timestamp: Int64, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// Where AppSync's logs go (CloudWatch Logs, wired by the server): append events to a stream of
/// a group, creating both when missing, as AppSync's role does with CreateLogGroup/CreateLogStream.
public protocol AppSyncLogSink: Sendable {
    func write(group: String, stream: String, events: [AppSyncLogEvent], accountID: String, region: String)
}

/// Takes AppSync's log events and trace segments off the request path: requests enqueue under a
/// lock, and ``run()`` hands them to the sinks in batches every `interval`, and once more when
/// cancelled at shutdown so nothing is lost. Without sinks, enqueuing is a no-op.
public final class AppSyncTelemetry: BackgroundTask, @unchecked Sendable {
    public let name = "appsync-telemetry"
    let logSink: (any AppSyncLogSink)?
    let traceSink: (any TraceSegmentSink)?
    let interval: Duration
    /// Past this many pending items a request flushes inline (the writer is not running or lags).
    let highWater = 20_000

    private struct Destination: Hashable {
        var group: String, stream: String, accountID: String, region: String
    }
    private struct Scope: Hashable {
        var accountID: String, region: String
    }

    private let lock = NSLock()
    private var logs: [Destination: [AppSyncLogEvent]] = [:]
    private var segments: [Scope: [JSONValue]] = [:]
    private var pendingCount = 0
    /// Serialises flushes so batches reach the sinks in order.
    private let flushLock = NSLock()
    private let flushQueue = DispatchQueue(label: "appsync-telemetry")
    /// Log streams are named per day and per sandbox process: `<yyyy-MM-dd>-<16 hex>`.
    private let instance = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()

    public init(logSink: (any AppSyncLogSink)? = nil, traceSink: (any TraceSegmentSink)? = nil, interval: Duration = .milliseconds(200)) {
        self.logSink = logSink
        self.traceSink = traceSink
        self.interval = interval
    }

    var logsEnabled: Bool { logSink != nil }
    var tracesEnabled: Bool { traceSink != nil }

    private var streamNames: [Int64: String] = [:]

    /// The stream for events of the UTC day of `timestamp` (milliseconds).
    func streamName(at timestamp: Int64) -> String {
        let day = timestamp / 86_400_000
        if let name = lock.withLock({ streamNames[day] }) { return name }
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: Double(day) * 86_400))
        let name = String(format: "%04d-%02d-%02d-", components.year ?? 1970, components.month ?? 1, components.day ?? 1) + instance
        lock.withLock { streamNames[day] = name }
        return name
    }

    func enqueue(apiId: String, events: [AppSyncLogEvent], accountID: String, region: String) {
        guard logSink != nil, let first = events.first else { return }
        let destination = Destination(group: APIObservability.logGroup(apiId: apiId),
                                      stream: streamName(at: first.timestamp),
                                      accountID: accountID, region: region)
        let full = lock.withLock {
            logs[destination, default: []] += events
            pendingCount += events.count
            return pendingCount > highWater
        }
        if full { flush() }
    }

    func enqueue(segment: JSONValue, accountID: String, region: String) {
        guard traceSink != nil else { return }
        let full = lock.withLock {
            segments[Scope(accountID: accountID, region: region), default: []].append(segment)
            pendingCount += 1
            return pendingCount > highWater
        }
        if full { flush() }
    }

    /// Drops everything pending (after `POST /_sandbox/reset`, so no log group reappears).
    func discardPending() {
        lock.withLock {
            logs.removeAll()
            segments.removeAll()
            pendingCount = 0
        }
    }

    /// Hands everything pending to the sinks.
    public func flush() {
        flushLock.withLock {
            let (batch, traces) = lock.withLock {
                defer {
                    logs.removeAll()
                    segments.removeAll()
                    pendingCount = 0
                }
                return (logs, segments)
            }
            if let logSink {
                for (d, events) in batch { logSink.write(group: d.group, stream: d.stream, events: events, accountID: d.accountID, region: d.region) }
            }
            if let traceSink {
                for (scope, docs) in traces { traceSink.put(segments: docs, accountID: scope.accountID, region: scope.region) }
            }
        }
    }

    public func run() async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            // On a thread of its own: a flush waits on the database, and Swift's cooperative pool
            // (one thread per core) is what serves requests meanwhile.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                flushQueue.async {
                    self.flush()
                    done.resume()
                }
            }
        }
        flush()
    }
}
