import AWSCore
import Foundation

/// A parsed, structurally validated CloudFormation template.
struct Template: Sendable {
    struct Parameter: Sendable {
        let name: String
        let type: String
        let defaultValue: JSONValue?
        let allowedValues: [String]?
        let allowedPattern: String?
        let noEcho: Bool
        let description: String?
        let constraintDescription: String?
        let minLength: Int?
        let maxLength: Int?
        let minValue: Double?
        let maxValue: Double?

        /// `List<…>` and `CommaDelimitedList` parameters resolve to lists.
        var isList: Bool { type == "CommaDelimitedList" || type.hasPrefix("List<") || type.hasPrefix("AWS::SSM::Parameter::Value<List<") }
        /// `AWS::SSM::Parameter::Value<…>`: the given value names an SSM parameter.
        var isSSMReference: Bool { type.hasPrefix("AWS::SSM::Parameter::Value<") }
    }

    struct Resource: Sendable {
        let logicalID: String
        let type: String
        let properties: JSONObject
        let dependsOn: [String]
        let condition: String?
        let deletionPolicy: String?
        let updateReplacePolicy: String?
        let metadata: JSONValue?
    }

    struct Output: Sendable {
        let key: String
        let value: JSONValue
        let description: JSONValue?
        let condition: String?
        let exportName: JSONValue?
    }

    let body: JSONObject
    let description: String?
    let parameters: [Parameter]
    let mappings: JSONObject
    let conditions: JSONObject
    let rules: JSONObject
    let resources: [Resource]
    let outputs: [Output]

    static let topLevelKeys: Set<String> = [
        "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions",
        "Transform", "Resources", "Outputs", "Hooks",
    ]

    init(parsing text: String) throws {
        guard case .object(let body) = try TemplateParser.parse(text) else {
            throw CloudFormationError.templateFormat("Template must be a JSON or YAML object")
        }
        try self.init(body)
    }

    init(_ body: JSONObject) throws {
        self.body = body
        for key in body.keys where !Self.topLevelKeys.contains(key) {
            throw CloudFormationError.templateFormat("Invalid template property or properties [\(key)]")
        }
        if let version = body["AWSTemplateFormatVersion"], version != .string("2010-09-09") {
            throw CloudFormationError.templateFormat("\(version.stringValue ?? version.serializedString()) is not a supported value for AWSTemplateFormatVersion.")
        }
        if body["Transform"] != nil {
            throw CloudFormationError.templateFormat("Transforms (macros such as AWS::Serverless) are not supported by mesh-sandbox")
        }
        description = body["Description"]?.stringValue
        mappings = try Self.section("Mappings", of: body)
        conditions = try Self.section("Conditions", of: body)
        rules = try Self.section("Rules", of: body)

        parameters = try Self.section("Parameters", of: body).map { name, value in
            guard case .object(let p) = value, let type = p["Type"]?.stringValue else {
                throw CloudFormationError.templateFormat("[/Parameters/\(name)] Every Parameters object must contain a Type member.")
            }
            guard Self.isSupportedParameterType(type) else {
                throw CloudFormationError.templateFormat("Unrecognized parameter type: \(type)")
            }
            return Parameter(
                name: name, type: type, defaultValue: p["Default"],
                allowedValues: p["AllowedValues"]?.arrayValue?.map(\.scalarText),
                allowedPattern: p["AllowedPattern"]?.stringValue,
                noEcho: p["NoEcho"].map { $0 == .bool(true) || $0 == .string("true") } ?? false,
                description: p["Description"]?.stringValue,
                constraintDescription: p["ConstraintDescription"]?.stringValue,
                minLength: p["MinLength"].flatMap { Int($0.scalarText) },
                maxLength: p["MaxLength"].flatMap { Int($0.scalarText) },
                minValue: p["MinValue"].flatMap { Double($0.scalarText) },
                maxValue: p["MaxValue"].flatMap { Double($0.scalarText) })
        }

        let resourceSection = try Self.section("Resources", of: body)
        guard !resourceSection.isEmpty else {
            throw CloudFormationError.templateFormat("At least one Resources member must be defined.")
        }
        resources = try resourceSection.map { logicalID, value in
            guard Self.isAlphanumeric(logicalID) else {
                throw CloudFormationError.templateFormat("Resource name \(logicalID) is non alphanumeric.")
            }
            guard case .object(let r) = value, let type = r["Type"]?.stringValue else {
                throw CloudFormationError.templateFormat("[/Resources/\(logicalID)] Every Resources object must contain a Type member.")
            }
            let dependsOn: [String]
            switch r["DependsOn"] {
            case nil: dependsOn = []
            case .string(let one)?: dependsOn = [one]
            case .array(let many)?: dependsOn = many.compactMap(\.stringValue)
            default: throw CloudFormationError.templateFormat("[/Resources/\(logicalID)/DependsOn] must be a string or a list of strings")
            }
            let properties: JSONObject
            switch r["Properties"] {
            case nil, .null?: properties = JSONObject()
            case .object(let o)?: properties = o
            default: throw CloudFormationError.templateFormat("[/Resources/\(logicalID)/Properties] must be an object")
            }
            return Resource(logicalID: logicalID, type: type, properties: properties, dependsOn: dependsOn,
                            condition: r["Condition"]?.stringValue, deletionPolicy: r["DeletionPolicy"]?.stringValue,
                            updateReplacePolicy: r["UpdateReplacePolicy"]?.stringValue, metadata: r["Metadata"])
        }

        outputs = try Self.section("Outputs", of: body).map { key, value in
            guard case .object(let o) = value, let outputValue = o["Value"] else {
                throw CloudFormationError.templateFormat("Every Outputs member must contain a Value object, the Outputs member \(key) does not")
            }
            return Output(key: key, value: outputValue, description: o["Description"], condition: o["Condition"]?.stringValue,
                          exportName: o["Export"]?["Name"])
        }
        try validateReferences()
    }

    func resource(_ logicalID: String) -> Resource? { resources.first { $0.logicalID == logicalID } }

    /// Every `Ref`, `Fn::GetAtt` and `Fn::Sub` variable names something that exists, and
    /// `DependsOn` names resources.
    private func validateReferences() throws {
        let resourceIDs = Set(resources.map(\.logicalID))
        let parameterNames = Set(parameters.map(\.name))
        var unresolved: [String] = []
        for resource in resources {
            for dependency in resource.dependsOn where !resourceIDs.contains(dependency) {
                throw CloudFormationError.templateFormat("Unresolved resource dependencies [\(dependency)] in the Resources block of the template")
            }
            if let condition = resource.condition, conditions[condition] == nil {
                throw CloudFormationError.templateFormat("Unresolved dependencies [\(condition)]. Cannot reference resources in the Conditions block of the template")
            }
            let references = References.collect(in: .object(resource.properties))
            for name in references.refs where !resourceIDs.contains(name) && !parameterNames.contains(name) && !name.hasPrefix("AWS::") {
                unresolved.append(name)
            }
            for name in references.getAtts where !resourceIDs.contains(name) {
                throw CloudFormationError.templateError("instance of Fn::GetAtt references undefined resource \(name)")
            }
        }
        for output in outputs {
            let references = References.collect(in: output.value)
            for name in references.refs where !resourceIDs.contains(name) && !parameterNames.contains(name) && !name.hasPrefix("AWS::") {
                unresolved.append(name)
            }
            for name in references.getAtts where !resourceIDs.contains(name) {
                throw CloudFormationError.templateError("instance of Fn::GetAtt references undefined resource \(name)")
            }
        }
        if !unresolved.isEmpty {
            throw CloudFormationError.templateFormat("Unresolved resource dependencies [\(unresolved.joined(separator: ", "))] in the Resources block of the template")
        }
    }

    /// Resources in an order where each comes after everything it depends on.
    func creationOrder(of selected: [Resource]) throws -> [Resource] {
        let ids = Set(selected.map(\.logicalID))
        var dependencies: [String: Set<String>] = [:]
        for resource in selected {
            let refs = References.collect(in: .object(resource.properties))
            dependencies[resource.logicalID] = Set(resource.dependsOn + refs.refs + refs.getAtts).intersection(ids)
        }
        var ordered: [Resource] = []
        var done = Set<String>()
        var remaining = selected
        while !remaining.isEmpty {
            let ready = remaining.filter { dependencies[$0.logicalID, default: []].isSubset(of: done) }
            guard !ready.isEmpty else {
                throw CloudFormationError.templateFormat("Circular dependency between resources: [\(remaining.map(\.logicalID).sorted().joined(separator: ", "))]")
            }
            for r in ready { done.insert(r.logicalID) }
            ordered += ready
            remaining.removeAll { done.contains($0.logicalID) }
        }
        return ordered
    }

    private static func section(_ name: String, of body: JSONObject) throws -> JSONObject {
        switch body[name] {
        case nil: return JSONObject()
        case .object(let o)?: return o
        default: throw CloudFormationError.templateFormat("\(name) must be an object")
        }
    }

    static func isAlphanumeric(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    static func isSupportedParameterType(_ type: String) -> Bool {
        ["String", "Number", "List<Number>", "CommaDelimitedList"].contains(type)
            || type.hasPrefix("AWS::SSM::Parameter::Value<") || type.hasPrefix("AWS::SSM::Parameter::Name")
            || type.hasPrefix("AWS::EC2::") || type.hasPrefix("AWS::Route53::") || type.hasPrefix("List<AWS::")
    }
}

/// The names a template fragment refers to.
struct References {
    var refs: [String] = []
    var getAtts: [String] = []

    static func collect(in value: JSONValue) -> References {
        var result = References()
        result.visit(value)
        return result
    }

    private mutating func visit(_ value: JSONValue) {
        switch value {
        case .array(let items): items.forEach { visit($0) }
        case .object(let object):
            if object.count == 1, let (key, argument) = object.first(where: { _ in true }) {
                switch key {
                case "Ref":
                    if let name = argument.stringValue { refs.append(name) }
                    return
                case "Fn::GetAtt":
                    if let name = argument.arrayValue?.first?.stringValue { getAtts.append(name) }
                    else if let dotted = argument.stringValue, let name = dotted.split(separator: ".").first { getAtts.append(String(name)) }
                    return
                case "Fn::Sub":
                    let (template, variables) = Self.subParts(argument)
                    let explicit = Set(variables?.keys ?? [])
                    for name in Substitution.variables(in: template ?? "") where !explicit.contains(name) {
                        if let dot = name.firstIndex(of: ".") {
                            getAtts.append(String(name[..<dot]))
                        } else {
                            refs.append(name)
                        }
                    }
                    if let variables { visit(.object(variables)) }
                    return
                default: break
                }
            }
            for (_, v) in object { visit(v) }
        default: break
        }
    }

    static func subParts(_ argument: JSONValue) -> (String?, JSONObject?) {
        if let s = argument.stringValue { return (s, nil) }
        if let a = argument.arrayValue, a.count == 2 { return (a[0].stringValue, a[1].objectValue) }
        return (nil, nil)
    }
}

/// `Fn::Sub` template strings: `${Name}`, `${Resource.Attribute}`, and `${!Literal}`.
enum Substitution {
    enum Piece: Equatable {
        case literal(String)
        case variable(String)
    }

    static func pieces(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            literal += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "}") else {
                literal += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(after[..<end])
            if name.hasPrefix("!") {
                literal += "${" + name.dropFirst() + "}"
            } else {
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.variable(name.trimmingCharacters(in: .whitespaces)))
            }
            rest = after[after.index(after: end)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    static func variables(in template: String) -> [String] {
        pieces(template).compactMap { if case .variable(let v) = $0 { v } else { nil } }.filter { !$0.hasPrefix("AWS::") }
    }
}
