import Foundation
import NIOConcurrencyHelpers

func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// What one subscribed node received. Touched only on its connection's event loop while the run
/// lasts; read after.
final class NodeTally: @unchecked Sendable {
    let group: Int
    private(set) var received = 0
    private(set) var duplicates = 0
    private(set) var outOfOrder = 0
    var malformed = 0
    private var lastSeq = -1
    /// One bit per sequence number seen: exact duplicate counts without a set per node.
    private var seen: [UInt64] = []

    init(group: Int) {
        self.group = group
    }

    func record(seq: Int) {
        let word = seq >> 6, bit = UInt64(1) << UInt64(seq & 63)
        if word >= seen.count { seen.append(contentsOf: repeatElement(0, count: word - seen.count + 64)) }
        if seen[word] & bit != 0 {
            duplicates += 1
            return
        }
        seen[word] |= bit
        received += 1
        if seq < lastSeq { outOfOrder += 1 }
        lastSeq = max(lastSeq, seq)
    }
}

/// Mutation-to-delivery latencies in 10 µs buckets up to 10 s, shared by all event loops.
final class LatencyHistogram: @unchecked Sendable {
    private static let bucketNanos: UInt64 = 10_000
    private let lock = NIOLock()
    private var counts = [UInt32](repeating: 0, count: 1_000_001)
    private var total = 0
    private var maxNanos: UInt64 = 0
    /// The worst latency of each second of the run, by delivery time: shows a stall and how long
    /// its backlog took to drain, which one percentile cannot.
    private var secondMax: [UInt64] = []
    private var startNanos: UInt64 = .max

    func record(nanos: UInt64, at now: UInt64) {
        let bucket = Int(min(nanos / Self.bucketNanos, UInt64(counts.count - 1)))
        lock.withLock {
            counts[bucket] &+= 1
            total += 1
            maxNanos = max(maxNanos, nanos)
            if now >= startNanos {
                let second = Int((now - startNanos) / 1_000_000_000)
                if second >= secondMax.count { secondMax.append(contentsOf: repeatElement(0, count: second - secondMax.count + 1)) }
                secondMax[second] = max(secondMax[second], nanos)
            }
        }
    }

    /// Starts the per-second maxima at `start` (monotonic nanoseconds).
    func startSeconds(at start: UInt64) {
        lock.withLock { startNanos = start }
    }

    /// The worst latency of each second, in whole milliseconds.
    var perSecondMaxMilliseconds: [Int] { lock.withLock { secondMax.map { Int($0 / 1_000_000) } } }

    func reset() {
        lock.withLock {
            for i in counts.indices { counts[i] = 0 }
            total = 0
            maxNanos = 0
            secondMax = []
        }
    }

    /// The p-th percentile in milliseconds (upper edge of its bucket).
    func percentile(_ p: Double) -> Double {
        lock.withLock {
            guard total > 0 else { return .nan }
            let rank = max(1, Int((Double(total) * p / 100).rounded(.up)))
            var seen = 0
            for (i, c) in counts.enumerated() {
                seen += Int(c)
                if seen >= rank { return Double(UInt64(i + 1) * Self.bucketNanos) / 1e6 }
            }
            return Double(maxNanos) / 1e6
        }
    }

    var maxMilliseconds: Double { lock.withLock { Double(maxNanos) / 1e6 } }
    var count: Int { lock.withLock { total } }
}
