import AppSyncService
import AWSCore
import Foundation
import SandboxStorage
import CloudFormationService
import CostExplorerService
import DynamoDBService
import LogsService
import MeshV2App
import ResourceGroupsService
import Route53Service
import SSMService
import STSService
import XRayService
import ServiceLifecycle

/// Everything the emulated services contribute to the server: AWS APIs, raw HTTP and
/// WebSocket endpoints, background work, and the tables they store into.
struct SandboxComponents: Sendable {
    var awsServices: [any AWSService] = []
    var httpEndpoints: [any HTTPEndpoint] = []
    var webSocketEndpoints: [any WebSocketEndpoint] = []
    var backgroundTasks: [any BackgroundTask] = []
    /// Background work stopped only after the server has drained its requests (writers that
    /// must see every request's output, and flush it when cancelled).
    var drainingTasks: [any BackgroundTask] = []
    var migrations: [Migration] = []
    /// Run once the port is bound, before the sandbox reports ready (deploying the default stacks).
    var startupTasks: [@Sendable (_ accountID: String, _ region: String) async throws -> Void] = []
    /// Run after `POST /_sandbox/reset` deleted all rows, so services drop cached state.
    var resetHandlers: [@Sendable () async -> Void] = []
    /// The AppSync model, for modules that register resolvers or create APIs (CloudFormation, Mesh v2).
    var appSync: AppSyncBackend?
    /// Route 53, whose address records the sandbox's DNS answers.
    var route53: Route53Service?
    /// Every service's taggable resources (the tagging APIs; cost attribution by tag).
    var resourceRegistry: ResourceRegistry?

    /// Builds every service of this sandbox over `database`, but CloudWatch Logs over `logsDatabase`:
    /// AppSync logs four events per request, and in a database of their own their inserts (and
    /// the WAL they grow) never hold the writer that every DynamoDB write needs.
    static func make(database: SQLiteDatabase, logsDatabase: SQLiteDatabase, clock: any SandboxClock, endpoint: SandboxEndpoint,
                     configuration: SandboxConfiguration) throws -> SandboxComponents {
        var components = SandboxComponents()
        components.awsServices.append(STSService())
        // Every billing service reports its usage here; Cost Explorer answers from it.
        let meter = try CostMeter(database: database, clock: clock)

        // AppSync writes its APIs' logs to CloudWatch Logs and their traces to X-Ray, batched off the request path.
        try logsDatabase.migrate(LogsService.migrations)
        try LogsService.moveLegacyLogs(from: database, to: logsDatabase)
        let logs = LogsService(database: logsDatabase, clock: clock, meter: meter)
        let xray = XRayService(database: database, clock: clock)
        let telemetry = AppSyncTelemetry(logSink: AppSyncLogsSink(logs: logs), traceSink: xray)
        components.drainingTasks.append(telemetry)
        let appSync = try AppSyncBackend(database: database, clock: clock, endpoint: endpoint, telemetry: telemetry, meter: meter)
        components.appSync = appSync
        components.awsServices.append(AppSyncService(backend: appSync))
        components.httpEndpoints.append(GraphQLHTTPEndpoint(backend: appSync))
        components.webSocketEndpoints.append(RealtimeEndpoint(backend: appSync))
        components.migrations += AppSyncBackend.migrations
        // AppSync first: it drops the log events still pending, which would otherwise recreate their groups.
        components.resetHandlers.append { await appSync.reset() }
        components.resetHandlers.append { try? logsDatabase.deleteAllRows() }
        let ssm = SSMService(database: database, clock: clock)
        components.awsServices.append(ssm)
        components.migrations += SSMService.migrations
        let dynamodb = try DynamoDBService(database: database, clock: clock, meter: meter)
        components.awsServices.append(dynamodb)
        components.migrations += DynamoDBService.migrations
        if let period = configuration.ttlSweepPeriod {
            components.backgroundTasks.append(TTLSweeper(service: dynamodb, period: period))
        }
        components.resetHandlers.append { dynamodb.reloadAfterReset() }
        if let period = configuration.storageMeterPeriod {
            components.backgroundTasks.append(StorageMeterSampler(service: dynamodb, period: period))
        }
        components.awsServices.append(logs)
        components.awsServices.append(xray)
        components.migrations += XRayService.migrations
        let route53 = Route53Service(database: database)
        components.route53 = route53
        components.awsServices.append(route53)
        components.migrations += Route53Service.migrations
        // Every service that implements AWS::… resource types contributes its provider here.
        let providers: [any CloudFormationResourceProvider] = [ssm, dynamodb, route53, logs, AppSyncResourceProvider(backend: appSync)]
        let cloudFormation = CloudFormationService(database: database, clock: clock, providers: providers, parameterLookup: ssm)
        components.awsServices.append(cloudFormation)
        components.migrations += CloudFormationService.migrations
        // One registry over every service's tagged resources; each service keeps its own tags.
        let groups = ResourceGroupStore(database: database)
        let resourceRegistry = ResourceRegistry(sources: [dynamodb, appSync, logs, ssm, route53, cloudFormation, groups])
        components.resourceRegistry = resourceRegistry
        components.awsServices.append(TaggingService(registry: resourceRegistry))
        components.awsServices.append(ResourceGroupsService(store: groups, registry: resourceRegistry, stacks: cloudFormation))
        components.migrations += ResourceGroupStore.migrations
        // Cost Explorer attributes usage to the tags the registry reports.
        meter.attribute(to: resourceRegistry)
        components.awsServices.append(CostExplorerService(meter: meter))
        components.migrations += CostMeter.migrations
        components.backgroundTasks.append(CostMeterFlusher(meter: meter))
        components.resetHandlers.append { meter.discardPending() }
        if configuration.bootstrapCDK {
            components.startupTasks.append { accountID, region in
                _ = try await cloudFormation.deploy(stackName: "CDKToolkit", templateBody: CloudFormationService.cdkToolkitTemplate,
                                                    accountID: accountID, region: region)
            }
        }
        // The Mesh v2 fields, for any API deployed from its template; the Lambda's secret comes from the stage.
        let stages = configuration.meshStages
        appSync.register(MeshV2ResolverProvider(dynamodb: dynamodb, clock: clock) { apiName in
            stages.first { $0.apiName == apiName }?.settings["MESH_SECRET_KEY"] ?? "default-secret-key"
        })
        let deployment = MeshV2Deployment(stages: configuration.meshStages)
        if !deployment.stages.isEmpty {
            components.startupTasks.append { accountID, region in
                try await deployment.deploy(with: cloudFormation, accountID: accountID, region: region)
            }
        }
        components.webSocketEndpoints.append(EchoWebSocketEndpoint())
        return components
    }
}

/// Runs a service's ``BackgroundTask`` under ServiceLifecycle, so it stops on shutdown.
struct BackgroundTaskService: Service {
    let task: any BackgroundTask

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await task.run()
        }
    }
}

/// AppSync's log writes into CloudWatch Logs: the group is created on first use, as AppSync does.
struct AppSyncLogsSink: AppSyncLogSink {
    let logs: LogsService

    func write(group: String, stream: String, events: [AppSyncLogEvent], accountID: String, region: String) {
        do {
            try logs.ensureGroup(name: group, account: accountID, region: region)
            try logs.append(group: group, stream: stream, events: events.map { ($0.timestamp, $0.message) }, account: accountID, region: region)
        } catch {
            // A log write that fails (the group was deleted meanwhile) is dropped, as AppSync's would be.
        }
    }
}
