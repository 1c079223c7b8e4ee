import AWSCore
import Foundation

/// Every live subscription of every API, and the fan-out of published mutation results.
///
/// A subscription matches a publication when each of its non-null arguments equals the
/// same-named top-level field of the published result (as the mutation caller selected it).
/// Publishing holds the hub's lock while it enqueues, so every subscriber sees publications in
/// the same order; payloads are rendered once per distinct selection and shared.
public final class SubscriptionHub: @unchecked Sendable {
    struct Subscriber {
        let outbox: RealtimeOutbox
        let id: String
        let field: String
        /// Non-null arguments, compared with the published result's top-level fields.
        let filter: [(String, JSONValue)]
        let projection: SubscriptionProjection
    }

    private let lock = NSLock()
    /// apiId → subscription field → subscribers in subscription order.
    private var subscribers: [String: [String: [Subscriber]]] = [:]

    public init() {}

    /// Registers a subscription, then enqueues `ack` under the same lock: no publication can slip between.
    func add(apiId: String, _ subscriber: Subscriber, ack: String) {
        lock.withLock {
            subscribers[apiId, default: [:]][subscriber.field, default: []].append(subscriber)
            subscriber.outbox.send(ack)
        }
    }

    /// Removes one subscription of a connection.
    func remove(apiId: String, outbox: RealtimeOutbox, id: String) {
        lock.withLock {
            guard var byField = subscribers[apiId] else { return }
            for (field, list) in byField { byField[field] = list.filter { !($0.outbox === outbox && $0.id == id) } }
            subscribers[apiId] = byField
        }
    }

    /// Removes every subscription of a connection (it closed).
    func remove(outbox: RealtimeOutbox) {
        lock.withLock {
            for (apiId, byField) in subscribers {
                var copy = byField
                for (field, list) in byField { copy[field] = list.filter { $0.outbox !== outbox } }
                subscribers[apiId] = copy
            }
        }
    }

    func removeAPI(_ apiId: String) async {
        lock.withLock { _ = subscribers.removeValue(forKey: apiId) }
    }

    func removeAll() async {
        lock.withLock { subscribers.removeAll() }
    }

    /// How many subscriptions an API has (for tests and the operational status).
    public func count(apiId: String) -> Int {
        lock.withLock { subscribers[apiId]?.values.reduce(0) { $0 + $1.count } ?? 0 }
    }

    /// Delivers `publication` to every matching subscription of `apiId`; returns how many received it.
    @discardableResult
    func publish(apiId: String, _ publication: Publication) -> Int {
        lock.withLock {
            guard let byField = subscribers[apiId] else { return 0 }
            var delivered = 0
            var payloads: [ObjectIdentifier: String] = [:]
            for field in publication.subscriptionFields {
                for subscriber in byField[field] ?? [] where Self.matches(subscriber.filter, publication.value) {
                    let key = ObjectIdentifier(subscriber.projection)
                    let payload: String
                    if let cached = payloads[key] {
                        payload = cached
                    } else {
                        payload = subscriber.projection.payload(for: publication.value).serializedString()
                        payloads[key] = payload
                    }
                    subscriber.outbox.send(RealtimeMessages.data(id: subscriber.id, payload: payload))
                    delivered += 1
                }
            }
            return delivered
        }
    }

    static func matches(_ filter: [(String, JSONValue)], _ value: JSONObject) -> Bool {
        filter.allSatisfy { name, expected in
            guard let actual = value[name] else { return false }
            return equal(actual, expected)
        }
    }

    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        if case .number(let x) = a, case .number(let y) = b { return Double(x) == Double(y) }
        return false
    }
}
