import AWSCore
import SandboxStorage
import Foundation

/// The reply shapes CloudFormation's API uses, built from the records.
enum Shapes {
    static func stack(_ s: StackRecord) -> JSONValue {
        var o = JSONObject()
        o["StackId"] = .string(s.stackID)
        o["StackName"] = .string(s.stackName)
        o.set("ChangeSetId", s.changeSetID.map { .string($0) })
        o.set("Description", s.description.map { .string($0) })
        o["Parameters"] = .array(s.parameters.map(parameter))
        o["CreationTime"] = .timestamp(s.creationTime)
        o.set("DeletionTime", s.deletionTime.map { .timestamp($0) })
        o.set("LastUpdatedTime", s.lastUpdatedTime.map { .timestamp($0) })
        o["RollbackConfiguration"] = .object(JSONObject())
        o["StackStatus"] = .string(s.status)
        o.set("StackStatusReason", s.statusReason.map { .string($0) })
        o["DisableRollback"] = .bool(s.disableRollback)
        o["NotificationARNs"] = .array(s.notificationARNs.map { .string($0) })
        o.set("Capabilities", s.capabilities.isEmpty ? nil : .array(s.capabilities.map { .string($0) }))
        o.set("Outputs", s.outputs.isEmpty ? nil : .array(s.outputs.map(output)))
        o["Tags"] = .array(s.tags.map(tag))
        o["EnableTerminationProtection"] = .bool(s.enableTerminationProtection)
        o["DriftInformation"] = ["StackDriftStatus": "NOT_CHECKED"]
        return .object(o)
    }

    static func parameter(_ p: StackRecord.Parameter) -> JSONValue {
        var o: JSONObject = ["ParameterKey": .string(p.key), "ParameterValue": .string(p.noEcho ? "****" : p.value)]
        o.set("ResolvedValue", p.resolvedValue.map { .string($0) })
        return .object(o)
    }

    static func output(_ o: StackRecord.Output) -> JSONValue {
        var out: JSONObject = ["OutputKey": .string(o.key), "OutputValue": .string(o.value)]
        out.set("Description", o.description.map { .string($0) })
        out.set("ExportName", o.exportName.map { .string($0) })
        return .object(out)
    }

    static func tag(_ t: StackRecord.Tag) -> JSONValue { ["Key": .string(t.key), "Value": .string(t.value)] }

    static func event(_ e: StackEvent) -> JSONValue {
        var o = JSONObject()
        o["StackId"] = .string(e.stackID)
        o["EventId"] = .string(e.eventID)
        o["StackName"] = .string(e.stackName)
        o["LogicalResourceId"] = .string(e.logicalID)
        o["PhysicalResourceId"] = .string(e.physicalID)
        o["ResourceType"] = .string(e.resourceType)
        o["Timestamp"] = .timestamp(e.timestamp)
        o["ResourceStatus"] = .string(e.status)
        o.set("ResourceStatusReason", e.statusReason.map { .string($0) })
        o.set("ClientRequestToken", e.clientRequestToken.map { .string($0) })
        return .object(o)
    }

    static func changeSetSummary(_ c: ChangeSetRecord) -> JSONValue {
        var o = JSONObject()
        o["StackId"] = .string(c.stackID)
        o["StackName"] = .string(c.stackName)
        o["ChangeSetId"] = .string(c.changeSetID)
        o["ChangeSetName"] = .string(c.changeSetName)
        o["ExecutionStatus"] = .string(c.executionStatus)
        o["Status"] = .string(c.status)
        o.set("StatusReason", c.statusReason.map { .string($0) })
        o["CreationTime"] = .timestamp(c.creationTime)
        o.set("Description", c.description.map { .string($0) })
        o["IncludeNestedStacks"] = false
        return .object(o)
    }

    static func change(_ c: ChangeSetRecord.Change) -> JSONValue {
        var rc = JSONObject()
        rc["Action"] = .string(c.action)
        rc["LogicalResourceId"] = .string(c.logicalID)
        rc.set("PhysicalResourceId", c.physicalID.map { .string($0) })
        rc["ResourceType"] = .string(c.resourceType)
        rc.set("Replacement", c.replacement.map { .string($0) })
        rc["Scope"] = .array(c.action == "Modify" ? ["Properties"] : [])
        rc["Details"] = .array(c.changedProperties.map { name in
            ["Target": ["Attribute": "Properties", "Name": .string(name), "RequiresRecreation": .string(c.replacement == "True" ? "Always" : "Never")],
             "Evaluation": "Static", "ChangeSource": "DirectModification"]
        })
        return ["Type": "Resource", "ResourceChange": .object(rc)]
    }
}
