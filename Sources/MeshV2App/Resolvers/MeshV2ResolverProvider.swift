public import AppSyncService
public import AWSCore
public import DynamoDBService
public import SandboxStorage

/// Supplies the Mesh v2 fields, natively, for any API deployed from the Mesh v2 template: its
/// JavaScript resolvers and functions carry the `mesh-sandbox:native` marker, and its Lambda
/// resolvers use the `MeshV2-GraphQL…` function. Each field is implemented once, as the whole
/// pipeline (or Lambda use case) upstream runs for it, against the stage's table.
public struct MeshV2ResolverProvider: AppSyncResolverProvider {
    let dynamodb: DynamoDBService
    let clock: any SandboxClock
    /// The Lambda's `MESH_SECRET_KEY` for an API name (the Lambda's environment is not an AppSync value).
    let secretKey: @Sendable (_ apiName: String) -> String

    public init(dynamodb: DynamoDBService, clock: any SandboxClock, secretKey: @escaping @Sendable (String) -> String) {
        self.dynamodb = dynamodb
        self.clock = clock
        self.secretKey = secretKey
    }

    public func implementation(for resolver: ResolverRecord, api: AppSyncAPIInfo) -> (any FieldResolverImplementation)? {
        guard isMeshV2(resolver, api: api), let field = MeshV2Field(rawValue: "\(resolver.typeName).\(resolver.fieldName)") else { return nil }
        return MeshV2FieldResolver(field: field, dynamodb: dynamodb, clock: clock, secretKey: secretKey)
    }

    private func isMeshV2(_ resolver: ResolverRecord, api: AppSyncAPIInfo) -> Bool {
        let marker = MeshV2StackTemplate.nativeMarker
        if resolver.code?.contains(marker) == true { return true }
        if resolver.kind == .pipeline {
            return !resolver.functions.isEmpty && resolver.functions.allSatisfy { api.functions[$0]?.code?.contains(marker) == true }
        }
        guard let name = resolver.dataSourceName, let source = api.dataSources[name], source.type == "AWS_LAMBDA",
              let function = source.lambdaFunctionArn?.split(separator: ":").last else { return false }
        return function.hasPrefix("MeshV2-GraphQL")
    }
}

/// The fifteen fields.
enum MeshV2Field: String, CaseIterable {
    case createDomain = "Mutation.createDomain"
    case createGroup = "Mutation.createGroup"
    case joinGroup = "Mutation.joinGroup"
    case leaveGroup = "Mutation.leaveGroup"
    case dissolveGroup = "Mutation.dissolveGroup"
    case renewHeartbeat = "Mutation.renewHeartbeat"
    case sendMemberHeartbeat = "Mutation.sendMemberHeartbeat"
    case reportDataByNode = "Mutation.reportDataByNode"
    case fireEventsByNode = "Mutation.fireEventsByNode"
    case recordEventsByNode = "Mutation.recordEventsByNode"
    case listGroupsByDomain = "Query.listGroupsByDomain"
    case getNodeStatus = "Query.getNodeStatus"
    case listGroupStatuses = "Query.listGroupStatuses"
    case listNodesInGroup = "Query.listNodesInGroup"
    case getEventsSince = "Query.getEventsSince"

    /// Fields upstream runs in its Ruby Lambda: their errors are `Lambda:Unhandled`.
    var isLambda: Bool {
        switch self {
        case .createDomain, .leaveGroup, .dissolveGroup, .recordEventsByNode: true
        default: false
        }
    }
}

struct MeshV2FieldResolver: FieldResolverImplementation {
    let field: MeshV2Field
    let dynamodb: DynamoDBService
    let clock: any SandboxClock
    let secretKey: @Sendable (String) -> String

    func resolve(_ request: ResolverRequest) async throws -> JSONValue {
        let context = MeshContext(request: request, dynamodb: dynamodb, now: clock.now, lambda: field.isLambda)
        do {
            switch field {
            case .createDomain: return try createDomain(request)
            case .createGroup: return try await context.createGroup()
            case .joinGroup: return try await context.joinGroup()
            case .leaveGroup: return try await context.leaveGroup()
            case .dissolveGroup: return try await context.dissolveGroup()
            case .renewHeartbeat: return try await context.renewHeartbeat()
            case .sendMemberHeartbeat: return try await context.sendMemberHeartbeat()
            case .reportDataByNode: return try await context.reportDataByNode()
            case .fireEventsByNode: return try await context.fireEventsByNode()
            case .recordEventsByNode: return try await context.recordEventsByNode()
            case .listGroupsByDomain: return try await context.listGroupsByDomain()
            case .getNodeStatus: return try await context.getNodeStatus()
            case .listGroupStatuses: return try await context.listGroupStatuses()
            case .listNodesInGroup: return try await context.listNodesInGroup()
            case .getEventsSince: return try await context.getEventsSince()
            }
        } catch let error as AppSyncResolverError {
            throw error
        } catch let error as any AWSError {
            // A DynamoDB failure: JS resolvers report `DynamoDB:<Code>`, the Lambda its SDK message.
            throw field.isLambda ? MeshError.lambda(error.message) : AppSyncResolverError(type: "DynamoDB:\(error.code)", message: error.message)
        }
    }

    /// CRC-32 of the secret and the caller's IP, lowercase hex without padding (`create_domain.rb`).
    func createDomain(_ request: ResolverRequest) throws -> JSONValue {
        let ip: String
        if let forwarded = request.headers["x-forwarded-for"] {
            // Ruby's `split(",").first.strip` fails on an empty header.
            guard let first = forwarded.split(separator: ",", omittingEmptySubsequences: false).first,
                  !forwarded.isEmpty else { throw MeshError.lambda("undefined method 'strip' for nil") }
            ip = first.trimmingCharacters(in: .whitespaces)
        } else {
            ip = request.sourceIP ?? "none"
        }
        return .string(String(CRC32.checksum(Array((secretKey(request.api.name) + ip).utf8)), radix: 16))
    }
}

import Foundation

/// Errors in the shapes upstream produces.
enum MeshError {
    static func lambda(_ message: String) -> AppSyncResolverError { AppSyncResolverError(type: "Lambda:Unhandled", message: message) }
    static func groupNotFound(_ message: String) -> AppSyncResolverError { AppSyncResolverError(type: "GroupNotFound", message: message) }
    static func validation(_ message: String) -> AppSyncResolverError { AppSyncResolverError(type: "ValidationError", message: message) }
}

/// zlib's CRC-32 (IEEE 802.3 polynomial, reflected), as Ruby's `Zlib.crc32`.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
