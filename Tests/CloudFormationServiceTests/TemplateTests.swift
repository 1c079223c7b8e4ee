import AWSCore
import Testing
@testable import CloudFormationService

@Suite struct TemplateParserTests {
    @Test func yamlShortFormsBecomeLongForms() throws {
        let value = try TemplateParser.parse("""
            A: !Ref Param
            B: !GetAtt Table.StreamArn
            C: !Sub "${AWS::Region}-x"
            D: !Join ["-", [!Ref A, b]]
            E: !If [Cond, !Ref AWS::NoValue, 3]
            F: "quoted"
            G: 42
            H: true
            I: 2012-10-17
            """)
        #expect(value["A"] == ["Ref": "Param"])
        #expect(value["B"] == ["Fn::GetAtt": ["Table", "StreamArn"]])
        #expect(value["C"] == ["Fn::Sub": "${AWS::Region}-x"])
        #expect(value["D"] == ["Fn::Join": ["-", [["Ref": "A"], "b"]]])
        #expect(value["E"] == ["Fn::If": ["Cond", ["Ref": "AWS::NoValue"], 3]])
        #expect(value["F"] == "quoted")
        #expect(value["G"] == 42)
        #expect(value["H"] == true)
        #expect(value["I"] == "2012-10-17")
    }

    @Test func malformedTemplatesAreValidationErrors() {
        #expect { try TemplateParser.parse("a: [") } throws: { ($0 as? CloudFormationError)?.message.hasPrefix("Template format error: YAML not well-formed.") == true }
        #expect { try TemplateParser.parse("{\"a\": ") } throws: { ($0 as? CloudFormationError)?.message.hasPrefix("Template format error: JSON not well-formed.") == true }
        #expect(throws: CloudFormationError.templateFormat("Unsupported YAML tag !Bogus")) { try TemplateParser.parse("a: !Bogus x") }
    }
}

@Suite struct TemplateValidationTests {
    func template(_ text: String) throws -> Template { try Template(parsing: text) }

    @Test(arguments: [
        (#"{"Resources": {}}"#, "Template format error: At least one Resources member must be defined."),
        (#"{"Resources": {"A": {"Properties": {}}}}"#, "Template format error: [/Resources/A] Every Resources object must contain a Type member."),
        (#"{"Resources": {"A": {"Type": "X", "Properties": {"P": {"Ref": "Nope"}}}}}"#,
         "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"),
        (#"{"Resources": {"A": {"Type": "X", "Properties": {"P": {"Fn::GetAtt": ["Nope", "Arn"]}}}}}"#,
         "Template error: instance of Fn::GetAtt references undefined resource Nope"),
        (#"{"Resources": {"A": {"Type": "X", "DependsOn": "B"}}}"#,
         "Template format error: Unresolved resource dependencies [B] in the Resources block of the template"),
        (#"{"Resourcez": {}, "Resources": {"A": {"Type": "X"}}}"#, "Template format error: Invalid template property or properties [Resourcez]"),
        (#"{"Resources": {"my-res": {"Type": "X"}}}"#, "Template format error: Resource name my-res is non alphanumeric."),
    ])
    func structuralErrors(text: String, message: String) {
        #expect { try template(text) } throws: { ($0 as? CloudFormationError)?.message == message }
    }

    @Test func creationOrderFollowsReferencesAndDependsOn() throws {
        let t = try template("""
            Resources:
              C: {Type: X, Properties: {P: !GetAtt B.Arn}}
              B: {Type: X, Properties: {P: !Sub "${A}"}}
              A: {Type: X}
              D: {Type: X, DependsOn: [C]}
            """)
        #expect(try t.creationOrder(of: t.resources).map(\.logicalID) == ["A", "B", "C", "D"])
    }

    @Test func circularDependenciesAreRejected() throws {
        let t = try template("""
            Resources:
              A: {Type: X, Properties: {P: !Ref B}}
              B: {Type: X, Properties: {P: !Ref A}}
            """)
        #expect { try t.creationOrder(of: t.resources) } throws: {
            ($0 as? CloudFormationError)?.message == "Template format error: Circular dependency between resources: [A, B]"
        }
    }
}

@Suite struct IntrinsicEvaluatorTests {
    func evaluator(_ text: String = "Resources: {R: {Type: X}}", parameters: [String: JSONValue] = [:]) throws -> IntrinsicEvaluator {
        var e = IntrinsicEvaluator(parameters: parameters, pseudo: .init(accountID: "123456789012", region: "ap-northeast-1", stackName: "S", stackID: "arn:s"),
                                   template: try Template(parsing: text), exports: ["Shared": "v"])
        e.resources["R"] = .init(refValue: "r-1", attributes: ["Arn": "arn:r"])
        return e
    }

    @Test func subJoinSelectSplit() throws {
        var e = try evaluator(parameters: ["Stage": "stg", "List": ["a", "b"]])
        #expect(try e.resolve(["Fn::Sub": "${AWS::StackName}-${Stage}-${R}-${R.Arn}-${!Literal}-${AWS::AccountId}"])
            == "S-stg-r-1-arn:r-${Literal}-123456789012")
        #expect(try e.resolve(["Fn::Sub": ["${X}/${Stage}", ["X": ["Ref": "R"]]]]) == "r-1/stg")
        #expect(try e.resolve(["Fn::Join": [",", ["Ref": "List"]]]) == "a,b")
        #expect(try e.resolve(["Fn::Select": ["1", ["Fn::Split": ["|", "x|y|z"]]]]) == "y")
        #expect(try e.resolve(["Fn::ImportValue": "Shared"]) == "v")
        #expect(try e.resolve(["Fn::Base64": "hi"]) == "aGk=")
        #expect(try e.resolve(["Ref": "AWS::URLSuffix"]) == "amazonaws.com")
    }

    @Test func cidrDividesIPv4AndIPv6Blocks() throws {
        var e = try evaluator()
        #expect(try e.resolve(["Fn::Cidr": ["10.0.0.0/16", 3, 8]]) == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"])
        #expect(try e.resolve(["Fn::Cidr": ["192.168.0.0/24", 2, 6]]) == ["192.168.0.0/26", "192.168.0.64/26"])
        #expect(try e.resolve(["Fn::Cidr": ["2001:db8::/56", 2, 64]]) == ["2001:db8::/64", "2001:db8:0:1::/64"])
        #expect { try e.resolve(["Fn::Cidr": ["10.0.0.0/24", 300, 8]]) } throws: { ($0 as? CloudFormationError) != nil }
    }

    @Test func conditionsAndNoValue() throws {
        var e = try evaluator("""
            Parameters: {Stage: {Type: String}}
            Conditions:
              IsProd: !Equals [!Ref Stage, prod]
              NotProd: !Not [!Condition IsProd]
              Both: !And [!Condition NotProd, !Equals [a, a]]
            Resources: {R: {Type: X}}
            """, parameters: ["Stage": "stg"])
        #expect(try e.condition("IsProd") == false)
        #expect(try e.condition("Both") == true)
        #expect(try e.resolve(["A": ["Fn::If": ["IsProd", 1, ["Ref": "AWS::NoValue"]]], "B": 2]) == ["B": 2])
        #expect(try e.resolve([["Fn::If": ["NotProd", ["Ref": "AWS::NoValue"], 1]], 2]) == [2])
    }

    @Test func findInMapAndErrors() throws {
        var e = try evaluator("""
            Mappings: {Stages: {stg: {Interval: 15}}}
            Resources: {R: {Type: X}}
            """)
        #expect(try e.resolve(["Fn::FindInMap": ["Stages", "stg", "Interval"]]) == 15)
        #expect { try e.resolve(["Fn::FindInMap": ["Stages", "prod", "Interval"]]) } throws: {
            ($0 as? CloudFormationError)?.message == "Template error: Unable to get mapping for Stages::prod::Interval"
        }
        #expect { try e.resolve(["Fn::GetAtt": ["R", "Nope"]]) } throws: {
            ($0 as? CloudFormationError)?.message == "Template error: resource R does not support attribute type Nope in Fn::GetAtt"
        }
        #expect { try e.resolve(["Fn::ImportValue": "Missing"]) } throws: {
            ($0 as? CloudFormationError)?.message == "No export named Missing found. Rollback requested by user."
        }
    }
}

@Suite struct ParameterResolverTests {
    let resolver = ParameterResolver(lookup: nil, accountID: "1", region: "r")
    let template = try! Template(parsing: """
        Parameters:
          Stage: {Type: String, AllowedValues: [stg, prod]}
          Name: {Type: String, Default: mesh, AllowedPattern: "[a-z]+"}
          Ids: {Type: CommaDelimitedList, Default: "a, b"}
          Secret: {Type: String, NoEcho: true, Default: s}
        Resources: {R: {Type: X}}
        """)

    @Test func defaultsListsAndNoEcho() throws {
        let (stored, values) = try resolver.resolve(template, given: [.init(key: "Stage", value: "stg", usePreviousValue: false)], previous: nil)
        #expect(values["Name"] == "mesh")
        #expect(values["Ids"] == ["a", "b"])
        #expect(stored.first { $0.key == "Secret" }?.noEcho == true)
    }

    @Test func errorsUseCloudFormationWording() {
        #expect { try resolver.resolve(template, given: [], previous: nil) } throws: {
            ($0 as? CloudFormationError)?.message == "Parameters: [Stage] must have values"
        }
        #expect { try resolver.resolve(template, given: [.init(key: "Stage", value: "dev", usePreviousValue: false)], previous: nil) } throws: {
            ($0 as? CloudFormationError)?.message == "Parameter 'Stage' must be one of AllowedValues"
        }
        #expect { try resolver.resolve(template, given: [.init(key: "Stage", value: "stg", usePreviousValue: false), .init(key: "Name", value: "A1", usePreviousValue: false)], previous: nil) } throws: {
            ($0 as? CloudFormationError)?.message == "Parameter 'Name' must match pattern [a-z]+"
        }
        #expect { try resolver.resolve(template, given: [.init(key: "Bogus", value: "x", usePreviousValue: false)], previous: nil) } throws: {
            ($0 as? CloudFormationError)?.message == "Parameters: [Bogus] do not exist in the template"
        }
    }
}
