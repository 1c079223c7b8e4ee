import AWSCore
import Foundation

extension AppSyncBackend {
    static let dataSourceTypes: Set<String> = [
        "AWS_LAMBDA", "AMAZON_DYNAMODB", "AMAZON_ELASTICSEARCH", "NONE", "HTTP", "RELATIONAL_DATABASE",
        "AMAZON_OPENSEARCH_SERVICE", "AMAZON_EVENTBRIDGE", "AMAZON_BEDROCK_RUNTIME",
    ]

    private func apiARN(_ apiId: String) throws -> String { try requireAPI(apiId)["arn"]?.stringValue ?? "" }

    // MARK: Data sources

    /// `CreateDataSource`: returns the `dataSource` structure.
    public func createDataSource(apiId: String, _ input: JSONObject) throws -> JSONObject {
        let arn = try apiARN(apiId)
        guard let name = input["name"]?.stringValue else { throw AppSyncError.missing("name") }
        guard let type = input["type"]?.stringValue else { throw AppSyncError.missing("type") }
        guard Self.dataSourceTypes.contains(type) else { throw AppSyncError.badRequest("Invalid data source type \(type).") }
        guard try store.get(.dataSource, scope: apiId, name: name) == nil else {
            throw AppSyncError.badRequest("Data source with name \(name) already exists.")
        }
        var doc = JSONObject()
        doc["dataSourceArn"] = .string("\(arn)/datasources/\(name)")
        doc["name"] = .string(name)
        doc["type"] = .string(type)
        Self.copy(input, into: &doc, except: ["name", "type", "apiId"])
        try store.put(.dataSource, scope: apiId, name: name, doc)
        invalidate(apiId)
        return doc
    }

    public func getDataSource(apiId: String, name: String) throws -> JSONObject {
        _ = try requireAPI(apiId)
        guard let doc = try store.get(.dataSource, scope: apiId, name: name) else { throw AppSyncError.dataSourceNotFound(name) }
        return doc
    }

    public func listDataSources(apiId: String) throws -> [JSONObject] {
        _ = try requireAPI(apiId)
        return try store.list(.dataSource, scope: apiId)
    }

    public func updateDataSource(apiId: String, name: String, _ input: JSONObject) throws -> JSONObject {
        var doc = try getDataSource(apiId: apiId, name: name)
        if let type = input["type"]?.stringValue {
            guard Self.dataSourceTypes.contains(type) else { throw AppSyncError.badRequest("Invalid data source type \(type).") }
            doc["type"] = .string(type)
        }
        Self.copy(input, into: &doc, except: ["name", "type", "apiId"])
        try store.put(.dataSource, scope: apiId, name: name, doc)
        invalidate(apiId)
        return doc
    }

    public func deleteDataSource(apiId: String, name: String) throws {
        _ = try requireAPI(apiId)
        guard try store.delete(.dataSource, scope: apiId, name: name) else { throw AppSyncError.dataSourceNotFound(name) }
        invalidate(apiId)
    }

    // MARK: Resolvers

    /// `CreateResolver`: returns the `resolver` structure.
    public func createResolver(apiId: String, typeName: String, _ input: JSONObject) throws -> JSONObject {
        let arn = try apiARN(apiId)
        guard let fieldName = input["fieldName"]?.stringValue else { throw AppSyncError.missing("fieldName") }
        let key = "\(typeName).\(fieldName)"
        guard try store.get(.resolver, scope: apiId, name: key) == nil else {
            throw AppSyncError.badRequest("Only one resolver is allowed per field.")
        }
        var doc = JSONObject()
        doc["typeName"] = .string(typeName)
        doc["fieldName"] = .string(fieldName)
        doc["resolverArn"] = .string("\(arn)/types/\(typeName)/resolvers/\(fieldName)")
        doc["kind"] = .string(input["kind"]?.stringValue ?? "UNIT")
        Self.copy(input, into: &doc, except: ["typeName", "fieldName", "kind", "apiId"])
        try validateResolverTargets(apiId: apiId, doc)
        try store.put(.resolver, scope: apiId, name: key, doc)
        invalidate(apiId)
        return doc
    }

    public func getResolver(apiId: String, typeName: String, fieldName: String) throws -> JSONObject {
        _ = try requireAPI(apiId)
        guard let doc = try store.get(.resolver, scope: apiId, name: "\(typeName).\(fieldName)") else {
            throw AppSyncError.resolverNotFound(typeName, fieldName)
        }
        return doc
    }

    /// `ListResolvers` for one type.
    public func listResolvers(apiId: String, typeName: String) throws -> [JSONObject] {
        _ = try requireAPI(apiId)
        return try store.list(.resolver, scope: apiId).filter { $0["typeName"]?.stringValue == typeName }
    }

    /// `ListResolversByFunction`.
    public func listResolvers(apiId: String, functionId: String) throws -> [JSONObject] {
        _ = try requireAPI(apiId)
        return try store.list(.resolver, scope: apiId).filter { ResolverRecord(document: $0).functions.contains(functionId) }
    }

    public func updateResolver(apiId: String, typeName: String, fieldName: String, _ input: JSONObject) throws -> JSONObject {
        var doc = try getResolver(apiId: apiId, typeName: typeName, fieldName: fieldName)
        if let kind = input["kind"]?.stringValue { doc["kind"] = .string(kind) }
        Self.copy(input, into: &doc, except: ["typeName", "fieldName", "kind", "apiId"])
        try validateResolverTargets(apiId: apiId, doc)
        try store.put(.resolver, scope: apiId, name: "\(typeName).\(fieldName)", doc)
        invalidate(apiId)
        return doc
    }

    public func deleteResolver(apiId: String, typeName: String, fieldName: String) throws {
        _ = try requireAPI(apiId)
        guard try store.delete(.resolver, scope: apiId, name: "\(typeName).\(fieldName)") else {
            throw AppSyncError.resolverNotFound(typeName, fieldName)
        }
        invalidate(apiId)
    }

    private func validateResolverTargets(apiId: String, _ doc: JSONObject) throws {
        let record = ResolverRecord(document: doc)
        guard record.kind.rawValue == doc["kind"]?.stringValue else {
            throw AppSyncError.badRequest("Invalid resolver kind \(doc["kind"]?.stringValue ?? "").")
        }
        if let ds = record.dataSourceName, try store.get(.dataSource, scope: apiId, name: ds) == nil {
            throw AppSyncError.dataSourceNotFound(ds)
        }
        for id in record.functions where try store.get(.function, scope: apiId, name: id) == nil {
            throw AppSyncError.functionNotFound(id)
        }
    }

    // MARK: Functions

    /// `CreateFunction`: returns the `functionConfiguration` structure.
    public func createFunction(apiId: String, _ input: JSONObject) throws -> JSONObject {
        let arn = try apiARN(apiId)
        guard let name = input["name"]?.stringValue else { throw AppSyncError.missing("name") }
        guard let dataSource = input["dataSourceName"]?.stringValue else { throw AppSyncError.missing("dataSourceName") }
        guard try store.get(.dataSource, scope: apiId, name: dataSource) != nil else { throw AppSyncError.dataSourceNotFound(dataSource) }
        let id = Self.randomID(26)
        var doc = JSONObject()
        doc["functionId"] = .string(id)
        doc["functionArn"] = .string("\(arn)/functions/\(id)")
        doc["name"] = .string(name)
        doc["dataSourceName"] = .string(dataSource)
        doc["functionVersion"] = .string(input["functionVersion"]?.stringValue ?? "2018-05-29")
        Self.copy(input, into: &doc, except: ["name", "dataSourceName", "functionVersion", "apiId"])
        try store.put(.function, scope: apiId, name: id, doc)
        invalidate(apiId)
        return doc
    }

    public func getFunction(apiId: String, functionId: String) throws -> JSONObject {
        _ = try requireAPI(apiId)
        guard let doc = try store.get(.function, scope: apiId, name: functionId) else { throw AppSyncError.functionNotFound(functionId) }
        return doc
    }

    public func listFunctions(apiId: String) throws -> [JSONObject] {
        _ = try requireAPI(apiId)
        return try store.list(.function, scope: apiId)
    }

    public func updateFunction(apiId: String, functionId: String, _ input: JSONObject) throws -> JSONObject {
        var doc = try getFunction(apiId: apiId, functionId: functionId)
        if let ds = input["dataSourceName"]?.stringValue, try store.get(.dataSource, scope: apiId, name: ds) == nil {
            throw AppSyncError.dataSourceNotFound(ds)
        }
        Self.copy(input, into: &doc, except: ["functionId", "functionArn", "apiId"])
        try store.put(.function, scope: apiId, name: functionId, doc)
        invalidate(apiId)
        return doc
    }

    public func deleteFunction(apiId: String, functionId: String) throws {
        _ = try requireAPI(apiId)
        guard try store.delete(.function, scope: apiId, name: functionId) else { throw AppSyncError.functionNotFound(functionId) }
        invalidate(apiId)
    }

    static func copy(_ input: JSONObject, into doc: inout JSONObject, except: Set<String>) {
        for (k, v) in input where !except.contains(k) && !v.isNull { doc[k] = v }
    }
}
