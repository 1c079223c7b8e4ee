import Foundation

/// One Mesh v2 stage as the upstream CDK app derives it: the stage name, resource names and
/// the `MESH_*` settings.
///
/// Precedence follows `bin/mesh-v2.ts` and `lib/mesh-v2-stack.ts`: the `.env` file is loaded
/// with `override: true` (so its values beat the process environment), an explicit stage
/// (`cdk --context stage=…`, here `--stage`) beats the file's `STAGE`, and each setting falls
/// back to the stack's default.
public struct StageConfiguration: Sendable, Equatable {
    public var stage: String
    public var settings: [String: String]

    /// Upstream's defaults for every setting (`lib/mesh-v2-stack.ts`).
    static func defaults(stage: String) -> [String: String] {
        [
            "MESH_HOST_HEARTBEAT_INTERVAL_SECONDS": "60",
            "MESH_HOST_HEARTBEAT_TTL_SECONDS": "150",
            "MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS": "120",
            "MESH_MEMBER_HEARTBEAT_TTL_SECONDS": "600",
            "MESH_MAX_CONNECTION_TIME_SECONDS": stage == "prod" ? "1500" : "300",
            "MESH_EVENT_TTL_SECONDS": "10",
            "MESH_POLLING_INTERVAL_SECONDS": "2",
            "MESH_SECRET_KEY": "default-secret-key",
            "ROUTE53_PARENT_ZONE_NAME": "api.smalruby.app",
        ]
    }

    /// The numeric settings the API and the Lambda receive.
    public static let meshNumericKeys = [
        "MESH_HOST_HEARTBEAT_INTERVAL_SECONDS", "MESH_HOST_HEARTBEAT_TTL_SECONDS", "MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS",
        "MESH_MEMBER_HEARTBEAT_TTL_SECONDS", "MESH_MAX_CONNECTION_TIME_SECONDS", "MESH_EVENT_TTL_SECONDS", "MESH_POLLING_INTERVAL_SECONDS",
    ]

    /// - Parameters:
    ///   - explicitStage: `--stage` (CDK context), the strongest.
    ///   - envFile: the parsed `.env` file, which overrides `environment`.
    ///   - environment: the process environment.
    public init(explicitStage: String? = nil, envFile: [String: String] = [:], environment: [String: String] = [:]) {
        var merged = environment
        merged.merge(envFile) { _, file in file }
        let stage = explicitStage ?? merged["STAGE"].flatMap { $0.isEmpty ? nil : $0 } ?? "stg"
        var settings = Self.defaults(stage: stage)
        for (key, value) in merged where settings[key] != nil || key == "APPSYNC_CUSTOM_DOMAIN" {
            if !value.isEmpty { settings[key] = value }  // `process.env.X || default`: empty falls back
        }
        self.stage = stage
        self.settings = settings
    }

    public var suffix: String { stage == "prod" ? "" : "-\(stage)" }
    public var stackName: String { "MeshV2Stack" + suffix }
    public var tableName: String { "MeshV2Table" + suffix }
    public var apiName: String { "MeshV2Api" + suffix }
    public var lambdaName: String { "MeshV2-GraphQL" + suffix }

    public var parentZone: String { settings["ROUTE53_PARENT_ZONE_NAME"] ?? "api.smalruby.app" }

    /// The custom domain (nil when `APPSYNC_CUSTOM_DOMAIN=false`).
    public var customDomain: String? {
        switch settings["APPSYNC_CUSTOM_DOMAIN"] {
        case "false": nil
        case let domain?: domain
        case nil: stage == "prod" ? "graphql.\(parentZone)" : "\(stage).graphql.\(parentZone)"
        }
    }

    public func integer(_ key: String) -> Int? { settings[key].flatMap { Int($0) } }
}

/// Reads `.env` files the way dotenv does: `KEY=VALUE` lines, `#` comments, optional `export `,
/// single- or double-quoted values (double quotes expand `\n`), inline comments after unquoted values.
public enum DotEnv {
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", let end = value.dropFirst().firstIndex(of: quote) {
                let inner = String(value[value.index(after: value.startIndex)..<end])
                value = quote == "\"" ? inner.replacingOccurrences(of: "\\n", with: "\n") : inner
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            guard !key.isEmpty else { continue }
            values[key] = value
        }
        return values
    }

    /// Reads a file, following symbolic links (`.env` → `.env.stg`).
    public static func load(path: String) throws -> [String: String] {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return parse(try String(contentsOfFile: resolved, encoding: .utf8))
    }
}
