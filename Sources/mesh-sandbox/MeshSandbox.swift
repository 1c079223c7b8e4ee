import ArgumentParser
import CostExplorerService
import AWSCore
import Foundation
import Logging
import MeshV2App
import SandboxServer

@main
struct MeshSandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-sandbox",
        abstract: "An offline AWS sandbox for Smalruby Mesh v2: DynamoDB, AppSync, CloudFormation, STS and friends on one port.",
        discussion: """
            Start it with `mesh-sandbox serve`, then point any AWS client at it:

              export AWS_ENDPOINT_URL=http://127.0.0.1:4566

            The same port also speaks HTTPS with a certificate from the sandbox's own CA
            (kept in the data directory as ca.pem; trust it with AWS_CA_BUNDLE, SSL_CERT_FILE
            or NODE_EXTRA_CA_CERTS).
            """,
        version: SandboxVersion.current,
        subcommands: [Serve.self, CACertificate.self, ExportFixtures.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sandbox: every emulated service on one port, HTTP and HTTPS.")

    @Option(help: "Address to listen on. Loopback by default; use 0.0.0.0 to accept other machines (e.g. in Docker).")
    var host = "127.0.0.1"

    @Option(help: "Port for HTTP and HTTPS alike (the protocol is detected per connection). 0 picks a free port.")
    var port = 4566

    @Option(name: .customLong("data-dir"), help: "Directory for the database (sandbox.db) and the CA (ca.pem). Created if missing.")
    var dataDirectory = ".mesh-sandbox"

    @Flag(name: .customLong("in-memory"), help: "Keep all service state in memory; nothing survives a restart. The CA is still kept in --data-dir.")
    var inMemory = false

    @Option(name: .customLong("tls-name"), help: "An extra DNS name or IP for the server certificate (repeatable), e.g. a custom domain.")
    var tlsNames: [String] = []

    @Flag(name: .customLong("verify-signatures"), help: "Check SigV4 signatures against --access-key entries and reject bad ones, as AWS does. Off by default: any credentials work.")
    var verifySignatures = false

    @Option(name: .customLong("access-key"), help: "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:ACCOUNT_ID] known to the sandbox (repeatable); required for --verify-signatures.")
    var accessKeys: [String] = []

    @Option(name: .customLong("account-id"), help: "Account id for callers without a configured key.")
    var accountID = "123456789012"

    @Option(help: "Region used when a request does not name one.")
    var region = "ap-northeast-1"

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger requests get RequestEntityTooLarge (413).")
    var maxBodyBytes = 16 * 1024 * 1024

    @Option(name: .customLong("env-file"), help: "A Mesh v2 stage file (the guide's .env symlink, e.g. infra/smalruby-mesh-v2/.env): its STAGE and MESH_* values decide the stack deployed at start-up, as the CDK app reads them.")
    var envFile: String?

    @Option(name: .customLong("stage"), help: "Deploy this Mesh v2 stage at start-up (repeatable; like `cdk deploy --context stage=…`). Default: stg.")
    var stages: [String] = []

    @Flag(name: .customLong("no-stacks"), help: "Deploy no Mesh v2 stack at start-up (an empty sandbox).")
    var noStacks = false

    @Option(name: .customLong("ttl-sweep-seconds"), help: "How often items whose DynamoDB TTL has passed are deleted (AWS takes up to days; 0 turns deletion off).")
    var ttlSweepSeconds: Double = 1

    @Flag(name: .customLong("no-bootstrap"), help: "Do not deploy the CDKToolkit stack: `describe-stacks --stack-name CDKToolkit` then fails as on a fresh AWS account.")
    var noBootstrap = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Each request is logged at info.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard ttlSweepSeconds >= 0 else { throw ValidationError("--ttl-sweep-seconds must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        for key in accessKeys where key.split(separator: ":").count < 2 {
            throw ValidationError("--access-key takes ACCESS_KEY_ID:SECRET_ACCESS_KEY[:ACCOUNT_ID], got '\(key)'")
        }
        if noStacks, envFile != nil || !stages.isEmpty {
            throw ValidationError("--no-stacks cannot be combined with --env-file or --stage")
        }
        if verifySignatures, accessKeys.isEmpty {
            throw ValidationError("--verify-signatures needs at least one --access-key")
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDirectory
        configuration.inMemory = inMemory
        configuration.tlsNames = tlsNames
        configuration.maxBodyBytes = maxBodyBytes
        configuration.logLevel = level
        configuration.bootstrapCDK = !noBootstrap
        configuration.meshStages = noStacks ? [] : try MeshV2Deployment.stages(
            envFile: envFile, explicitStages: stages, environment: ProcessInfo.processInfo.environment)
        configuration.ttlSweepPeriod = ttlSweepSeconds > 0 ? .milliseconds(Int64(ttlSweepSeconds * 1000)) : nil
        configuration.auth.verifySignatures = verifySignatures
        configuration.auth.defaultAccountID = accountID
        configuration.auth.defaultRegion = region
        for entry in accessKeys {
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            configuration.auth.accessKeys[parts[0]] = .init(secretAccessKey: parts[1], accountID: parts.count > 2 ? parts[2] : accountID)
        }
        let server = SandboxServer(configuration: configuration, logger: Logger(label: "mesh-sandbox"))
        try await server.run { info in
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            print(ReadyMessage.text(info, readyMilliseconds: ms, region: region))
            fflush(nil)
        }
    }
}

struct CACertificate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Print the path of the sandbox CA certificate (ca.pem), creating the CA if needed.")

    @Option(name: .customLong("data-dir"), help: "The data directory the sandbox uses.")
    var dataDirectory = ".mesh-sandbox"

    func run() async throws {
        print(try SandboxServer.certificateAuthorityPath(dataDirectory: dataDirectory))
    }
}

enum ReadyMessage {
    static func text(_ info: SandboxServer.ReadyInfo, readyMilliseconds: Double, region: String) -> String {
        """
        mesh-sandbox \(SandboxVersion.current) ready in \(String(format: "%.0f", readyMilliseconds)) ms
          endpoint:       \(info.httpEndpoint)  (HTTPS on the same port: \(info.httpsEndpoint))
          CA certificate: \(info.caCertificatePath)  (also at \(info.httpEndpoint)/_sandbox/ca.pem)
          data:           \(info.persistent ? info.dataDirectory + "/ (sandbox.db, logs.db)" : "in memory (--in-memory)")
          health:         \(info.httpEndpoint)/_sandbox/health

        Point AWS clients at it:
          export AWS_ENDPOINT_URL=\(info.httpEndpoint)
          export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=\(region)
        For HTTPS, trust the CA:
          export AWS_CA_BUNDLE=\(info.caCertificatePath) SSL_CERT_FILE=\(info.caCertificatePath) NODE_EXTRA_CA_CERTS=\(info.caCertificatePath)
        """
    }
}

struct ExportFixtures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Write the embedded fixtures (Mesh v2 schema, stage files, stack templates; the price table) to a directory.")

    @Option(help: "Directory to write into (created if missing).")
    var output = "fixtures"

    func run() async throws {
        for (path, contents) in MeshV2Fixtures.files() + [("prices.json", PriceTable.fixtureText)] {
            let url = URL(fileURLWithPath: output).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url, atomically: true, encoding: .utf8)
            print(url.path)
        }
    }
}
