import AWSCore
public import CloudFormationService
import Foundation

/// Deploys Mesh v2 stages as `cdk deploy` would: one CloudFormation stack per stage, from the
/// template this module renders, with the stack tags CDK applies.
public struct MeshV2Deployment: Sendable {
    public let stages: [StageConfiguration]

    public init(stages: [StageConfiguration]) { self.stages = stages }

    /// Creates or updates each stage's stack; unchanged stacks are left alone, so a restart
    /// with the same stage files is a no-op and a changed file updates the stack in place.
    @discardableResult
    public func deploy(with cloudFormation: CloudFormationService, accountID: String, region: String, now: Date = Date())
        async throws -> [(stackName: String, outcome: CloudFormationService.DeployOutcome)]
    {
        var results: [(String, CloudFormationService.DeployOutcome)] = []
        for stage in stages {
            let template = MeshV2StackTemplate(stage: stage).render().prettyPrinted()
            // CDK bakes "synth time + 365 days" into the key; keep the first deployment's value so
            // redeploying changes nothing.
            let previous = try cloudFormation.parameters(stackName: stage.stackName, accountID: accountID, region: region)
            let expires = previous["ApiKeyExpires"].flatMap { $0 == "0" ? nil : $0 }
                ?? String(Int64(now.timeIntervalSince1970) / 3600 * 3600 + 365 * 86_400)
            let tags = ["Project": "MeshV2", "Stage": stage.stage, "Service": "AppSync", "ManagedBy": "CDK"]
            let outcome = try await cloudFormation.deploy(stackName: stage.stackName, templateBody: template,
                                                          parameters: ["ApiKeyExpires": expires], tags: tags,
                                                          accountID: accountID, region: region)
            results.append((stage.stackName, outcome))
        }
        return results
    }

    /// The stages to deploy for `serve`'s options: `--env-file` (the `.env` symlink of the
    /// guide), `--stage` (repeatable), or by default stage `stg` from the embedded `.env.stg`.
    public static func stages(envFile: String?, explicitStages: [String], environment: [String: String]) throws -> [StageConfiguration] {
        let fileValues = try envFile.map { try DotEnv.load(path: $0) }
        if explicitStages.isEmpty {
            if let fileValues { return [StageConfiguration(envFile: fileValues, environment: environment)] }
            return [StageConfiguration(envFile: DotEnv.parse(MeshV2Fixtures.stageFiles[0].contents), environment: environment)]
        }
        return explicitStages.map { stage in
            // An explicit stage takes its values from the given file, else from the shipped stage file of that name.
            let values = fileValues ?? MeshV2Fixtures.stageFiles.first { $0.name == (stage == "prod" ? ".env.production" : ".env.\(stage)") }
                .map { DotEnv.parse($0.contents) } ?? [:]
            return StageConfiguration(explicitStage: stage, envFile: values, environment: environment)
        }
    }
}
