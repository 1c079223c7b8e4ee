import AWSCore
import Foundation

/// Every live subscription of every API, and the fan-out of published mutation results.
///
/// A subscription matches a publication when each of its non-null arguments equals the
/// same-named top-level field of the published result (as the mutation caller selected it).
/// Subscriptions are indexed by their argument values, so a publication finds its subscribers
/// with one dictionary lookup per distinct set of argument names, not by scanning them all.
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
        /// Its `data` messages up to the payload, made once.
        let dataHead: String

        init(outbox: RealtimeOutbox, id: String, field: String, filter: [(String, JSONValue)], projection: SubscriptionProjection) {
            self.outbox = outbox
            self.id = id
            self.field = field
            self.filter = filter
            self.projection = projection
            dataHead = RealtimeMessages.dataHead(id: id)
        }
    }

    /// Subscribers of one field that filter on the same argument names, by their values.
    private struct Group {
        var byKey: [String: [Subscriber]] = [:]
    }

    /// Where a registration lives, to remove it without scanning.
    private struct Registration {
        let apiId: String
        let field: String
        let names: [String]
        let key: String
        let id: String
    }

    private let lock = NSLock()
    /// apiId → field → sorted argument names → group.
    private var index: [String: [String: [[String]: Group]]] = [:]
    private var byConnection: [ObjectIdentifier: [Registration]] = [:]
    /// Metering: told once per publication how many real-time updates (5 KB units) it delivered.
    var meterUpdates: (@Sendable (_ apiId: String, _ updates: Int) -> Void)?

    public init() {}

    /// Registers a subscription, then enqueues `ack` under the same lock: no publication can slip between.
    func add(apiId: String, _ subscriber: Subscriber, ack: String) {
        let sorted = subscriber.filter.sorted { $0.0 < $1.0 }
        let names = sorted.map(\.0)
        let key = Self.key(sorted.map(\.1))
        lock.withLock {
            index[apiId, default: [:]][subscriber.field, default: [:]][names, default: Group()].byKey[key, default: []].append(subscriber)
            byConnection[ObjectIdentifier(subscriber.outbox), default: []]
                .append(Registration(apiId: apiId, field: subscriber.field, names: names, key: key, id: subscriber.id))
            subscriber.outbox.send(ack)
        }
    }

    /// Removes one subscription of a connection.
    func remove(outbox: RealtimeOutbox, id: String) {
        lock.withLock {
            let connection = ObjectIdentifier(outbox)
            guard let registrations = byConnection[connection] else { return }
            for r in registrations where r.id == id { unregister(r, outbox: outbox) }
            byConnection[connection] = registrations.filter { $0.id != id }
        }
    }

    /// Removes every subscription of a connection (it closed).
    func remove(outbox: RealtimeOutbox) {
        lock.withLock {
            guard let registrations = byConnection.removeValue(forKey: ObjectIdentifier(outbox)) else { return }
            for r in registrations { unregister(r, outbox: outbox) }
        }
    }

    private func unregister(_ r: Registration, outbox: RealtimeOutbox) {
        guard var list = index[r.apiId]?[r.field]?[r.names]?.byKey[r.key] else { return }
        list.removeAll { $0.outbox === outbox && $0.id == r.id }
        index[r.apiId]?[r.field]?[r.names]?.byKey[r.key] = list.isEmpty ? nil : list
    }

    func removeAPI(_ apiId: String) async {
        lock.withLock {
            _ = index.removeValue(forKey: apiId)
            for (connection, registrations) in byConnection { byConnection[connection] = registrations.filter { $0.apiId != apiId } }
        }
    }

    func removeAll() async {
        lock.withLock {
            index.removeAll()
            byConnection.removeAll()
        }
    }

    /// How many subscriptions an API has (for tests and status).
    public func count(apiId: String) -> Int {
        lock.withLock {
            index[apiId]?.values.reduce(0) { total, groups in
                total + groups.values.reduce(0) { $0 + $1.byKey.values.reduce(0) { $0 + $1.count } }
            } ?? 0
        }
    }

    /// Delivers `publication` to every matching subscription of `apiId`; returns how many received it.
    @discardableResult
    func publish(apiId: String, _ publication: Publication) -> Int {
        // Messages are queued under the lock, so each subscriber gets them in publication order;
        // metering has a lock of its own and runs after.
        let (delivered, updates) = lock.withLock { () -> (Int, Int) in
            guard let byField = index[apiId] else { return (0, 0) }
            var delivered = 0
            var updates = 0  // metering
            var payloads: [ObjectIdentifier: String] = [:]
            for field in publication.subscriptionFields {
                for (names, group) in byField[field] ?? [:] {
                    var values: [JSONValue] = []
                    values.reserveCapacity(names.count)
                    for name in names {
                        guard let v = publication.value[name] else { break }
                        values.append(v)
                    }
                    guard values.count == names.count, let subscribers = group.byKey[Self.key(values)] else { continue }
                    for subscriber in subscribers {
                        let projection = ObjectIdentifier(subscriber.projection)
                        let payload: String
                        if let cached = payloads[projection] {
                            payload = cached
                        } else {
                            payload = subscriber.projection.payload(for: publication.value).serializedString()
                            payloads[projection] = payload
                        }
                        subscriber.outbox.send(RealtimeMessages.data(head: subscriber.dataHead, payload: payload))
                        delivered += 1
                        updates += (payload.utf8.count + 5119) / 5120  // metering: billed per 5 KB
                    }
                }
            }
            return (delivered, updates)
        }
        if updates > 0 { meterUpdates?(apiId, updates) }
        return delivered
    }

    /// The index key of argument values: their JSON, numbers normalised so `1` and `1.0` match.
    static func key(_ values: [JSONValue]) -> String {
        JSONValue.array(values.map(normalized)).serializedString()
    }

    private static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let text): Double(text).map { .number(String($0)) } ?? value
        case .array(let items): .array(items.map(normalized))
        case .object(let o): .object(JSONObject(o.sorted { $0.key < $1.key }.map { ($0.key, normalized($0.value)) }))
        case .null, .bool, .string, .timestamp: value
        }
    }
}
