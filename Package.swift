// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "mesh-sandbox",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mesh-sandbox", targets: ["mesh-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // System SQLite (Debian: libsqlite3-dev).
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),

        // Shared AWS wire layer: requests, protocols, codecs, errors, SigV4 scope. No NIO, no HTTP server.
        .target(
            name: "AWSCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite connection, migrations, clock.
        .target(name: "SandboxStorage", dependencies: ["CSQLite"], swiftSettings: swiftSettings),

        .target(name: "STSService", dependencies: ["AWSCore"], swiftSettings: swiftSettings),
        .target(name: "SSMService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .target(name: "Route53Service", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .target(name: "LogsService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .target(name: "XRayService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .target(
            name: "CloudFormationService",
            dependencies: ["AWSCore", "SandboxStorage", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // The Mesh v2 application: its schema, stages, stack template and (native) resolvers.
        .target(
            name: "MeshV2App",
            dependencies: ["AWSCore", "SandboxStorage", "CloudFormationService", "AppSyncService", "DynamoDBService"],
            swiftSettings: swiftSettings
        ),
        .target(name: "DynamoDBService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        // Cost Explorer: the usage meter every billing service reports to, the price table, the API.
        .target(name: "CostExplorerService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        // The Resource Groups Tagging API and AWS Resource Groups, over every service's tagged resources.
        .target(name: "ResourceGroupsService", dependencies: ["AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),

        // AppSync: control plane (REST-JSON), GraphQL data plane, real-time WebSocket protocol and fan-out.
        .target(
            name: "AppSyncService",
            dependencies: [
                "AWSCore", "SandboxStorage",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),

        // The server: one port, TLS sniffing, local CA, routing, WebSocket, operational endpoints.
        .target(
            name: "SandboxServer",
            dependencies: [
                "AWSCore", "SandboxStorage", "STSService", "SSMService", "Route53Service", "LogsService", "XRayService", "DynamoDBService", "CloudFormationService", "MeshV2App", "AppSyncService", "CostExplorerService", "ResourceGroupsService",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mesh-sandbox",
            dependencies: [
                "SandboxServer", "AWSCore", "MeshV2App", "CostExplorerService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The fan-out benchmark's load client (bench/classroom.py runs it); not part of the sandbox binary.
        .executableTarget(
            name: "classroom-load",
            dependencies: [
                "AWSCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "bench/classroom-load",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "STSService"], swiftSettings: swiftSettings),
        .testTarget(name: "MeshV2AppTests", dependencies: ["MeshV2App", "CloudFormationService"], swiftSettings: swiftSettings),
        .testTarget(name: "CloudFormationServiceTests", dependencies: ["CloudFormationService"], swiftSettings: swiftSettings),
        .testTarget(name: "AppSyncServiceTests", dependencies: ["AppSyncService", "AWSCore", "SandboxStorage", .product(name: "GraphQL", package: "GraphQL")], swiftSettings: swiftSettings),
        .testTarget(name: "SandboxStorageTests", dependencies: ["SandboxStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "SandboxServerTests", dependencies: [
            "SandboxServer", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "DynamoDBServiceTests", dependencies: ["DynamoDBService"], swiftSettings: swiftSettings),
        .testTarget(name: "LogsServiceTests", dependencies: ["LogsService", "AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "XRayServiceTests", dependencies: ["XRayService", "AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "CostExplorerServiceTests", dependencies: ["CostExplorerService", "DynamoDBService", "AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "ResourceGroupsServiceTests", dependencies: ["ResourceGroupsService", "AWSCore", "SandboxStorage"], swiftSettings: swiftSettings),
    ]
)
