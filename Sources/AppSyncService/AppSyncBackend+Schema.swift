import AWSCore
import Foundation

extension AppSyncBackend {
    /// `StartSchemaCreation`: compiles the SDL at once; the API then serves it. Returns the status AWS
    /// reports from this call (`PROCESSING`); ``schemaCreationStatus(apiId:)`` tells the outcome.
    @discardableResult
    public func startSchemaCreation(apiId: String, definition: String) throws -> JSONObject {
        _ = try requireAPI(apiId)
        var doc = try store.get(.schema, scope: apiId, name: "schema") ?? [:]
        do {
            let compiled = try AppSyncSchemaBuilder.build(sdl: definition)
            doc["definition"] = .string(definition)
            doc["status"] = "SUCCESS"
            doc["details"] = .string("Successfully created schema with \(compiled.typeCount) types.")
        } catch {
            doc["status"] = "FAILED"
            doc["details"] = .string(AppSyncSchemaBuilder.describe(error))
        }
        try store.put(.schema, scope: apiId, name: "schema", doc)
        invalidate(apiId)
        return ["status": "PROCESSING"]
    }

    /// `GetSchemaCreationStatus`: `{status, details}`.
    public func schemaCreationStatus(apiId: String) throws -> JSONObject {
        _ = try requireAPI(apiId)
        guard let doc = try store.get(.schema, scope: apiId, name: "schema") else {
            throw AppSyncError.schemaNotFound(apiId)
        }
        var out = JSONObject()
        out["status"] = doc["status"]
        out["details"] = doc["details"]
        return out
    }

    /// The SDL an API serves (its last successfully compiled definition), or nil.
    public func schemaDefinition(apiId: String) throws -> String? {
        _ = try requireAPI(apiId)
        return try store.get(.schema, scope: apiId, name: "schema")?["definition"]?.stringValue
    }

    /// `GetIntrospectionSchema`: the schema as SDL (`format: SDL`) or introspection JSON (`JSON`).
    public func introspectionSchema(apiId: String, format: String, includeDirectives: Bool = true) async throws -> [UInt8] {
        guard try schemaDefinition(apiId: apiId) != nil, let runtime = try runtime(apiId: apiId) else {
            throw AppSyncError.schemaNotFound(apiId)
        }
        switch format.uppercased() {
        case "SDL": return Array(runtime.printedSchema(includeDirectives: includeDirectives).utf8)
        case "JSON": return try await runtime.introspectionJSON().serialized()
        default: throw AppSyncError.badRequest("Invalid format \(format). Valid values are SDL and JSON.")
        }
    }
}
