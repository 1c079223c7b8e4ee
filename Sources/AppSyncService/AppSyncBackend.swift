import AWSCore
import Foundation
import SandboxStorage

/// Who a control-plane call acts for: the account and region of its SigV4 scope.
public struct AppSyncScope: Sendable, Hashable {
    public var accountID: String
    public var region: String

    public init(accountID: String, region: String) {
        self.accountID = accountID
        self.region = region
    }

    public init(_ context: AWSRequestContext) { self.init(accountID: context.accountID, region: context.region) }
}

/// The AppSync model: control-plane operations over SQLite, plus the compiled runtime of each API
/// that the GraphQL and real-time endpoints execute against.
///
/// Every operation takes and returns the members of the AWS API's request and response shapes
/// (`JSONObject`), so the restJson handlers and the CloudFormation module call the very same
/// functions:
///
/// ```swift
/// let api = try backend.createGraphqlApi(["name": "MeshV2Api", "authenticationType": "API_KEY"], scope: scope)
/// let apiId = api["apiId"]!.stringValue!
/// try backend.startSchemaCreation(apiId: apiId, definition: sdl)
/// let key = try backend.createApiKey(apiId: apiId, ["expires": .int(expiry)])
/// ```
public final class AppSyncBackend: @unchecked Sendable {
    let store: AppSyncStore
    public let clock: any SandboxClock
    public let endpoint: SandboxEndpoint
    /// Subscriptions of every API, and the fan-out of mutation results to them.
    public let hub = SubscriptionHub()
    /// Writes the APIs' CloudWatch logs and X-Ray segments off the request path (run it as a background task).
    public let telemetry: AppSyncTelemetry
    let lock = NSLock()
    private var runtimes: [String: AppSyncRuntime] = [:]
    /// Every API key by id, loaded on first use and dropped on any key change.
    private var keyIndex: [String: ApiKeyRecord]?
    /// Each API's authorization modes (primary and additional), loaded on first use.
    private var authModes: [String: Set<String>] = [:]
    /// Bumped on every change, so a cache entry built from rows read before it is not stored.
    private var epoch = 0
    private var providers: [any AppSyncResolverProvider] = [NoneDataSourceResolverProvider()]
    /// Where requests, real-time updates and connection minutes are reported (Cost Explorer).
    let meter: any UsageMeter

    public init(database: SQLiteDatabase, clock: any SandboxClock = SystemClock(), endpoint: SandboxEndpoint = SandboxEndpoint(),
                telemetry: AppSyncTelemetry = AppSyncTelemetry(), meter: any UsageMeter = DiscardingUsageMeter()) throws {
        store = AppSyncStore(database: database)
        self.clock = clock
        self.endpoint = endpoint
        self.telemetry = telemetry
        self.meter = meter
        try database.migrate(Self.migrations)
        if !(meter is DiscardingUsageMeter) {
            hub.meterUpdates = { [weak self] apiId, updates in self?.meterRealtimeUpdates(apiId: apiId, updates) }
        }
    }

    /// The tables AppSync stores into (applied by ``init(database:clock:endpoint:)`` too, idempotently).
    public static var migrations: [Migration] { AppSyncStore.migrations }

    /// Adds a source of native resolver implementations; later providers are asked first.
    public func register(_ provider: any AppSyncResolverProvider) {
        lock.withLock {
            providers.insert(provider, at: 0)
            epoch += 1
            runtimes.removeAll()
        }
    }

    /// Drops every compiled runtime and subscription (after `POST /_sandbox/reset`).
    public func reset() async {
        lock.withLock {
            epoch += 1
            runtimes.removeAll()
            keyIndex = nil
            authModes.removeAll()
        }
        telemetry.discardPending()
        await hub.removeAll()
    }

    // MARK: Runtime cache

    /// The compiled runtime of `apiId`, built on first use after any change to the API.
    func runtime(apiId: String) throws -> AppSyncRuntime? {
        let (cached, generation) = lock.withLock { (runtimes[apiId], epoch) }
        if let cached { return cached }
        guard let api = try store.get(.api, scope: "", name: apiId) else { return nil }
        guard let schemaDoc = try store.get(.schema, scope: apiId, name: "schema"),
              let sdl = schemaDoc["definition"]?.stringValue
        else { return nil }
        let resolvers = try store.list(.resolver, scope: apiId).map(ResolverRecord.init(document:))
        let dataSources = try store.list(.dataSource, scope: apiId).map(DataSourceRecord.init(document:))
        let functions = try store.list(.function, scope: apiId).map(FunctionRecord.init(document:))
        let info = AppSyncAPIInfo(apiId: apiId, name: api["name"]?.stringValue ?? "", arn: api["arn"]?.stringValue ?? "",
                                  environmentVariables: api["_environmentVariables"]?.objectValue ?? [:],
                                  dataSources: Dictionary(dataSources.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
                                  functions: Dictionary(functions.map { ($0.functionId, $0) }, uniquingKeysWith: { a, _ in a }))
        let providers = lock.withLock { self.providers }
        let runtime = try AppSyncRuntime(sdl: sdl, api: info, resolvers: resolvers, providers: providers,
                                         observability: APIObservability(api: api))
        lock.withLock {
            if epoch == generation { runtimes[apiId] = runtime }
        }
        return runtime
    }

    /// The key `id` wherever it lives (keys are unique across APIs), for the data plane.
    public func apiKey(_ id: String) throws -> ApiKeyRecord? {
        let (cached, generation) = lock.withLock { (keyIndex, epoch) }
        if let cached { return cached[id] }
        var index: [String: ApiKeyRecord] = [:]
        for (scope, doc) in try store.listAll(.apiKey) {
            guard let keyID = doc["id"]?.stringValue else { continue }
            index[keyID] = ApiKeyRecord(id: keyID, apiId: scope, expires: Int64(doc["expires"]?.intValue ?? 0),
                                        deletes: Int64(doc["deletes"]?.intValue ?? 0))
        }
        lock.withLock {
            if epoch == generation { keyIndex = index }
        }
        return index[id]
    }

    func invalidateKeys() {
        lock.withLock {
            keyIndex = nil
            epoch += 1
        }
    }

    func invalidate(_ apiId: String) {
        lock.withLock {
            _ = runtimes.removeValue(forKey: apiId)
            _ = authModes.removeValue(forKey: apiId)
            epoch += 1
        }
    }

    /// The authorization modes of an API (`API_KEY`, `AWS_IAM`, …); empty when it does not exist.
    func authenticationModes(apiId: String) -> Set<String> {
        let (cached, generation) = lock.withLock { (authModes[apiId], epoch) }
        if let cached { return cached }
        guard let api = try? store.get(.api, scope: "", name: apiId) else { return [] }
        let modes = Set(([api["authenticationType"]?.stringValue]
            + (api["additionalAuthenticationProviders"]?.arrayValue ?? []).map { $0["authenticationType"]?.stringValue }).compactMap { $0 })
        lock.withLock {
            if epoch == generation { authModes[apiId] = modes }
        }
        return modes
    }

    // MARK: Helpers

    var now: Date { clock.now }

    static func randomID(_ length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }

    /// Removes private members (`_…`) from a stored document before it is returned.
    static func publicView(_ doc: JSONObject) -> JSONObject {
        JSONObject(doc.filter { !$0.key.hasPrefix("_") }.map { ($0.key, $0.value) })
    }

    func requireAPI(_ apiId: String) throws -> JSONObject {
        guard let api = try store.get(.api, scope: "", name: apiId) else { throw AppSyncError.apiNotFound(apiId) }
        return api
    }
}
