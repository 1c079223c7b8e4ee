import AWSCore
import SandboxStorage
import Foundation

extension CloudFormationService {
    static func validateStackName(_ name: String) throws {
        let valid = name.count <= 128 && name.first?.isLetter == true && name.first?.isASCII == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard valid else {
            throw CloudFormationError.validation(
                "1 validation error detected: Value '\(name)' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*")
        }
    }

    @Sendable func createStack(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("StackName")
        try Self.validateStackName(name)
        let body = try input.templateBody()
        return try await lock.withLock {
            if let existing = try store.stack(name, accountID: context.accountID, region: context.region), existing.status != "REVIEW_IN_PROGRESS" {
                throw CloudFormationError.alreadyExists(stackName: name)
            }
            let stackID = newStackID(name: name, context: context)
            let plan = try await engine.plan(templateBody: body, parameters: try input.stackParameters(), tags: try input.stackTags(),
                                             capabilities: try input.stringList("Capabilities"), stackName: name, stackID: stackID,
                                             accountID: context.accountID, region: context.region, previous: nil)
            var onFailure = StackEngine.OnFailure(rawValue: try input.string("OnFailure") ?? "ROLLBACK") ?? .rollback
            if try input.bool("DisableRollback") == true { onFailure = .doNothing }
            let stack = StackRecord(stackID: stackID, stackName: name, accountID: context.accountID, region: context.region,
                                    status: "CREATE_IN_PROGRESS", description: plan.template.description, templateBody: body,
                                    parameters: plan.parameters, tags: plan.tags, capabilities: plan.capabilities,
                                    notificationARNs: try input.stringList("NotificationARNs"), creationTime: clock.now,
                                    disableRollback: onFailure == .doNothing,
                                    enableTerminationProtection: try input.bool("EnableTerminationProtection") ?? false)
            _ = try await engine.create(stack, plan: plan, onFailure: onFailure, token: try input.string("ClientRequestToken"))
            return ["StackId": .string(stackID)]
        }
    }

    @Sendable func updateStack(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("StackName")
        return try await lock.withLock {
            let stack = try requireStack(name, context)
            guard Self.updatableStatuses.contains(stack.status) else {
                throw CloudFormationError.validation("Stack:\(stack.stackID) is in \(stack.status) state and can not be updated.")
            }
            let body = try input.bool("UsePreviousTemplate") == true ? stack.templateBody : try input.templateBody()
            let tags = input["Tags"] == nil ? stack.tags : try input.stackTags()
            let plan = try await engine.plan(templateBody: body, parameters: try input.stackParameters(), tags: tags,
                                             capabilities: try input.stringList("Capabilities"), stackName: stack.stackName,
                                             stackID: stack.stackID, accountID: context.accountID, region: context.region, previous: stack)
            if body == stack.templateBody, plan.parameters == stack.parameters, tags == stack.tags {
                throw CloudFormationError.validation("No updates are to be performed.")
            }
            _ = try await engine.update(stack, plan: plan, token: try input.string("ClientRequestToken"))
            return ["StackId": .string(stack.stackID)]
        }
    }

    static let updatableStatuses: Set<String> = [
        "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE",
    ]

    @Sendable func deleteStack(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("StackName")
        return try await lock.withLock {
            // Deleting a stack that does not exist succeeds silently, as in CloudFormation.
            guard let stack = try store.stack(name, accountID: context.accountID, region: context.region), !stack.isDeleted else {
                return .null
            }
            if stack.enableTerminationProtection {
                throw CloudFormationError.validation("Stack [\(stack.stackName)] cannot be deleted while TerminationProtection is enabled")
            }
            let retain = Set(try input.stringList("RetainResources"))
            _ = try await engine.delete(stack, retain: retain, token: try input.string("ClientRequestToken"))
            return .null  // DeleteStack has no output shape
        }
    }

    @Sendable func describeStacks(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        if let name = try input.string("StackName") {
            return ["Stacks": [Shapes.stack(try requireStack(name, context))]]
        }
        let stacks = try store.stacks(accountID: context.accountID, region: context.region, includeDeleted: false)
        return ["Stacks": .array(stacks.reversed().map(Shapes.stack))]
    }

    @Sendable func listStacks(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let filter = Set(try input.stringList("StackStatusFilter"))
        let stacks = try store.stacks(accountID: context.accountID, region: context.region, includeDeleted: true)
            .filter { filter.isEmpty || filter.contains($0.status) }
        return ["StackSummaries": .array(stacks.reversed().map { s in
            var o = JSONObject()
            o["StackId"] = .string(s.stackID)
            o["StackName"] = .string(s.stackName)
            o.set("TemplateDescription", s.description.map { .string($0) })
            o["CreationTime"] = .timestamp(s.creationTime)
            o.set("LastUpdatedTime", s.lastUpdatedTime.map { .timestamp($0) })
            o.set("DeletionTime", s.deletionTime.map { .timestamp($0) })
            o["StackStatus"] = .string(s.status)
            o.set("StackStatusReason", s.statusReason.map { .string($0) })
            o["DriftInformation"] = ["StackDriftStatus": "NOT_CHECKED"]
            return .object(o)
        })]
    }

    @Sendable func updateTerminationProtection(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("StackName")
        guard let enabled = try input.bool("EnableTerminationProtection") else {
            throw CommonError.validation("1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null")
        }
        return try await lock.withLock {
            var stack = try requireStack(name, context)
            stack.enableTerminationProtection = enabled
            try store.save(stack)
            return ["StackId": .string(stack.stackID)]
        }
    }

    @Sendable func listExports(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stacks = try store.stacks(accountID: context.accountID, region: context.region, includeDeleted: false)
        return ["Exports": .array(stacks.flatMap { s in
            s.outputs.compactMap { o in
                o.exportName.map { ["ExportingStackId": .string(s.stackID), "Name": .string($0), "Value": .string(o.value)] }
            }
        })]
    }
}
