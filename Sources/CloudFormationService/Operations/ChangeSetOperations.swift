import AWSCore
import SandboxStorage
import Foundation

extension CloudFormationService {
    func findChangeSet(_ nameOrID: String, stackName: String?, _ context: AWSRequestContext) throws -> ChangeSetRecord {
        if nameOrID.hasPrefix("arn:"), let changeSet = try store.changeSet(id: nameOrID) {
            return changeSet
        }
        guard let stackName, let stack = try store.stack(stackName, accountID: context.accountID, region: context.region),
              let changeSet = try store.changeSets(stackID: stack.stackID).last(where: { $0.changeSetName == nameOrID })
        else {
            throw CloudFormationError.changeSetNotFound(nameOrID)
        }
        return changeSet
    }

    @Sendable func createChangeSet(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stackName = try input.requiredString("StackName")
        let changeSetName = try input.requiredString("ChangeSetName")
        try Self.validateStackName(stackName)
        let type = try input.string("ChangeSetType") ?? "UPDATE"
        return try await lock.withLock {
            let existing = try store.stack(stackName, accountID: context.accountID, region: context.region)
            switch (type, existing) {
            case ("CREATE", let existing?) where existing.status != "REVIEW_IN_PROGRESS":
                throw CloudFormationError.alreadyExists(stackName: stackName)
            case ("UPDATE", nil):
                throw CloudFormationError.stackDoesNotExist(stackName)
            case ("CREATE", _), ("UPDATE", _):
                break
            default:
                throw CloudFormationError.validation("ChangeSetType \(type) is not supported by mesh-sandbox (CREATE or UPDATE)")
            }
            // A CREATE change set makes the stack exist, empty, awaiting review — once its template checks out.
            let stack = existing ?? StackRecord(stackID: newStackID(name: stackName, context: context), stackName: stackName,
                                               accountID: context.accountID, region: context.region, status: "REVIEW_IN_PROGRESS",
                                               templateBody: "{}", creationTime: clock.now)
            if try store.changeSets(stackID: stack.stackID).contains(where: { $0.changeSetName == changeSetName && $0.executionStatus != "EXECUTE_COMPLETE" }) {
                throw CloudFormationError.validation("ChangeSet \(changeSetName) already exists for stack \(stackName)")
            }
            let body = try input.bool("UsePreviousTemplate") == true ? stack.templateBody : try input.templateBody()
            let tags = input["Tags"] == nil ? stack.tags : try input.stackTags()
            let previous = stack.status == "REVIEW_IN_PROGRESS" ? nil : stack
            let plan = try await engine.plan(templateBody: body, parameters: try input.stackParameters(), tags: tags,
                                             capabilities: try input.stringList("Capabilities"), stackName: stack.stackName,
                                             stackID: stack.stackID, accountID: context.accountID, region: context.region, previous: previous)
            if stack.status == "REVIEW_IN_PROGRESS", (try store.stack(stack.stackID, accountID: context.accountID, region: context.region)) == nil {
                try store.save(stack)
                var log = EventLog(stack: stack, clock: clock, token: nil)
                log.stack("REVIEW_IN_PROGRESS", reason: "User Initiated")
                try store.append(log.events)
            }
            var changeSet = ChangeSetRecord(
                changeSetID: ARN(service: "cloudformation", region: context.region, accountID: context.accountID,
                                 resource: "changeSet/\(changeSetName)/\(RandomUUID.lowercased())").description,
                changeSetName: changeSetName, stackID: stack.stackID, stackName: stack.stackName, accountID: context.accountID,
                region: context.region, changeSetType: type, status: "CREATE_COMPLETE", executionStatus: "AVAILABLE",
                description: try input.string("Description"), templateBody: body, parameters: plan.parameters, tags: tags,
                capabilities: plan.capabilities, changes: [], creationTime: clock.now)
            if let previous, body == previous.templateBody, plan.parameters == previous.parameters, tags == previous.tags {
                changeSet.status = "FAILED"
                changeSet.executionStatus = "UNAVAILABLE"
                changeSet.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set."
            } else {
                changeSet.changes = await engine.changes(from: previous, to: plan)
            }
            try store.save(changeSet)
            return ["Id": .string(changeSet.changeSetID), "StackId": .string(stack.stackID)]
        }
    }

    @Sendable func describeChangeSet(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let changeSet = try findChangeSet(try input.requiredString("ChangeSetName"), stackName: try input.string("StackName"), context)
        guard case .object(var o) = Shapes.changeSetSummary(changeSet) else { return .null }
        o["Parameters"] = .array(changeSet.parameters.map(Shapes.parameter))
        o["NotificationARNs"] = []
        o["RollbackConfiguration"] = .object(JSONObject())
        o.set("Capabilities", changeSet.capabilities.isEmpty ? nil : .array(changeSet.capabilities.map { .string($0) }))
        o["Tags"] = .array(changeSet.tags.map(Shapes.tag))
        o["Changes"] = .array(changeSet.changes.map(Shapes.change))
        return .object(o)
    }

    @Sendable func executeChangeSet(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("ChangeSetName")
        let stackName = try input.string("StackName")
        return try await lock.withLock {
            var changeSet = try findChangeSet(name, stackName: stackName, context)
            guard changeSet.executionStatus == "AVAILABLE" else {
                throw CloudFormationError.invalidChangeSetStatus(
                    "ChangeSet [\(changeSet.changeSetID)] cannot be executed in its current status of [\(changeSet.status)]")
            }
            guard var stack = try store.stack(changeSet.stackID, accountID: context.accountID, region: context.region) else {
                throw CloudFormationError.stackDoesNotExist(changeSet.stackName)
            }
            let plan = try await engine.plan(templateBody: changeSet.templateBody,
                                             parameters: changeSet.parameters.map { .init(key: $0.key, value: $0.value, usePreviousValue: false) },
                                             tags: changeSet.tags, capabilities: changeSet.capabilities, stackName: stack.stackName,
                                             stackID: stack.stackID, accountID: context.accountID, region: context.region,
                                             previous: stack.status == "REVIEW_IN_PROGRESS" ? nil : stack)
            let token = try input.string("ClientRequestToken")
            stack.changeSetID = changeSet.changeSetID
            if changeSet.changeSetType == "CREATE" {
                stack.templateBody = changeSet.templateBody
                stack.description = plan.template.description
                stack.parameters = plan.parameters
                stack.tags = plan.tags
                stack.capabilities = plan.capabilities
                stack.creationTime = clock.now
                _ = try await engine.create(stack, plan: plan, onFailure: try input.bool("DisableRollback") == true ? .doNothing : .rollback,
                                            token: token)
            } else {
                _ = try await engine.update(stack, plan: plan, token: token)
            }
            // Executing a change set removes every other change set of the stack, as CloudFormation does.
            for other in try store.changeSets(stackID: changeSet.stackID) where other.changeSetID != changeSet.changeSetID {
                try store.deleteChangeSet(other.changeSetID)
            }
            changeSet.executionStatus = "EXECUTE_COMPLETE"
            try store.save(changeSet)
            return .object(JSONObject())
        }
    }

    @Sendable func deleteChangeSet(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let changeSet = try findChangeSet(try input.requiredString("ChangeSetName"), stackName: try input.string("StackName"), context)
        try store.deleteChangeSet(changeSet.changeSetID)
        return .object(JSONObject())
    }

    @Sendable func listChangeSets(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stack = try requireStack(try input.requiredString("StackName"), context)
        let pending = try store.changeSets(stackID: stack.stackID).filter { $0.executionStatus != "EXECUTE_COMPLETE" }
        return ["Summaries": .array(pending.map(Shapes.changeSetSummary))]
    }
}

extension StackEngine {
    /// What applying `plan` to `previous` would do, resource by resource.
    func changes(from previous: StackRecord?, to plan: Plan) -> [ChangeSetRecord.Change] {
        var changes: [ChangeSetRecord.Change] = []
        let newIDs = Set(plan.template.resources.map(\.logicalID))
        for resource in plan.template.resources {
            guard let old = previous?.resource(resource.logicalID) else {
                changes.append(.init(action: "Add", logicalID: resource.logicalID, resourceType: resource.type))
                continue
            }
            let oldProperties = old.properties.objectValue ?? JSONObject()
            // Properties are compared as written where they cannot be resolved before deployment.
            let changed = Set(resource.properties.keys + oldProperties.keys).filter { key in
                guard let new = resource.properties[key] else { return true }
                return References.collect(in: new).refs.isEmpty && References.collect(in: new).getAtts.isEmpty && !Self.containsFunction(new)
                    ? oldProperties[key] != new : false
            }
            if !changed.isEmpty || old.type != resource.type || plan.tags != (previous?.tags ?? []) {
                changes.append(.init(action: "Modify", logicalID: resource.logicalID, physicalID: old.physicalID, resourceType: resource.type,
                                     replacement: old.type != resource.type ? "True" : "Conditional", changedProperties: changed.sorted()))
            }
        }
        for old in previous?.resources ?? [] where !newIDs.contains(old.logicalID) {
            changes.append(.init(action: "Remove", logicalID: old.logicalID, physicalID: old.physicalID, resourceType: old.type))
        }
        return changes
    }

    static func containsFunction(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let o): o.keys.contains { $0 == "Ref" || $0.hasPrefix("Fn::") } || o.contains { containsFunction($0.value) }
        case .array(let a): a.contains(where: containsFunction)
        default: false
        }
    }
}
