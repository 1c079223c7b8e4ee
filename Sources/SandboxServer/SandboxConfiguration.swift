public import AWSCore
public import Logging
public import MeshV2App

/// Everything `mesh-sandbox serve` can be told.
public struct SandboxConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests); the bound port is reported once ready.
    public var port: Int = 4566
    /// Holds `sandbox.db` and the CA. Also used with `inMemory`, for the CA only.
    public var dataDirectory: String = ".mesh-sandbox"
    /// Keep all state in memory: nothing survives the process.
    public var inMemory: Bool = false
    /// Extra DNS names or IPs the server certificate covers (custom domains).
    public var tlsNames: [String] = []
    public var auth = AuthConfiguration()
    /// Largest request body accepted, in bytes (DynamoDB's largest request is 16 MB).
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Largest header block accepted, in bytes.
    public var maxHeaderBytes: Int = 64 * 1024
    public var jsonMaxDepth: Int = 128
    public var logLevel: Logger.Level = .info
    /// The Mesh v2 stages whose stacks are deployed at start-up (default: stage `stg`).
    public var meshStages: [StageConfiguration] = [StageConfiguration(envFile: DotEnv.parse(MeshV2Fixtures.stageFiles[0].contents))]
    /// Answer DNS over UDP on the same port number for the stacks' custom domain names.
    public var dnsEnabled = true
    /// How often expired DynamoDB TTL items are deleted; nil turns the sweeper off.
    public var ttlSweepPeriod: Duration? = .seconds(1)
    /// How often DynamoDB table storage is sampled for Cost Explorer; nil turns sampling off.
    public var storageMeterPeriod: Duration? = .seconds(60)
    /// Deploy the `CDKToolkit` stack (and its SSM version parameter) so the CDK bootstrap check passes.
    public var bootstrapCDK = true

    public init() {}
}
