import AWSCore

/// The stage files the deploy guide describes (§3), as shipped in `fixtures/` and embedded here
/// so a bare `mesh-sandbox serve` can deploy stage `stg` without any file.
public enum MeshV2Fixtures {
    public static let stageFiles: [(name: String, contents: String)] = [
        (".env.stg", stageFile(stage: "stg", comment: "Staging (development, fast intervals)", host: (15, 60), member: (15, 60), maxConnection: 300)),
        (".env.stg2", stageFile(stage: "stg2", comment: "Staging 2 (parallel testing), same intervals as stg", host: (15, 60), member: (15, 60), maxConnection: 300)),
        (".env.production", stageFile(stage: "prod", comment: "Production (cost-optimised)", host: (60, 150), member: (120, 600), maxConnection: 1500)),
    ]

    static func stageFile(stage: String, comment: String, host: (Int, Int), member: (Int, Int), maxConnection: Int) -> String {
        """
        # Mesh v2 stage \(stage): \(comment)
        STAGE=\(stage)
        MESH_SECRET_KEY=\(stage == "prod" ? "change-me-in-production" : "dev-secret-key-for-testing")
        MESH_HOST_HEARTBEAT_INTERVAL_SECONDS=\(host.0)
        MESH_HOST_HEARTBEAT_TTL_SECONDS=\(host.1)
        MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS=\(member.0)
        MESH_MEMBER_HEARTBEAT_TTL_SECONDS=\(member.1)
        MESH_MAX_CONNECTION_TIME_SECONDS=\(maxConnection)
        MESH_EVENT_TTL_SECONDS=10
        MESH_POLLING_INTERVAL_SECONDS=2

        """
    }

    /// The stage configuration a file describes (the default stage is `.env.stg`).
    public static func stage(named file: String = ".env.stg", explicitStage: String? = nil) -> StageConfiguration? {
        stageFiles.first { $0.name == file }.map { StageConfiguration(explicitStage: explicitStage, envFile: DotEnv.parse($0.contents)) }
    }

    /// Every file `fixtures/` holds, by relative path: the schema, the stage files and each stage's template.
    public static func files() -> [(path: String, contents: String)] {
        var files: [(String, String)] = [("schema.graphql", MeshV2Schema.sdl)]
        for (name, contents) in stageFiles {
            files.append((name, contents))
            let stage = StageConfiguration(envFile: DotEnv.parse(contents))
            files.append(("templates/\(stage.stackName).template.json", MeshV2StackTemplate(stage: stage).render().prettyPrinted()))
        }
        return files
    }
}
