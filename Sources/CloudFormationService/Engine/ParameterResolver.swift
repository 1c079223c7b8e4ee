import AWSCore
import Foundation

/// Turns the parameters a caller passed into the values a template sees, with CloudFormation's
/// checks and messages.
struct ParameterResolver {
    struct Given: Sendable, Equatable {
        var key: String
        var value: String?
        var usePreviousValue: Bool
    }

    let lookup: (any ParameterLookup)?
    let accountID: String
    let region: String

    /// - Returns: the stored parameters (as DescribeStacks shows them) and the values by name.
    func resolve(_ template: Template, given: [Given], previous: [StackRecord.Parameter]?) throws
        -> (stored: [StackRecord.Parameter], values: [String: JSONValue])
    {
        let declared = Set(template.parameters.map(\.name))
        let unknown = given.map(\.key).filter { !declared.contains($0) }
        if !unknown.isEmpty {
            throw CloudFormationError.validation("Parameters: [\(unknown.joined(separator: ", "))] do not exist in the template")
        }
        var stored: [StackRecord.Parameter] = []
        var values: [String: JSONValue] = [:]
        var missing: [String] = []
        for parameter in template.parameters {
            let entry = given.first { $0.key == parameter.name }
            var raw: String?
            if let entry, entry.usePreviousValue {
                guard let old = previous?.first(where: { $0.key == parameter.name }) else {
                    throw CloudFormationError.validation("Invalid input for parameter key \(parameter.name). Cannot specify usePreviousValue as true for a parameter key not in the previous template")
                }
                raw = old.value
            } else if let value = entry?.value {
                raw = value
            } else if let defaultValue = parameter.defaultValue {
                raw = defaultValue.arrayValue.map { $0.map(\.scalarText).joined(separator: ",") } ?? defaultValue.scalarText
            }
            guard let raw else {
                missing.append(parameter.name)
                continue
            }
            try check(raw, against: parameter)
            var resolved: String?
            var effective = raw
            if parameter.isSSMReference {
                guard let value = lookup?.parameterValue(named: raw, accountID: accountID, region: region) else {
                    throw CloudFormationError.validation("Unable to fetch parameters [\(raw)] from parameter store for this account.")
                }
                resolved = value
                effective = value
            }
            stored.append(.init(key: parameter.name, value: raw, resolvedValue: resolved, noEcho: parameter.noEcho))
            values[parameter.name] = parameter.isList
                ? .array(effective.split(separator: ",", omittingEmptySubsequences: false).map { .string($0.trimmingCharacters(in: .whitespaces)) })
                : .string(effective)
        }
        if !missing.isEmpty {
            throw CloudFormationError.validation("Parameters: [\(missing.joined(separator: ", "))] must have values")
        }
        return (stored, values)
    }

    private func check(_ value: String, against parameter: Template.Parameter) throws {
        let constraint = parameter.constraintDescription
        func fail(_ reason: String) -> CloudFormationError {
            .validation("Parameter '\(parameter.name)' \(constraint ?? reason)")
        }
        if let allowed = parameter.allowedValues, !allowed.contains(value) {
            throw CloudFormationError.validation("Parameter '\(parameter.name)' must be one of AllowedValues")
        }
        if let pattern = parameter.allowedPattern,
           value.range(of: "^(?:\(pattern))$", options: .regularExpression) == nil {
            throw fail("must match pattern \(pattern)")
        }
        if let min = parameter.minLength, value.count < min { throw fail("must contain at least \(min) characters") }
        if let max = parameter.maxLength, value.count > max { throw fail("must contain at most \(max) characters") }
        if parameter.type == "Number" || parameter.type == "List<Number>" {
            for item in parameter.type == "Number" ? [value] : value.split(separator: ",").map(String.init) {
                guard let number = Double(item.trimmingCharacters(in: .whitespaces)) else { throw fail("must be a number") }
                if let min = parameter.minValue, number < min { throw fail("must be a number not less than \(JSONValue.double(min).scalarText)") }
                if let max = parameter.maxValue, number > max { throw fail("must be a number not greater than \(JSONValue.double(max).scalarText)") }
            }
        }
    }
}
