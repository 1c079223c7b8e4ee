import Foundation
import NIOCore

/// Remembers which open connections speak TLS, so a request knows its scheme without a
/// pipeline lookup (URLs the sandbox hands out use the scheme the caller used).
final class SecureConnectionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<ObjectIdentifier> = []

    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        lock.withLock { _ = ids.insert(id) }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.lock.withLock { _ = self?.ids.remove(id) }
        }
    }

    func contains(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        return lock.withLock { ids.contains(id) }
    }
}
