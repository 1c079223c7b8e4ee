import AWSCore
import SandboxStorage

extension CloudFormationService {
    @Sendable func describeStackEvents(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stack = try requireStack(try input.requiredString("StackName"), context)
        return ["StackEvents": .array(try store.events(stackID: stack.stackID).map(Shapes.event))]
    }

    @Sendable func describeStackResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stack = try requireStack(try input.requiredString("StackName"), context)
        let logicalID = try input.requiredString("LogicalResourceId")
        guard let r = stack.resource(logicalID) else {
            throw CloudFormationError.validation("Resource \(logicalID) does not exist for stack \(stack.stackName)")
        }
        var detail = resourceShape(r, stack: stack, timeKey: "LastUpdatedTimestamp")
        detail["Metadata"] = "{}"
        return ["StackResourceDetail": .object(detail)]
    }

    @Sendable func describeStackResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let logicalID = try input.string("LogicalResourceId")
        let physicalID = try input.string("PhysicalResourceId")
        let stack: StackRecord
        if let name = try input.string("StackName") {
            stack = try requireStack(name, context)
        } else if let physicalID,
                  let owner = try store.stacks(accountID: context.accountID, region: context.region, includeDeleted: false)
                      .first(where: { $0.resources.contains { $0.physicalID == physicalID } }) {
            stack = owner
        } else {
            throw CloudFormationError.validation("Stack for \(physicalID ?? "(none)") does not exist")
        }
        let resources = stack.resources.filter { (logicalID == nil || $0.logicalID == logicalID) && (physicalID == nil || $0.physicalID == physicalID) }
        return ["StackResources": .array(resources.map { .object(resourceShape($0, stack: stack, timeKey: "Timestamp")) })]
    }

    @Sendable func listStackResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let stack = try requireStack(try input.requiredString("StackName"), context)
        return ["StackResourceSummaries": .array(stack.resources.map { r in
            [
                "LogicalResourceId": .string(r.logicalID), "PhysicalResourceId": .string(r.physicalID), "ResourceType": .string(r.type),
                "LastUpdatedTimestamp": .timestamp(r.lastUpdated), "ResourceStatus": .string(r.status),
                "DriftInformation": ["StackResourceDriftStatus": "NOT_CHECKED"],
            ]
        })]
    }

    private func resourceShape(_ r: ResourceRecord, stack: StackRecord, timeKey: String) -> JSONObject {
        var o = JSONObject()
        o["StackName"] = .string(stack.stackName)
        o["StackId"] = .string(stack.stackID)
        o["LogicalResourceId"] = .string(r.logicalID)
        o["PhysicalResourceId"] = .string(r.physicalID)
        o["ResourceType"] = .string(r.type)
        o[timeKey] = .timestamp(r.lastUpdated)
        o["ResourceStatus"] = .string(r.status)
        o["DriftInformation"] = ["StackResourceDriftStatus": "NOT_CHECKED"]
        return o
    }
}
