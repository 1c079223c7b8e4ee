import Foundation

/// The time as services see it: the system clock, or a manual one in tests (TTL, expiry).
public protocol SandboxClock: Sendable {
    var now: Date { get }
}

public struct SystemClock: SandboxClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only when told to.
public final class ManualClock: SandboxClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    public var now: Date { lock.withLock { current } }
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
    public func set(_ date: Date) { lock.withLock { current = date } }
}
