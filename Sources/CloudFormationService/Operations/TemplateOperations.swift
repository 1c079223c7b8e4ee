import AWSCore
import SandboxStorage

extension CloudFormationService {
    @Sendable func getTemplate(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        if let changeSetName = try input.string("ChangeSetName") {
            let changeSet = try findChangeSet(changeSetName, stackName: try input.string("StackName"), context)
            return ["TemplateBody": .string(changeSet.templateBody), "StagesAvailable": ["Original", "Processed"]]
        }
        let stack = try requireStack(try input.requiredString("StackName"), context)
        return ["TemplateBody": .string(stack.templateBody), "StagesAvailable": ["Original", "Processed"]]
    }

    @Sendable func validateTemplate(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let template = try Template(parsing: try input.templateBody())
        var o = JSONObject()
        o["Parameters"] = .array(template.parameters.map { p in
            var item: JSONObject = ["ParameterKey": .string(p.name)]
            item.set("DefaultValue", p.defaultValue.map { .string($0.scalarText) })
            item["NoEcho"] = .bool(p.noEcho)
            item.set("Description", p.description.map { .string($0) })
            return .object(item)
        })
        o.set("Description", template.description.map { .string($0) })
        addCapabilities(template, to: &o)
        o["DeclaredTransforms"] = []
        return .object(o)
    }

    @Sendable func getTemplateSummary(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let body: String
        if let name = try input.string("StackName") {
            body = try requireStack(name, context).templateBody
        } else {
            body = try input.templateBody()
        }
        let template = try Template(parsing: body)
        var o = JSONObject()
        o["Parameters"] = .array(template.parameters.map { p in
            var item: JSONObject = ["ParameterKey": .string(p.name)]
            item.set("DefaultValue", p.defaultValue.map { .string($0.scalarText) })
            item["ParameterType"] = .string(p.type)
            item["NoEcho"] = .bool(p.noEcho)
            item.set("Description", p.description.map { .string($0) })
            item["ParameterConstraints"] = .object(p.allowedValues.map { ["AllowedValues": .array($0.map { .string($0) })] } ?? JSONObject())
            return .object(item)
        })
        o.set("Description", template.description.map { .string($0) })
        addCapabilities(template, to: &o)
        o["ResourceTypes"] = .array(Array(Set(template.resources.map(\.type))).sorted().map { .string($0) })
        o["Version"] = "2010-09-09"
        o["DeclaredTransforms"] = []
        return .object(o)
    }

    private func addCapabilities(_ template: Template, to o: inout JSONObject) {
        let iam = template.resources.filter { $0.type.hasPrefix("AWS::IAM::") }
        guard !iam.isEmpty else {
            o["Capabilities"] = []
            return
        }
        o["Capabilities"] = ["CAPABILITY_IAM"]
        o["CapabilitiesReason"] = .string("The following resource(s) require capabilities: [\(Array(Set(iam.map(\.type))).sorted().joined(separator: ", "))]")
    }
}
