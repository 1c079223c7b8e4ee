import Foundation

/// A first-come, first-served lock for async code: `withLock` runs bodies one at a time even
/// when they suspend (an actor alone would interleave them at every `await`).
public final class AsyncLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            enqueue(continuation)
        }
    }

    /// Takes the lock at once (resuming the caller) or queues the caller.
    private func enqueue(_ continuation: CheckedContinuation<Void, Never>) {
        mutex.lock()
        if !locked {
            locked = true
            mutex.unlock()
            continuation.resume()
        } else {
            waiters.append(continuation)
            mutex.unlock()
        }
    }

    private func release() {
        mutex.lock()
        if waiters.isEmpty {
            locked = false
            mutex.unlock()
        } else {
            let next = waiters.removeFirst()
            mutex.unlock()
            next.resume()  // ownership passes straight to the next waiter
        }
    }
}
