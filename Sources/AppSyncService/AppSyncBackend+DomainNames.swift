import AWSCore
import Foundation

extension AppSyncBackend {
    /// `CreateDomainName`: returns the `domainNameConfig` structure.
    public func createDomainName(_ input: JSONObject, scope: AppSyncScope) throws -> JSONObject {
        guard let name = input["domainName"]?.stringValue?.lowercased() else { throw AppSyncError.missing("domainName") }
        guard let certificate = input["certificateArn"]?.stringValue else { throw AppSyncError.missing("certificateArn") }
        guard try store.get(.domainName, scope: "", name: name) == nil else {
            throw AppSyncError.badRequest("Domain name \(name) already exists.")
        }
        var doc = JSONObject()
        doc["domainName"] = .string(name)
        if let description = input["description"]?.stringValue { doc["description"] = .string(description) }
        doc["certificateArn"] = .string(certificate)
        // Clients reach a custom domain through this sandbox: the "CloudFront" name is the sandbox itself.
        doc["appsyncDomainName"] = .string(endpoint.host)
        doc["hostedZoneId"] = "Z2FDTNDATAQYW2"
        doc["domainNameArn"] = .string(ARN(service: "appsync", region: scope.region, accountID: scope.accountID,
                                           resource: "domainnames/\(name)").description)
        doc["tags"] = .object(input["tags"]?.objectValue ?? [:])
        try store.put(.domainName, scope: "", name: name, doc)
        return doc
    }

    public func getDomainName(_ name: String) throws -> JSONObject {
        guard let doc = try store.get(.domainName, scope: "", name: name.lowercased()) else { throw AppSyncError.domainNameNotFound(name) }
        return doc
    }

    /// `ListDomainNames`: the domain names of `scope`.
    public func listDomainNames(scope: AppSyncScope) throws -> [JSONObject] {
        try store.list(.domainName, scope: "").filter { doc in
            guard let arn = doc["domainNameArn"]?.stringValue.flatMap(ARN.init) else { return false }
            return arn.accountID == scope.accountID && arn.region == scope.region
        }
    }

    public func deleteDomainName(_ name: String) throws {
        _ = try getDomainName(name)
        guard try store.get(.association, scope: "", name: name.lowercased()) == nil else {
            throw AppSyncError.badRequest("Domain name \(name) is associated with an API. Disassociate it first.")
        }
        try store.delete(.domainName, scope: "", name: name.lowercased())
    }

    /// `AssociateApi`: returns the `apiAssociation` structure.
    public func associateApi(domainName: String, apiId: String) throws -> JSONObject {
        let domain = try getDomainName(domainName)
        _ = try requireAPI(apiId)
        let doc: JSONObject = [
            "domainName": domain["domainName"] ?? .string(domainName),
            "apiId": .string(apiId),
            "associationStatus": "SUCCESS",
            "deploymentDetail": "",
        ]
        try store.put(.association, scope: "", name: domainName.lowercased(), doc)
        return doc
    }

    public func getApiAssociation(domainName: String) throws -> JSONObject {
        _ = try getDomainName(domainName)
        guard let doc = try store.get(.association, scope: "", name: domainName.lowercased()) else {
            throw AppSyncError.associationNotFound(domainName)
        }
        return doc
    }

    public func disassociateApi(domainName: String) throws {
        _ = try getApiAssociation(domainName: domainName)
        try store.delete(.association, scope: "", name: domainName.lowercased())
    }

    /// The API a request's `Host` names: a custom domain with an association, or `<apiId>.appsync-api.…`.
    public func apiId(forHost host: String) throws -> String? {
        let host = host.lowercased()
        if let association = try store.get(.association, scope: "", name: host) { return association["apiId"]?.stringValue }
        if let dot = host.firstIndex(of: "."), host[dot...].hasPrefix(".appsync-api.") || host[dot...].hasPrefix(".appsync-realtime-api.") {
            let id = String(host[..<dot])
            return try store.get(.api, scope: "", name: id) != nil ? id : nil
        }
        return nil
    }

    // MARK: Tags

    /// `TagResource` on an API or a domain name.
    public func tagResource(arn: String, tags: JSONObject) throws {
        try updateTags(arn: arn) { current in for (k, v) in tags { current[k] = v } }
    }

    /// `UntagResource`.
    public func untagResource(arn: String, keys: [String]) throws {
        try updateTags(arn: arn) { current in for k in keys { current[k] = nil } }
    }

    /// `ListTagsForResource`.
    public func tags(arn: String) throws -> JSONObject {
        let (_, _, doc) = try taggable(arn)
        return doc["tags"]?.objectValue ?? [:]
    }

    private func updateTags(arn: String, _ change: (inout JSONObject) -> Void) throws {
        var (kind, name, doc) = try taggable(arn)
        var tags = doc["tags"]?.objectValue ?? [:]
        change(&tags)
        doc["tags"] = .object(tags)
        try store.put(kind, scope: "", name: name, doc)
    }

    private func taggable(_ text: String) throws -> (AppSyncStore.Kind, String, JSONObject) {
        guard let arn = ARN(text), arn.service == "appsync" else {
            throw AppSyncError.badRequest("Invalid resource ARN \(text).")
        }
        let parts = arn.resource.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "apis", let doc = try store.get(.api, scope: "", name: parts[1]), doc["arn"]?.stringValue == text {
            return (.api, parts[1], doc)
        }
        if parts.count == 2, parts[0] == "domainnames", let doc = try store.get(.domainName, scope: "", name: parts[1]) {
            return (.domainName, parts[1], doc)
        }
        throw AppSyncError.tagResourceNotFound(text)
    }
}
