import AWSCore
import Foundation

extension AppSyncBackend {
    static let day: Int64 = 86_400

    /// `CreateApiKey`: `da2-` + 26 characters; `expires` defaults to 7 days, rounded down to the hour.
    public func createApiKey(apiId: String, _ input: JSONObject = [:]) throws -> JSONObject {
        _ = try requireAPI(apiId)
        let expires = try Self.validExpiry(input["expires"], now: now)
        var doc = JSONObject()
        doc["id"] = .string("da2-" + Self.randomID(26))
        if let description = input["description"]?.stringValue { doc["description"] = .string(description) }
        doc["expires"] = .int(expires)
        doc["deletes"] = .int(expires + 60 * Self.day)
        try store.put(.apiKey, scope: apiId, name: doc["id"]!.stringValue!, doc)
        invalidateKeys()
        return doc
    }

    /// `ListApiKeys`.
    public func listApiKeys(apiId: String) throws -> [JSONObject] {
        _ = try requireAPI(apiId)
        return try store.list(.apiKey, scope: apiId)
    }

    /// `UpdateApiKey`: description and/or expiry.
    public func updateApiKey(apiId: String, id: String, _ input: JSONObject) throws -> JSONObject {
        _ = try requireAPI(apiId)
        guard var doc = try store.get(.apiKey, scope: apiId, name: id) else { throw AppSyncError.apiKeyNotFound(id) }
        if let description = input["description"]?.stringValue { doc["description"] = .string(description) }
        if let expires = input["expires"], !expires.isNull {
            let value = try Self.validExpiry(expires, now: now)
            doc["expires"] = .int(value)
            doc["deletes"] = .int(value + 60 * Self.day)
        }
        try store.put(.apiKey, scope: apiId, name: id, doc)
        invalidateKeys()
        return doc
    }

    /// `DeleteApiKey`.
    public func deleteApiKey(apiId: String, id: String) throws {
        _ = try requireAPI(apiId)
        guard try store.delete(.apiKey, scope: apiId, name: id) else { throw AppSyncError.apiKeyNotFound(id) }
        invalidateKeys()
    }

    /// AppSync: an expiry between 1 and 365 days from now, rounded down to the hour.
    static func validExpiry(_ value: JSONValue?, now: Date) throws -> Int64 {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        guard let value, !value.isNull else { return (nowSeconds + 7 * day) / 3600 * 3600 }
        guard let raw = value.intValue ?? value.stringValue.flatMap({ Int($0) }) else {
            throw AppSyncError.badRequest("expires must be a number of seconds since the epoch.")
        }
        let expires = Int64(raw) / 3600 * 3600
        guard expires >= nowSeconds + day else {
            throw AppSyncError.apiKeyValidityOutOfBounds("API key must be valid for a minimum of 1 days.")
        }
        guard expires <= nowSeconds + 365 * day else {
            throw AppSyncError.apiKeyValidityOutOfBounds("API key must be valid for a maximum of 365 days.")
        }
        return expires
    }
}
