import AWSCore
import Foundation
import Yams

/// Reads a template body, JSON or YAML, into a ``JSONValue`` tree.
///
/// YAML short-form tags become their long form (`!Ref X` → `{"Ref": "X"}`,
/// `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`), as CloudFormation reads them.
enum TemplateParser {
    static func parse(_ body: String) throws -> JSONValue {
        let trimmed = body.drop { $0.isWhitespace }
        if trimmed.first == "{" {
            do {
                return try JSONParser.parse(Array(body.utf8), limits: .init(maxDepth: 256))
            } catch {
                throw CloudFormationError.templateFormat("JSON not well-formed. (\(error.description))")
            }
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: body)
        } catch {
            throw CloudFormationError.templateFormat("YAML not well-formed. (\(error))")
        }
        guard let node else { throw CloudFormationError.templateFormat("Template is empty") }
        return try convert(node)
    }

    /// Short-form tags and the function each stands for.
    static let shortForms: [String: String] = [
        "!Ref": "Ref", "!Condition": "Condition",
        "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!FindInMap": "Fn::FindInMap", "!GetAtt": "Fn::GetAtt",
        "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue", "!Join": "Fn::Join", "!Select": "Fn::Select",
        "!Split": "Fn::Split", "!Sub": "Fn::Sub", "!Transform": "Fn::Transform", "!And": "Fn::And",
        "!Equals": "Fn::Equals", "!If": "Fn::If", "!Not": "Fn::Not", "!Or": "Fn::Or", "!Length": "Fn::Length",
        "!ToJsonString": "Fn::ToJsonString", "!Contains": "Fn::Contains", "!EachMemberEquals": "Fn::EachMemberEquals",
        "!EachMemberIn": "Fn::EachMemberIn", "!ValueOf": "Fn::ValueOf", "!ValueOfAll": "Fn::ValueOfAll", "!RefAll": "Fn::RefAll",
    ]

    static func convert(_ node: Node) throws -> JSONValue {
        let tag = node.tag.description
        let value: JSONValue
        switch node {
        case .scalar(let scalar):
            value = convertScalar(scalar, explicitTag: tag)
        case .sequence(let sequence):
            value = .array(try sequence.map(convert))
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, child) in mapping {
                guard let name = key.string else { throw CloudFormationError.templateFormat("Mapping keys must be strings") }
                object[name] = try convert(child)
            }
            value = .object(object)
        case .alias:
            throw CloudFormationError.templateFormat("YAML aliases are not supported")
        }
        guard tag.hasPrefix("!"), tag != "!" else { return value }
        guard let function = shortForms[tag] else { throw CloudFormationError.templateFormat("Unsupported YAML tag \(tag)") }
        if function == "Fn::GetAtt", case .string(let dotted) = value {
            // `!GetAtt Resource.Attribute` (the attribute may itself contain dots).
            guard let dot = dotted.firstIndex(of: ".") else {
                throw CloudFormationError.templateError("every Fn::GetAtt object requires two non-empty parameters")
            }
            return ["Fn::GetAtt": [.string(String(dotted[..<dot])), .string(String(dotted[dotted.index(after: dot)...]))]]
        }
        return .object(JSONObject([(function, value)]))
    }

    /// Plain YAML scalars keep YAML 1.1 typing for booleans, nulls and numbers (quoted ones stay strings).
    static func convertScalar(_ scalar: Node.Scalar, explicitTag: String) -> JSONValue {
        let text = scalar.string
        if scalar.style != .plain || explicitTag.hasPrefix("!") || explicitTag == "tag:yaml.org,2002:str" { return .string(text) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "null", "Null", "NULL", "~", "": return .null
        default: break
        }
        if let _ = Int64(text) { return .number(text) }
        if text.contains("."), Double(text) != nil, !text.hasPrefix("."), !text.hasSuffix("."), text.allSatisfy({ "0123456789.-+eE".contains($0) }) {
            return .number(text)
        }
        return .string(text)
    }
}
