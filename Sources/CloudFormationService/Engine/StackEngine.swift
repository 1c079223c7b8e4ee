import AWSCore
import Foundation
import SandboxStorage

/// Carries out stack operations: creates, updates and deletes resources through their
/// providers in dependency order, rolls back on failure and records events.
///
/// Operations run to completion before the API call returns, so a stack is never seen
/// `…_IN_PROGRESS`; the events still show every step as CloudFormation would.
actor StackEngine {
    let store: CloudFormationStore
    let clock: any SandboxClock
    let parameterLookup: (any ParameterLookup)?
    private let providers: [String: any CloudFormationResourceProvider]

    init(store: CloudFormationStore, clock: any SandboxClock, providers: [any CloudFormationResourceProvider],
         parameterLookup: (any ParameterLookup)?) {
        self.store = store
        self.clock = clock
        self.parameterLookup = parameterLookup
        var byType: [String: any CloudFormationResourceProvider] = [:]
        for provider in providers { for type in provider.resourceTypes where byType[type] == nil { byType[type] = provider } }
        self.providers = byType
    }

    /// Everything a deployment needs, checked before any resource is touched.
    struct Plan: Sendable {
        var template: Template
        var templateBody: String
        var parameters: [StackRecord.Parameter]
        var parameterValues: [String: JSONValue]
        var tags: [StackRecord.Tag]
        var capabilities: [String]
    }

    /// Parses and checks a template and its parameters for `stack`.
    func plan(templateBody: String, parameters: [ParameterResolver.Given], tags: [StackRecord.Tag], capabilities: [String],
              stackName: String, stackID: String, accountID: String, region: String, previous: StackRecord?) throws -> Plan {
        let template = try Template(parsing: templateBody)
        let resolver = ParameterResolver(lookup: parameterLookup, accountID: accountID, region: region)
        let (stored, values) = try resolver.resolve(template, given: parameters, previous: previous?.parameters)
        var evaluator = IntrinsicEvaluator(parameters: values, pseudo: .init(accountID: accountID, region: region, stackName: stackName, stackID: stackID),
                                           template: template, exports: try exports(accountID: accountID, region: region, excluding: stackID))
        try checkRules(template, &evaluator)
        try checkCapabilities(template, given: capabilities)
        _ = try template.creationOrder(of: template.resources)
        return Plan(template: template, templateBody: templateBody, parameters: stored, parameterValues: values, tags: tags,
                    capabilities: capabilities)
    }

    private func checkRules(_ template: Template, _ evaluator: inout IntrinsicEvaluator) throws {
        for (_, rule) in template.rules {
            if let condition = rule["RuleCondition"], try !evaluator.evaluate(condition: condition) { continue }
            for assertion in rule["Assertions"]?.arrayValue ?? [] {
                guard let assert = assertion["Assert"] else { continue }
                if try !evaluator.evaluate(condition: assert) {
                    throw CloudFormationError.validation(assertion["AssertDescription"]?.stringValue ?? "Template rule assertion failed")
                }
            }
        }
    }

    private func checkCapabilities(_ template: Template, given: [String]) throws {
        let iam = template.resources.filter { $0.type.hasPrefix("AWS::IAM::") }
        guard !iam.isEmpty else { return }
        let named = iam.contains { r in ["RoleName", "UserName", "GroupName", "ManagedPolicyName", "PolicyName"].contains { r.properties[$0] != nil } && r.type != "AWS::IAM::Policy" }
        if named, !given.contains("CAPABILITY_NAMED_IAM") { throw CloudFormationError.insufficientCapabilities(["CAPABILITY_NAMED_IAM"]) }
        if !given.contains("CAPABILITY_IAM"), !given.contains("CAPABILITY_NAMED_IAM") { throw CloudFormationError.insufficientCapabilities(["CAPABILITY_IAM"]) }
    }

    /// Exports of every live stack in the account and region (but `excluding`).
    func exports(accountID: String, region: String, excluding stackID: String?) throws -> [String: String] {
        var result: [String: String] = [:]
        for stack in try store.stacks(accountID: accountID, region: region, includeDeleted: false) where stack.stackID != stackID {
            for output in stack.outputs { if let name = output.exportName { result[name] = output.value } }
        }
        return result
    }

    // MARK: Create

    enum OnFailure: String, Sendable { case rollback = "ROLLBACK", delete = "DELETE", doNothing = "DO_NOTHING" }

    /// Creates every resource of a new stack; on failure rolls back (or not, per `onFailure`).
    func create(_ stack: StackRecord, plan: Plan, onFailure: OnFailure, token: String?) async throws -> StackRecord {
        var stack = stack
        var log = EventLog(stack: stack, clock: clock, token: token)
        stack.status = "CREATE_IN_PROGRESS"
        log.stack(stack.status, reason: "User Initiated")
        var evaluator = makeEvaluator(stack, plan)
        do {
            for resource in try activeResources(plan.template, &evaluator) {
                stack.resources.append(try await createResource(resource, stack: stack, plan: plan, evaluator: &evaluator, log: &log))
            }
            stack.outputs = try resolveOutputs(plan.template, &evaluator)
            try checkExportsUnique(stack)
            stack.status = "CREATE_COMPLETE"
            stack.statusReason = nil
            log.stack(stack.status)
        } catch let failure as ResourceFailure {
            log.resource(failure.logicalID, failure.physicalID ?? "", failure.type, "CREATE_FAILED", reason: failure.reason)
            stack = await failCreate(stack, reason: failure.reason, onFailure: onFailure, log: &log)
        } catch {
            let reason = (error as? any AWSError)?.message ?? "\(error)"
            stack = await failCreate(stack, reason: reason, onFailure: onFailure, log: &log)
        }
        try store.save(stack)
        try store.append(log.events)
        return stack
    }

    private func failCreate(_ stack: StackRecord, reason: String, onFailure: OnFailure, log: inout EventLog) async -> StackRecord {
        var stack = stack
        stack.statusReason = reason
        switch onFailure {
        case .doNothing:
            stack.status = "CREATE_FAILED"
            log.stack(stack.status, reason: "The following resource(s) failed to create: [\(failedNames(log))]. ")
        case .rollback, .delete:
            stack.status = "ROLLBACK_IN_PROGRESS"
            log.stack(stack.status, reason: "The following resource(s) failed to create: [\(failedNames(log))]. Rollback requested by user.")
            stack.resources = await deleteResources(stack.resources, stack: stack, log: &log, honourRetain: false)
            stack.status = "ROLLBACK_COMPLETE"
            log.stack(stack.status)
            if onFailure == .delete {
                stack.status = "DELETE_COMPLETE"
                stack.deletionTime = clock.now
                log.stack("DELETE_IN_PROGRESS", reason: "User Initiated")
                log.stack(stack.status)
            }
        }
        return stack
    }

    private func failedNames(_ log: EventLog) -> String {
        log.events.filter { $0.status.hasSuffix("_FAILED") && $0.resourceType != "AWS::CloudFormation::Stack" }.map(\.logicalID).joined(separator: ", ")
    }

    // MARK: Update

    /// Applies a new template/parameters to a live stack; rolls back on failure.
    func update(_ stack: StackRecord, plan: Plan, token: String?) async throws -> StackRecord {
        let previous = stack
        var stack = stack
        var log = EventLog(stack: stack, clock: clock, token: token)
        stack.status = "UPDATE_IN_PROGRESS"
        stack.lastUpdatedTime = clock.now
        log.stack(stack.status, reason: "User Initiated")
        var evaluator = makeEvaluator(stack, plan)
        var applied: [Applied] = []
        var kept: [ResourceRecord] = []
        do {
            for resource in try activeResources(plan.template, &evaluator) {
                let (record, change) = try await updateResource(resource, old: previous.resource(resource.logicalID), stack: stack, plan: plan,
                                                                evaluator: &evaluator, log: &log)
                kept.append(record)
                if let change { applied.append(change) }
            }
            stack.outputs = try resolveOutputs(plan.template, &evaluator)
            stack.resources = kept
            try checkExportsUnique(stack)
        } catch {
            let reason: String
            if let failure = error as? ResourceFailure {
                log.resource(failure.logicalID, failure.physicalID ?? "", failure.type, "UPDATE_FAILED", reason: failure.reason)
                reason = failure.reason
            } else {
                reason = (error as? any AWSError)?.message ?? "\(error)"
            }
            stack = await rollBackUpdate(previous, applied: applied, reason: reason, log: &log)
            try store.save(stack)
            try store.append(log.events)
            return stack
        }
        stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
        log.stack(stack.status)
        // Old resources that were replaced, then resources the new template no longer has.
        let replaced = applied.compactMap { if case .replaced(let old, _) = $0 { old } else { nil } }
        for old in replaced where old.updateReplacePolicy == "Retain" {
            log.resource(old.logicalID, old.physicalID, old.type, "DELETE_SKIPPED")
        }
        let removed = previous.resources.filter { old in !kept.contains { $0.logicalID == old.logicalID } }
        _ = await deleteResources(replaced.filter { $0.updateReplacePolicy != "Retain" } + removed, stack: stack, log: &log, honourRetain: true)
        stack.status = "UPDATE_COMPLETE"
        stack.statusReason = nil
        stack.templateBody = plan.templateBody
        stack.description = plan.template.description
        stack.parameters = plan.parameters
        stack.tags = plan.tags
        stack.capabilities = plan.capabilities
        log.stack(stack.status)
        try store.save(stack)
        try store.append(log.events)
        return stack
    }

    /// What an update did to one resource, so a rollback can undo it.
    private enum Applied {
        case created(ResourceRecord)
        case updated(old: ResourceRecord, new: ResourceRecord)
        case replaced(old: ResourceRecord, new: ResourceRecord)
    }

    private func updateResource(_ resource: Template.Resource, old: ResourceRecord?, stack: StackRecord, plan: Plan,
                                evaluator: inout IntrinsicEvaluator, log: inout EventLog) async throws -> (ResourceRecord, Applied?) {
        guard let old, old.type == resource.type else {
            let record = try await createResource(resource, stack: stack, plan: plan, evaluator: &evaluator, log: &log)
            return (record, .created(record))
        }
        let properties = try resolvedProperties(resource, &evaluator)
        if JSONValue.object(properties) == old.properties, plan.tags == stack.tags {
            evaluator.resources[resource.logicalID] = .init(refValue: old.refValue, attributes: old.attributes.objectValue ?? JSONObject())
            return (old, nil)
        }
        let provider = try self.provider(for: resource)
        let request = ResourceRequest(
            logicalID: resource.logicalID, resourceType: resource.type, properties: properties, physicalID: old.physicalID,
            previousProperties: old.properties.objectValue, previousAttributes: old.attributes.objectValue, stackName: stack.stackName,
            stackID: stack.stackID, accountID: stack.accountID, region: stack.region, stackTags: plan.tags.map { ($0.key, $0.value) })
        if provider.requiresReplacement(request) {
            log.resource(resource.logicalID, old.physicalID, resource.type, "UPDATE_IN_PROGRESS",
                         reason: "Requested update requires the creation of a new physical resource; hence creating one.")
            let result = try await perform(resource, physicalID: old.physicalID) {
                try await provider.create(ResourceRequest(logicalID: request.logicalID, resourceType: request.resourceType,
                                                          properties: properties, stackName: request.stackName, stackID: request.stackID,
                                                          accountID: request.accountID, region: request.region, stackTags: request.stackTags))
            }
            let record = makeRecord(resource, properties: properties, result: result, status: "UPDATE_COMPLETE")
            log.resource(resource.logicalID, result.physicalID, resource.type, "UPDATE_IN_PROGRESS", reason: "Resource creation Initiated")
            log.resource(resource.logicalID, result.physicalID, resource.type, "UPDATE_COMPLETE")
            evaluator.resources[resource.logicalID] = .init(refValue: record.refValue, attributes: result.attributes)
            return (record, .replaced(old: old, new: record))
        }
        log.resource(resource.logicalID, old.physicalID, resource.type, "UPDATE_IN_PROGRESS")
        let result = try await perform(resource, physicalID: old.physicalID) { try await provider.update(request) }
        let record = makeRecord(resource, properties: properties, result: result, status: "UPDATE_COMPLETE")
        log.resource(resource.logicalID, result.physicalID, resource.type, "UPDATE_COMPLETE")
        evaluator.resources[resource.logicalID] = .init(refValue: record.refValue, attributes: result.attributes)
        return (record, .updated(old: old, new: record))
    }

    private func rollBackUpdate(_ previous: StackRecord, applied: [Applied], reason: String, log: inout EventLog) async -> StackRecord {
        var stack = previous
        stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        stack.statusReason = reason
        log.stack(stack.status, reason: "The following resource(s) failed to update: [\(failedNames(log))]. ")
        for change in applied.reversed() {
            switch change {
            case .created(let new), .replaced(_, let new):
                _ = await deleteResources([new], stack: stack, log: &log, honourRetain: false)
            case .updated(let old, let new):
                guard let provider = providers[old.type] else { continue }
                log.resource(old.logicalID, old.physicalID, old.type, "UPDATE_IN_PROGRESS")
                let request = ResourceRequest(
                    logicalID: old.logicalID, resourceType: old.type, properties: old.properties.objectValue ?? JSONObject(),
                    physicalID: new.physicalID, previousProperties: new.properties.objectValue, previousAttributes: new.attributes.objectValue,
                    stackName: stack.stackName, stackID: stack.stackID, accountID: stack.accountID, region: stack.region,
                    stackTags: stack.tags.map { ($0.key, $0.value) })
                do {
                    _ = try await provider.update(request)
                    log.resource(old.logicalID, old.physicalID, old.type, "UPDATE_COMPLETE")
                } catch {
                    log.resource(old.logicalID, old.physicalID, old.type, "UPDATE_FAILED", reason: Self.reason(error))
                }
            }
        }
        stack.status = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
        log.stack(stack.status)
        stack.status = "UPDATE_ROLLBACK_COMPLETE"
        stack.lastUpdatedTime = clock.now
        log.stack(stack.status)
        return stack
    }

    // MARK: Delete

    func delete(_ stack: StackRecord, retain: Set<String>, token: String?) async throws -> StackRecord {
        var stack = stack
        var log = EventLog(stack: stack, clock: clock, token: token)
        stack.status = "DELETE_IN_PROGRESS"
        log.stack(stack.status, reason: "User Initiated")
        let toDelete = stack.resources.filter { !retain.contains($0.logicalID) }
        for kept in stack.resources where retain.contains(kept.logicalID) {
            log.resource(kept.logicalID, kept.physicalID, kept.type, "DELETE_SKIPPED")
        }
        let leftovers = await deleteResources(toDelete, stack: stack, log: &log, honourRetain: true)
        if leftovers.isEmpty {
            stack.status = "DELETE_COMPLETE"
            stack.deletionTime = clock.now
            stack.resources = []
        } else {
            stack.status = "DELETE_FAILED"
            stack.statusReason = "The following resource(s) failed to delete: [\(leftovers.map(\.logicalID).joined(separator: ", "))]. "
            stack.resources = leftovers
        }
        log.stack(stack.status, reason: stack.statusReason)
        try store.save(stack)
        try store.append(log.events)
        return stack
    }

    /// Deletes resources in reverse dependency order; returns those that could not be deleted.
    private func deleteResources(_ resources: [ResourceRecord], stack: StackRecord, log: inout EventLog, honourRetain: Bool) async -> [ResourceRecord] {
        let template = try? Template(parsing: stack.templateBody)
        let order = (template.flatMap { t in try? t.creationOrder(of: t.resources) }?.map(\.logicalID)) ?? []
        let sorted = resources.sorted { (order.firstIndex(of: $0.logicalID) ?? -1) > (order.firstIndex(of: $1.logicalID) ?? -1) }
        var failed: [ResourceRecord] = []
        for record in sorted {
            if honourRetain, record.deletionPolicy == "Retain" || record.deletionPolicy == "RetainExceptOnCreate" {
                log.resource(record.logicalID, record.physicalID, record.type, "DELETE_SKIPPED")
                continue
            }
            log.resource(record.logicalID, record.physicalID, record.type, "DELETE_IN_PROGRESS")
            guard let provider = providers[record.type] else {
                log.resource(record.logicalID, record.physicalID, record.type, "DELETE_COMPLETE")
                continue
            }
            do {
                try await provider.delete(ResourceRequest(
                    logicalID: record.logicalID, resourceType: record.type, properties: record.properties.objectValue ?? JSONObject(),
                    physicalID: record.physicalID, previousAttributes: record.attributes.objectValue, stackName: stack.stackName,
                    stackID: stack.stackID, accountID: stack.accountID, region: stack.region))
                log.resource(record.logicalID, record.physicalID, record.type, "DELETE_COMPLETE")
            } catch {
                log.resource(record.logicalID, record.physicalID, record.type, "DELETE_FAILED", reason: Self.reason(error))
                failed.append(record)
            }
        }
        return failed
    }

    // MARK: Resources

    struct ResourceFailure: Error {
        let logicalID: String
        let physicalID: String?
        let type: String
        let reason: String
    }

    private func provider(for resource: Template.Resource) throws -> any CloudFormationResourceProvider {
        guard let provider = providers[resource.type] else {
            throw ResourceFailure(logicalID: resource.logicalID, physicalID: nil, type: resource.type,
                                  reason: "Resource type \(resource.type) is not supported by mesh-sandbox (see docs/supported-operations.md)")
        }
        return provider
    }

    private func createResource(_ resource: Template.Resource, stack: StackRecord, plan: Plan, evaluator: inout IntrinsicEvaluator,
                                log: inout EventLog) async throws -> ResourceRecord {
        log.resource(resource.logicalID, "", resource.type, "CREATE_IN_PROGRESS")
        let properties = try resolvedProperties(resource, &evaluator)
        let provider = try self.provider(for: resource)
        let result = try await perform(resource, physicalID: nil) {
            try await provider.create(ResourceRequest(
                logicalID: resource.logicalID, resourceType: resource.type, properties: properties, stackName: stack.stackName,
                stackID: stack.stackID, accountID: stack.accountID, region: stack.region, stackTags: plan.tags.map { ($0.key, $0.value) }))
        }
        log.resource(resource.logicalID, result.physicalID, resource.type, "CREATE_IN_PROGRESS", reason: "Resource creation Initiated")
        log.resource(resource.logicalID, result.physicalID, resource.type, "CREATE_COMPLETE")
        let record = makeRecord(resource, properties: properties, result: result, status: "CREATE_COMPLETE")
        evaluator.resources[resource.logicalID] = .init(refValue: record.refValue, attributes: result.attributes)
        return record
    }

    /// Runs a provider call, turning its error into the resource's failure reason.
    private func perform(_ resource: Template.Resource, physicalID: String?, _ body: () async throws -> ResourceResult) async throws -> ResourceResult {
        do {
            return try await body()
        } catch {
            throw ResourceFailure(logicalID: resource.logicalID, physicalID: physicalID, type: resource.type, reason: Self.reason(error))
        }
    }

    static func reason(_ error: any Error) -> String {
        if let failure = error as? ResourceFailure { return failure.reason }
        if let aws = error as? any AWSError { return "\(aws.message) (Service: \(aws.code); Status Code: \(aws.httpStatus))" }
        return "\(error)"
    }

    private func resolvedProperties(_ resource: Template.Resource, _ evaluator: inout IntrinsicEvaluator) throws -> JSONObject {
        do {
            return try evaluator.resolve(.object(resource.properties))?.objectValue ?? JSONObject()
        } catch {
            throw ResourceFailure(logicalID: resource.logicalID, physicalID: nil, type: resource.type, reason: Self.reason(error))
        }
    }

    private func makeRecord(_ resource: Template.Resource, properties: JSONObject, result: ResourceResult, status: String) -> ResourceRecord {
        ResourceRecord(logicalID: resource.logicalID, type: resource.type, physicalID: result.physicalID,
                       refValue: result.refValue ?? result.physicalID, status: status, properties: .object(properties),
                       attributes: .object(result.attributes), deletionPolicy: resource.deletionPolicy,
                       updateReplacePolicy: resource.updateReplacePolicy, lastUpdated: clock.now)
    }

    private func makeEvaluator(_ stack: StackRecord, _ plan: Plan) -> IntrinsicEvaluator {
        IntrinsicEvaluator(parameters: plan.parameterValues,
                           pseudo: .init(accountID: stack.accountID, region: stack.region, stackName: stack.stackName, stackID: stack.stackID,
                                         notificationARNs: stack.notificationARNs),
                           template: plan.template,
                           exports: (try? exports(accountID: stack.accountID, region: stack.region, excluding: stack.stackID)) ?? [:])
    }

    private func activeResources(_ template: Template, _ evaluator: inout IntrinsicEvaluator) throws -> [Template.Resource] {
        var active: [Template.Resource] = []
        for resource in template.resources {
            if let condition = resource.condition, try !evaluator.condition(condition) { continue }
            active.append(resource)
        }
        return try template.creationOrder(of: active)
    }

    private func resolveOutputs(_ template: Template, _ evaluator: inout IntrinsicEvaluator) throws -> [StackRecord.Output] {
        var outputs: [StackRecord.Output] = []
        for output in template.outputs {
            if let condition = output.condition, try !evaluator.condition(condition) { continue }
            guard let value = try evaluator.resolve(output.value) else { continue }
            let text = value.arrayValue.map { $0.map(\.scalarText).joined(separator: ",") } ?? value.scalarText
            outputs.append(.init(key: output.key, value: text, description: try output.description.flatMap { try evaluator.resolve($0) }.map(\.scalarText),
                                 exportName: try output.exportName.flatMap { try evaluator.resolve($0) }.map(\.scalarText)))
        }
        return outputs
    }

    private func checkExportsUnique(_ stack: StackRecord) throws {
        let others = try store.stacks(accountID: stack.accountID, region: stack.region, includeDeleted: false).filter { $0.stackID != stack.stackID }
        for output in stack.outputs {
            guard let name = output.exportName else { continue }
            if let owner = others.first(where: { $0.outputs.contains { $0.exportName == name } }) {
                throw CloudFormationError.validation("Export with name \(name) is already exported by stack \(owner.stackName)")
            }
        }
    }
}

extension IntrinsicEvaluator {
    /// Evaluates a Rules condition or assertion.
    mutating func evaluate(condition: JSONValue) throws -> Bool {
        guard let value = try resolve(condition) else { return false }
        switch value {
        case .bool(let b): return b
        case .string(let s): return s == "true"
        default: return false
        }
    }
}

/// Collects the events of one operation, stamped in order.
struct EventLog {
    let stack: StackRecord
    let clock: any SandboxClock
    let token: String?
    private(set) var events: [StackEvent] = []

    init(stack: StackRecord, clock: any SandboxClock, token: String?) {
        self.stack = stack
        self.clock = clock
        self.token = token
    }

    mutating func stack(_ status: String, reason: String? = nil) {
        resource(stack.stackName, stack.stackID, "AWS::CloudFormation::Stack", status, reason: reason)
    }

    mutating func resource(_ logicalID: String, _ physicalID: String, _ type: String, _ status: String, reason: String? = nil) {
        events.append(StackEvent(eventID: logicalID == stack.stackName ? RandomUUID.lowercased() : "\(logicalID)-\(status)-\(Timestamp.iso8601(clock.now))",
                                 stackID: stack.stackID, stackName: stack.stackName, logicalID: logicalID, physicalID: physicalID,
                                 resourceType: type, timestamp: clock.now, status: status, statusReason: reason, clientRequestToken: token))
    }
}
