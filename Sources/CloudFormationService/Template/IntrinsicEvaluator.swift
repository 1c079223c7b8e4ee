import AWSCore
import Foundation

/// Resolves intrinsic functions, pseudo parameters and conditions in a template fragment.
///
/// `resolve` returns nil for `AWS::NoValue`, which removes the enclosing property or list item.
struct IntrinsicEvaluator {
    struct ResourceState: Sendable {
        var refValue: String
        var attributes: JSONObject
    }

    var parameters: [String: JSONValue]
    var pseudo: PseudoParameters
    var mappings: JSONObject
    var conditionDefinitions: JSONObject
    var resources: [String: ResourceState] = [:]
    /// Exports visible to `Fn::ImportValue`.
    var exports: [String: String] = [:]
    private var conditionCache: [String: Bool] = [:]

    init(parameters: [String: JSONValue], pseudo: PseudoParameters, template: Template, exports: [String: String] = [:]) {
        self.parameters = parameters
        self.pseudo = pseudo
        self.mappings = template.mappings
        self.conditionDefinitions = template.conditions
        self.exports = exports
    }

    struct PseudoParameters: Sendable {
        var accountID: String
        var region: String
        var stackName: String
        var stackID: String
        var notificationARNs: [String] = []

        func value(_ name: String) -> JSONValue? {
            switch name {
            case "AWS::AccountId": .string(accountID)
            case "AWS::Region": .string(region)
            case "AWS::StackName": .string(stackName)
            case "AWS::StackId": .string(stackID)
            case "AWS::Partition": .string(region.hasPrefix("cn-") ? "aws-cn" : "aws")
            case "AWS::URLSuffix": .string(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")
            case "AWS::NotificationARNs": .array(notificationARNs.map { .string($0) })
            default: nil
            }
        }
    }

    // MARK: Conditions

    mutating func condition(_ name: String) throws -> Bool {
        if let cached = conditionCache[name] { return cached }
        guard let definition = conditionDefinitions[name] else {
            throw CloudFormationError.templateFormat("Unresolved dependencies [\(name)]. Cannot reference resources in the Conditions block of the template")
        }
        conditionCache[name] = false  // guards against cycles
        let value = try evaluateCondition(definition)
        conditionCache[name] = value
        return value
    }

    private mutating func evaluateCondition(_ value: JSONValue) throws -> Bool {
        guard case .object(let o) = value, o.count == 1, let (function, argument) = o.first(where: { _ in true }) else {
            throw CloudFormationError.templateError("Conditions can only be boolean operations on parameters and other conditions")
        }
        switch function {
        case "Condition":
            guard let name = argument.stringValue else { throw CloudFormationError.templateError("Condition must name a condition") }
            return try condition(name)
        case "Fn::Equals":
            guard let pair = argument.arrayValue, pair.count == 2 else {
                throw CloudFormationError.templateError("Fn::Equals requires a list of two values")
            }
            let lhs = try resolve(pair[0]).map(\.scalarText) ?? ""
            let rhs = try resolve(pair[1]).map(\.scalarText) ?? ""
            return lhs == rhs
        case "Fn::Not":
            guard let items = argument.arrayValue, items.count == 1 else { throw CloudFormationError.templateError("Fn::Not requires a list of one condition") }
            return try !evaluateCondition(items[0])
        case "Fn::And", "Fn::Or":
            guard let items = argument.arrayValue, (2...10).contains(items.count) else {
                throw CloudFormationError.templateError("\(function) requires a list of 2 to 10 conditions")
            }
            var results: [Bool] = []
            for item in items { results.append(try evaluateCondition(item)) }
            return function == "Fn::And" ? results.allSatisfy { $0 } : results.contains(true)
        case "Fn::Contains":
            // Rules assertions (CDK's CheckBootstrapVersion uses Fn::Not [Fn::Contains [...]]).
            guard let pair = argument.arrayValue, pair.count == 2 else { throw CloudFormationError.templateError("Fn::Contains requires two values") }
            let list = (try resolve(pair[0])?.arrayValue ?? []).map(\.scalarText)
            let item = try resolve(pair[1]).map(\.scalarText) ?? ""
            return list.contains(item)
        default:
            let resolved = try resolve(value)
            if case .bool(let b)? = resolved { return b }
            if case .string(let s)? = resolved { return s == "true" }
            throw CloudFormationError.templateError("Unsupported condition function \(function)")
        }
    }

    // MARK: Values

    mutating func resolve(_ value: JSONValue) throws -> JSONValue? {
        switch value {
        case .array(let items):
            var out: [JSONValue] = []
            for item in items { if let v = try resolve(item) { out.append(v) } }
            return .array(out)
        case .object(let object):
            if object.count == 1, let (key, argument) = object.first(where: { _ in true }), key == "Ref" || key.hasPrefix("Fn::") || key == "Condition" {
                return try function(key, argument)
            }
            var out = JSONObject()
            for (k, v) in object { out.set(k, try resolve(v)) }
            return .object(out)
        default:
            return value
        }
    }

    private mutating func resolveString(_ value: JSONValue, in function: String) throws -> String {
        guard let resolved = try resolve(value) else { throw CloudFormationError.templateError("\(function) cannot take AWS::NoValue") }
        switch resolved {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw CloudFormationError.templateError("every \(function) object requires string parameters")
        }
    }

    private mutating func function(_ name: String, _ argument: JSONValue) throws -> JSONValue? {
        switch name {
        case "Ref":
            guard let target = argument.stringValue else { throw CloudFormationError.templateError("Ref must name a parameter or resource") }
            return try ref(target)
        case "Condition":
            // As a value (Rules, Fn::If conditions), a condition name resolves to its truth.
            guard let n = argument.stringValue else { throw CloudFormationError.templateError("Condition must name a condition") }
            return .bool(try condition(n))
        case "Fn::GetAtt":
            let parts: [String]
            if let list = argument.arrayValue { parts = try list.map { try resolveString($0, in: name) } }
            else if let dotted = argument.stringValue { parts = dotted.split(separator: ".", maxSplits: 1).map(String.init) }
            else { parts = [] }
            guard parts.count == 2 else { throw CloudFormationError.templateError("every Fn::GetAtt object requires two non-empty parameters") }
            return try getAtt(parts[0], parts[1])
        case "Fn::Join":
            guard let pair = argument.arrayValue, pair.count == 2, let delimiter = pair[0].stringValue else {
                throw CloudFormationError.templateError("every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
            }
            guard case .array(let items)? = try resolve(pair[1]) else {
                throw CloudFormationError.templateError("every Fn::Join object requires a list of strings to join")
            }
            return .string(try items.map { try resolveString($0, in: name) }.joined(separator: delimiter))
        case "Fn::Sub":
            return .string(try substitute(argument))
        case "Fn::Select":
            guard let pair = argument.arrayValue, pair.count == 2 else { throw CloudFormationError.templateError("Fn::Select requires a list of two elements") }
            let indexText = try resolveString(pair[0], in: name)
            guard let index = Int(indexText), case .array(let items)? = try resolve(pair[1]) else {
                throw CloudFormationError.templateError("Fn::Select requires an index and a list")
            }
            guard items.indices.contains(index) else { throw CloudFormationError.templateError("Fn::Select cannot select nonexistent value at index \(index)") }
            return items[index]
        case "Fn::Split":
            guard let pair = argument.arrayValue, pair.count == 2, let delimiter = pair[0].stringValue, !delimiter.isEmpty else {
                throw CloudFormationError.templateError("Fn::Split requires a delimiter and a string")
            }
            let source = try resolveString(pair[1], in: name)
            return .array(source.components(separatedBy: delimiter).map { .string($0) })
        case "Fn::If":
            guard let triple = argument.arrayValue, triple.count == 3, let conditionName = triple[0].stringValue else {
                throw CloudFormationError.templateError("Fn::If requires a list of three elements: a condition name and two values")
            }
            return try resolve(try condition(conditionName) ? triple[1] : triple[2])
        case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::Contains":
            return .bool(try evaluateCondition(.object(JSONObject([(name, argument)]))))
        case "Fn::FindInMap":
            guard let args = argument.arrayValue, args.count >= 3 else { throw CloudFormationError.templateError("Fn::FindInMap requires three parameters") }
            let map = try resolveString(args[0], in: name)
            let top = try resolveString(args[1], in: name)
            let second = try resolveString(args[2], in: name)
            guard let value = mappings[map]?[top]?[second] else {
                if args.count == 4, let fallback = args[3]["DefaultValue"] { return try resolve(fallback) }
                throw CloudFormationError.templateError("Unable to get mapping for \(map)::\(top)::\(second)")
            }
            return value
        case "Fn::Base64":
            return .string(Data(try resolveString(argument, in: name).utf8).base64EncodedString())
        case "Fn::GetAZs":
            let region = try resolve(argument).flatMap(\.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? pseudo.region
            return .array(["a", "c", "d"].map { .string(region + $0) })
        case "Fn::ImportValue":
            let exportName = try resolveString(argument, in: name)
            guard let value = exports[exportName] else {
                throw CloudFormationError.validation("No export named \(exportName) found. Rollback requested by user.")
            }
            return .string(value)
        case "Fn::Cidr":
            guard let args = argument.arrayValue, args.count == 3 else {
                throw CloudFormationError.templateError("Fn::Cidr requires an IP block, a count and the subnet bits")
            }
            let block = try resolveString(args[0], in: name)
            guard let count = Int(try resolveString(args[1], in: name)), let bits = Int(try resolveString(args[2], in: name)),
                  let subnets = Cidr.subnets(of: block, count: count, bits: bits) else {
                throw CloudFormationError.templateError("Fn::Cidr could not divide \(block)")
            }
            return .array(subnets.map { .string($0) })
        case "Fn::Length":
            guard case .array(let items)? = try resolve(argument) else { throw CloudFormationError.templateError("Fn::Length requires a list") }
            return .int(items.count)
        case "Fn::ToJsonString":
            guard let resolved = try resolve(argument) else { return .string("null") }
            return .string(resolved.serializedString())
        default:
            throw CloudFormationError.templateFormat("Encountered unsupported function: \(name) Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]")
        }
    }

    private func ref(_ target: String) throws -> JSONValue? {
        if target == "AWS::NoValue" { return nil }
        if let value = pseudo.value(target) { return value }
        if let value = parameters[target] { return value }
        if let resource = resources[target] { return .string(resource.refValue) }
        throw CloudFormationError.templateFormat("Unresolved resource dependencies [\(target)] in the Resources block of the template")
    }

    private func getAtt(_ logicalID: String, _ attribute: String) throws -> JSONValue {
        guard let resource = resources[logicalID] else {
            throw CloudFormationError.templateError("instance of Fn::GetAtt references undefined resource \(logicalID)")
        }
        guard let value = resource.attributes[attribute] else {
            throw CloudFormationError.templateError("resource \(logicalID) does not support attribute type \(attribute) in Fn::GetAtt")
        }
        return value
    }

    private mutating func substitute(_ argument: JSONValue) throws -> String {
        let (templateText, variablesObject) = References.subParts(argument)
        guard let templateText else { throw CloudFormationError.templateError("One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string") }
        var variables: [String: String] = [:]
        for (k, v) in variablesObject ?? JSONObject() { variables[k] = try resolveString(v, in: "Fn::Sub") }
        var out = ""
        for piece in Substitution.pieces(templateText) {
            switch piece {
            case .literal(let text): out += text
            case .variable(let name):
                if let v = variables[name] {
                    out += v
                } else if let dot = name.firstIndex(of: "."), !name.hasPrefix("AWS::") {
                    out += try getAtt(String(name[..<dot]), String(name[name.index(after: dot)...])).scalarText
                } else {
                    guard let v = try ref(name) else { continue }
                    if case .array(let items) = v { out += items.map(\.scalarText).joined(separator: ",") } else { out += v.scalarText }
                }
            }
        }
        return out
    }
}

/// `Fn::Cidr`: the first `count` subnets of `bits` host bits inside an IPv4 or IPv6 block.
enum Cidr {
    static func subnets(of block: String, count: Int, bits: Int) -> [String]? {
        let parts = block.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), var address = IPAddress.bytes(of: String(parts[0])) else { return nil }
        let total = address.count * 8
        let subnetPrefix = total - bits
        guard (1...256).contains(count), bits > 0, subnetPrefix >= prefix, subnetPrefix <= total,
              subnetPrefix - prefix >= 63 || count <= 1 << (subnetPrefix - prefix) else { return nil }
        // Clear the host bits of the block, then step by one subnet at a time.
        for bit in prefix..<total { address[bit / 8] &= ~(UInt8(0x80) >> UInt8(bit % 8)) }
        var result: [String] = []
        for _ in 0..<count {
            result.append("\(IPAddress.string(address))/\(subnetPrefix)")
            var carryBit = subnetPrefix - 1
            while carryBit >= 0 {
                let mask = UInt8(0x80) >> UInt8(carryBit % 8)
                if address[carryBit / 8] & mask == 0 { address[carryBit / 8] |= mask; break }
                address[carryBit / 8] &= ~mask
                carryBit -= 1
            }
        }
        return result
    }
}
