import AWSCore
@testable import DynamoDBService
import Foundation
import Testing

@Suite struct ExpressionTests {
    func context(names: [String: String] = [:], values: [String: AttributeValue] = [:]) throws -> ExpressionContext {
        let n = names.isEmpty ? nil : JSONObject(names.map { ($0.key, JSONValue.string($0.value)) })
        let v = values.isEmpty ? nil : JSONObject(values.map { ($0.key, $0.value.json) })
        return try ExpressionContext(names: n, values: v)
    }

    func conditionError(_ text: String, kind: ExpressionKind = .condition, names: [String: String] = [:], values: [String: AttributeValue] = [:]) -> String? {
        do {
            _ = try ExpressionParser.parseCondition(text, kind: kind, context: try context(names: names, values: values))
            return nil
        } catch {
            return (error as? DynamoDBError)?.message ?? "\(error)"
        }
    }

    func updateError(_ text: String, values: [String: AttributeValue] = [:]) -> String? {
        do {
            _ = try ExpressionParser.parseUpdate(text, context: try context(values: values))
            return nil
        } catch {
            return (error as? DynamoDBError)?.message ?? "\(error)"
        }
    }

    func eval(_ text: String, _ item: Item, names: [String: String] = [:], values: [String: AttributeValue] = [:]) throws -> Bool {
        let c = try ExpressionParser.parseCondition(text, kind: .condition, context: try context(names: names, values: values))
        return Evaluator.evaluate(c, item)
    }

    // MARK: Tokenizer

    @Test func tokenizer() throws {
        let tokens = Tokenizer("a.b[3] <= :v AND #n<>size(x)", kind: .condition).tokenize().map(\.text)
        #expect(tokens == ["a", ".", "b", "[", "3", "]", "<=", ":v", "AND", "#n", "<>", "size", "(", "x", ")", "<EOF>"])
    }

    // MARK: Parse errors (AWS wording)

    /// Messages observed from real DynamoDB (quoted in client test suites and bug reports).
    @Test func syntaxErrors() {
        #expect(conditionError("foo") == #"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo""#)
        #expect(conditionError("attribute_not_exists(") == #"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "(""#)
        #expect(conditionError("contains (themes, :theme", kind: .filter, values: [":theme": .s("x")]) == #"Invalid FilterExpression: Syntax error; token: "<EOF>", near: ":theme""#)
        #expect(updateError("SET a = :v,", values: [":v": .s("x")]) == #"Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ",""#)
        #expect(updateError("INVALID SYNTAX") == #"Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX""#)
        #expect(updateError("SET _123 = :v", values: [":v": .s("x")]) == #"Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123""#)
        #expect(updateError(#"SET NewAttr = {"NULL": true}"#) == #"Invalid UpdateExpression: Syntax error; token: "{", near: "= {""#)
        #expect(updateError("SET path = VALUE 1") == #"Invalid UpdateExpression: Syntax error; token: "1", near: "VALUE 1""#)
    }

    @Test func reservedWord() {
        #expect(conditionError("status = :v", values: [":v": .s("x")]) == "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status")
        #expect(conditionError("#s = :v", names: ["#s": "status"], values: [":v": .s("x")]) == nil)
    }

    @Test func undefinedPlaceholders() {
        #expect(conditionError("#a = :v", values: [":v": .s("x")]) == "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a")
        #expect(conditionError("a = :nope") == "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope")
    }

    @Test func unusedPlaceholders() throws {
        let ctx = try context(names: ["#a": "a"], values: [":v": .s("x"), ":unused": .s("y")])
        _ = try ExpressionParser.parseCondition("#a = :v", kind: .condition, context: ctx)
        #expect(throws: DynamoDBError.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")) {
            try ctx.checkAllUsed()
        }
        let ctx2 = try context(names: ["#a": "a", "#b": "b"], values: [":v": .s("x")])
        _ = try ExpressionParser.parseCondition("#a = :v", kind: .condition, context: ctx2)
        #expect(throws: DynamoDBError.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}")) {
            try ctx2.checkAllUsed()
        }
    }

    @Test func functionErrors() {
        #expect(conditionError("foo(a)") == "Invalid ConditionExpression: Invalid function name; function: foo")
        #expect(conditionError("attribute_exists(a, b)") == "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2")
        #expect(conditionError("begins_with(a, :n)", values: [":n": .n(DynamoNumber(1))]) == "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
        #expect(conditionError("attribute_type(a, :t)", values: [":t": .s("X")]) == "Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
        #expect(conditionError("a = a") == "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]")
    }

    @Test func betweenBounds() {
        #expect(conditionError("a BETWEEN :hi AND :lo", values: [":hi": .n(DynamoNumber(5)), ":lo": .n(DynamoNumber(1))])
            == "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}")
    }

    @Test func redundantParentheses() {
        #expect(conditionError("((a = :v))", values: [":v": .s("x")]) == "Invalid ConditionExpression: The expression has redundant parentheses;")
        #expect(conditionError("(a = :v) AND (b = :v)", values: [":v": .s("x")]) == nil)
    }

    @Test func emptyAndOversize() {
        #expect(conditionError("") == "Invalid ConditionExpression: The expression can not be empty;")
        let long = String(repeating: "a", count: 5000) + " = :v"
        #expect(conditionError(long, kind: .filter, values: [":v": .s("x")]) == "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 5005")
    }

    @Test func pathologicalInputFailsFast() {
        let start = Date()
        let nested = String(repeating: "(", count: 20_000) + "a = :v" + String(repeating: ")", count: 20_000)
        #expect(conditionError(nested, values: [":v": .s("x")])?.hasPrefix("Invalid ConditionExpression: Expression size has exceeded") == true)
        // Within the size limit, deep nesting is still bounded (no stack overflow).
        let deep = String(repeating: "(", count: 2000) + "a = :v" + String(repeating: ")", count: 2000)
        #expect(conditionError(deep, values: [":v": .s("x")]) == "Invalid ConditionExpression: The expression has redundant parentheses;")
        let deepNot = String(repeating: "NOT ", count: 1000) + "a = :v"
        // AWS allows at most 300 operators; the exact wording of that refusal is not pinned here.
        #expect(conditionError(deepNot, values: [":v": .s("x")])?.hasPrefix("Invalid ConditionExpression: ") == true)
        let huge = String(repeating: "a = :v AND ", count: 100_000) + "a = :v"
        #expect(conditionError(huge, values: [":v": .s("x")])?.contains("Expression size has exceeded the maximum allowed size") == true)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func updateErrors() {
        #expect(updateError("SET a = :v SET b = :v", values: [":v": .s("x")]) == #"Invalid UpdateExpression: The "SET" section can only be used once in an update expression;"#)
        #expect(updateError("SET a = :v, a.b = :v", values: [":v": .s("x")]) == "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]")
        #expect(updateError("SET created = :v REMOVE created", values: [":v": .s("x")]) == "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [created], path two: [created]")
        #expect(updateError("SET a[1] = :v, a[2] = :v", values: [":v": .s("x")]) == nil)
        #expect(updateError("ADD a :v", values: [":v": .s("x")]) == "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING")
        #expect(updateError("SET a = :v + :w", values: [":v": .s("x"), ":w": .n(DynamoNumber(1))]) == "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S")
        #expect(updateError("") == "Invalid UpdateExpression: The expression can not be empty;")
        #expect(updateError("SET a[0] = :v, a.b = :v", values: [":v": .s("x")]) == "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]")
        // Error precedence in update expressions (as dynalite recorded from DynamoDB): a
        // reserved word is reported before a repeated section or an undefined value.
        #expect(updateError("SET a = :nope SET #x = :v, name = :v", values: [":v": .s("x")]) == "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name")
        #expect(updateError("SET a = :nope SET b = :v", values: [":v": .s("x")]) == #"Invalid UpdateExpression: The "SET" section can only be used once in an update expression;"#)
    }

    // MARK: Evaluation

    let item: Item = [
        "s": .s("hello"), "n": .n(DynamoNumber(10)), "l": .l([.s("a"), .m(["x": .n(DynamoNumber(1))])]),
        "ss": .ss(["a", "b"]), "m": .m(["kid": .m(["deep": .s("v")])]), "b": .b([1, 2, 3]),
    ]

    @Test func evaluation() throws {
        let v: [String: AttributeValue] = [":s": .s("hello"), ":n5": .n(DynamoNumber(5)), ":n20": .n(DynamoNumber(20)), ":he": .s("he"), ":a": .s("a")]
        #expect(try eval("s = :s", item, values: [":s": v[":s"]!]))
        #expect(try eval("n BETWEEN :n5 AND :n20", item, values: [":n5": v[":n5"]!, ":n20": v[":n20"]!]))
        #expect(try eval("begins_with(s, :he)", item, values: [":he": v[":he"]!]))
        #expect(try eval("contains(ss, :a) AND contains(l, :a)", item, values: [":a": v[":a"]!]))
        #expect(try eval("l[1].x = :one", item, values: [":one": .n(DynamoNumber(1))]))
        #expect(try eval("m.kid.deep = :v", item, values: [":v": .s("v")]))
        #expect(try eval("size(s) = :five", item, values: [":five": .n(DynamoNumber(5))]))
        #expect(try eval("attribute_exists(m.kid) AND attribute_not_exists(nope)", item))
        #expect(try eval("attribute_type(ss, :t)", item, values: [":t": .s("SS")]))
        #expect(try eval("n IN (:a, :ten)", item, values: [":a": .s("a"), ":ten": .n(DynamoNumber(10))]))
        // Precedence: NOT > AND > OR.
        #expect(try eval("n = :x OR n = :ten AND NOT s = :x", item, values: [":x": .s("x"), ":ten": .n(DynamoNumber(10))]))
        #expect(try !eval("(n = :x OR n = :ten) AND s = :x", item, values: [":x": .s("x"), ":ten": .n(DynamoNumber(10))]))
        // Comparing different types is false; <> with a missing attribute is true.
        #expect(try !eval("n < :s", item, values: [":s": .s("z")]))
        #expect(try eval("nope <> :s", item, values: [":s": .s("z")]))
    }

    @Test func updates() throws {
        let ctx = try context(values: [":one": .n(DynamoNumber(1)), ":l": .l([.s("z")]), ":ss": .ss(["c", "a"]), ":d": .ss(["a", "b"]), ":x": .s("x")])
        let program = try ExpressionParser.parseUpdate(
            "SET n = n + :one, l = list_append(l, :l), m.kid.fresh = :x, c = if_not_exists(c, :one) REMOVE s ADD ss :ss DELETE ss2 :d",
            context: ctx)
        var base = item
        base["ss2"] = .ss(["a", "b"])
        let new = try UpdateApplier.apply(program, to: base)
        #expect(new["n"] == .n(DynamoNumber(11)))
        #expect(new["l"] == .l([.s("a"), .m(["x": .n(DynamoNumber(1))]), .s("z")]))
        #expect(Evaluator.value(at: DocumentPath(elements: [.name("m"), .name("kid"), .name("fresh")]), in: new) == .s("x"))
        #expect(new["c"] == .n(DynamoNumber(1)))
        #expect(new["s"] == nil)
        #expect(new["ss"] == .ss(["a", "b", "c"]))
        #expect(new["ss2"] == nil)  // deleting every member removes the attribute
    }

    @Test func updateRuntimeErrors() throws {
        let ctx = try context(values: [":one": .n(DynamoNumber(1)), ":x": .s("x")])
        let missing = try ExpressionParser.parseUpdate("SET a = nope + :one", context: ctx)
        #expect(throws: DynamoDBError.validation("The provided expression refers to an attribute that does not exist in the item")) {
            try UpdateApplier.apply(missing, to: item)
        }
        let badPath = try ExpressionParser.parseUpdate("SET nope.deeper = :x", context: ctx)
        #expect(throws: DynamoDBError.validation("The document path provided in the update expression is invalid for update")) {
            try UpdateApplier.apply(badPath, to: item)
        }
        let wrongType = try ExpressionParser.parseUpdate("SET s = s + :one", context: ctx)
        #expect(throws: DynamoDBError.validation("An operand in the update expression has an incorrect data type")) {
            try UpdateApplier.apply(wrongType, to: item)
        }
    }

    @Test func projection() throws {
        let paths = try ExpressionParser.parseProjection("s, l[1].x, m.kid", context: try context())
        let p = Evaluator.project(item, paths)
        #expect(p == ["s": .s("hello"), "l": .l([.m(["x": .n(DynamoNumber(1))])]), "m": item["m"]!])
        #expect(throws: DynamoDBError.self) { try ExpressionParser.parseProjection("a, a.b", context: try context()) }
    }
}
