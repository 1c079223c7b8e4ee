public import AWSCore
import Foundation
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SandboxStorage
import ServiceLifecycle
import UnixSignals
import AppSyncService
import Route53Service
import Crypto

/// The running sandbox: every emulated service behind one port that speaks HTTP and HTTPS.
public struct SandboxServer: Sendable {
    /// What a started sandbox tells its user.
    public struct ReadyInfo: Sendable {
        public let host: String
        public let port: Int
        public let caCertificatePath: String
        public let dataDirectory: String
        public let persistent: Bool

        public var httpEndpoint: String { "http://\(Self.urlHost(host)):\(port)" }
        public var httpsEndpoint: String { "https://\(Self.urlHost(host)):\(port)" }

        static func urlHost(_ host: String) -> String {
            if host == "0.0.0.0" || host == "::" { return "127.0.0.1" }
            return host.contains(":") ? "[\(host)]" : host
        }
    }

    public let configuration: SandboxConfiguration
    let logger: Logger

    public init(configuration: SandboxConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the data directory, builds the services and serves until SIGINT/SIGTERM.
    /// `onReady` runs once the port is bound.
    public func run(onReady: @escaping @Sendable (ReadyInfo) async -> Void = { _ in }) async throws {
        let dataDirectory = (configuration.dataDirectory as NSString).standardizingPath
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = { (file: String) in configuration.inMemory ? nil : (dataDirectory as NSString).appendingPathComponent(file) }
        let database = try SQLiteDatabase(path: path("sandbox.db"))
        let logsDatabase = try SQLiteDatabase(path: path("logs.db"))
        let endpoint = SandboxEndpoint(port: configuration.port)
        let components = try SandboxComponents.make(database: database, logsDatabase: logsDatabase, clock: SystemClock(),
                                                    endpoint: endpoint, configuration: configuration)
        let services = components.awsServices
        let resetHandlers = components.resetHandlers
        let state = try SandboxState(database: database, dataDirectory: dataDirectory, migrations: components.migrations) {
            for handler in resetHandlers { await handler() }
        }

        let ca = try LocalCertificateAuthority.loadOrCreate(in: dataDirectory)
        // The certificate also covers the custom domain names stacks register (the stages'
        // defaults and any kept from earlier runs), so `https://<custom domain>/graphql` verifies.
        let scope = AppSyncScope(accountID: configuration.auth.defaultAccountID, region: configuration.auth.defaultRegion)
        let customDomains = configuration.meshStages.compactMap(\.customDomain)
            + ((try? components.appSync?.listDomainNames(scope: scope)) ?? []).compactMap { $0["domainName"]?.stringValue }
        let names = Array(Set(["localhost", "127.0.0.1", "::1"] + configuration.tlsNames + [configuration.host] + customDomains))
            .filter { $0 != "0.0.0.0" && $0 != "::" }.sorted()
        let server = try ca.issueServerCertificate(for: names)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: try server.certificate.derBytes(), format: .der)),
                               .certificate(try NIOSSLCertificate(bytes: try ca.certificate.derBytes(), format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(server.key.pemRepresentation.utf8), format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        let sslContext = try NIOSSLContext(configuration: tls)

        let connections = SecureConnectionRegistry()
        let router = AWSProtocolRouter(services: services, auth: configuration.auth,
                                       limits: .init(json: .init(maxDepth: configuration.jsonMaxDepth)))
        let responder = SandboxResponder(
            router: router,
            operational: OperationalEndpoints(state: state, certificateAuthority: ca, serviceNames: services.map(\.signingName)),
            endpoints: components.httpEndpoints,
            connections: connections, maxBodyBytes: configuration.maxBodyBytes, logger: logger)
        let webSockets = WebSocketBridge(endpoints: components.webSocketEndpoints, connections: connections,
                                         maxMessageBytes: 1 << 20)

        var http1 = HTTP1Channel.Configuration()
        http1.httpDecoder = .init(maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes)
        let childChannel = SniffTLSChannel(
            base: HTTP1WebSocketUpgradeChannel(
                responder: { request, writer, channel in try await responder.respond(to: request, writer: writer, channel: channel) },
                configuration: .init(http1: http1, ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled)),
                shouldUpgrade: { head, channel, _ in webSockets.shouldUpgrade(head, channel: channel) }),
            sslContext: sslContext, connections: connections)

        let info = { @Sendable (port: Int) in
            ReadyInfo(host: configuration.host, port: port, caCertificatePath: ca.certificatePath,
                      dataDirectory: dataDirectory, persistent: !configuration.inMemory)
        }
        let serverService = childChannel.server(
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                endpoint.bind(port: port)
                // Default stacks are deployed once the port is known: their outputs hold URLs with it.
                for task in components.startupTasks {
                    do {
                        try await task(configuration.auth.defaultAccountID, configuration.auth.defaultRegion)
                    } catch {
                        logger.error("Start-up deployment failed", metadata: ["error": .string("\(error)")])
                    }
                }
                if configuration.dnsEnabled, let appSync = components.appSync {
                    // UDP on the same port number: `dig @127.0.0.1 -p <port> <custom domain>`.
                    let route53 = components.route53
                    let dns = DNSServer(host: configuration.host, port: port, logger: logger) { name in
                        (try? appSync.getDomainName(name)) != nil || route53?.hasAddressRecord(name) == true
                    }
                    do {
                        _ = try await dns.bind()
                    } catch {
                        logger.warning("DNS over UDP not served: \(error)")
                    }
                }
                await onReady(info(port))
            },
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            // Graceful shutdown stops services in reverse order: draining tasks after the server.
            services: components.drainingTasks.map { BackgroundTaskService(task: $0) } + [serverService]
                + components.backgroundTasks.map { BackgroundTaskService(task: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}


extension SandboxServer {
    /// The CA certificate path for `dataDirectory`, creating the CA on first use.
    public static func certificateAuthorityPath(dataDirectory: String) throws -> String {
        try LocalCertificateAuthority.loadOrCreate(in: (dataDirectory as NSString).standardizingPath).certificatePath
    }
}
