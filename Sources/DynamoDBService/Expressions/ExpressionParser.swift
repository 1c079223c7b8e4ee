/// Recursive-descent parser for every expression kind. Placeholders are resolved while parsing
/// (recording which were used); nesting and operator counts are bounded so hostile input fails
/// fast with a ValidationException instead of exhausting the stack.
struct ExpressionParser {
    let kind: ExpressionKind
    let source: String
    private let tokenizer: Tokenizer
    private var tokens: [Token] = []
    private var pos = 0
    private let context: ExpressionContext
    private var depth = 0
    private var operators = 0
    /// Errors found in a syntactically valid expression, reported after parsing in AWS's order:
    /// redundant parentheses, unknown function, misused function, reserved word, then the rest.
    private var deferred: [Int: DynamoDBError] = [:]

    private mutating func note(_ error: any Error) {
        guard let e = error as? DynamoDBError else { return }
        let priority = kind == .update ? Self.updatePriority(e.message) : Self.conditionPriority(e.message)
        if deferred[priority] == nil { deferred[priority] = e }
    }

    /// Condition-like expressions: parentheses, unknown function, misused function, reserved
    /// word, then placeholder/operand/type errors in the order met.
    private static func conditionPriority(_ m: String) -> Int {
        m.contains("redundant parentheses") ? 0 : m.contains("Invalid function name") ? 1
            : m.contains("is not allowed") ? 2 : m.contains("reserved keyword") ? 3 : 4
    }

    /// UpdateExpression: reserved word, unknown function, repeated section, undefined name,
    /// undefined value, overlapping paths, conflicting paths, ADD/DELETE operand, then the rest.
    private static func updatePriority(_ m: String) -> Int {
        if m.contains("reserved keyword") { return 0 }
        if m.contains("Invalid function name") || m.contains("redundant parentheses") || m.contains("is not allowed") { return 1 }
        if m.contains("section can only be used once") { return 2 }
        if m.contains("attribute name used in the document path is not defined") { return 3 }
        if m.contains("attribute value used in expression is not defined") { return 4 }
        if m.contains("paths overlap") { return 5 }
        if m.contains("paths conflict") { return 6 }
        if m.contains("; operator: ") { return 7 }
        return 8
    }

    private func throwDeferred() throws(DynamoDBError) {
        if let first = deferred.keys.min() { throw deferred[first]! }
    }

    private init(_ text: String, kind: ExpressionKind, context: ExpressionContext) {
        self.kind = kind
        source = text
        tokenizer = Tokenizer(text, kind: kind)
        self.context = context
    }

    // MARK: Entry points

    static func parseCondition(_ text: String, kind: ExpressionKind, context: ExpressionContext) throws(DynamoDBError) -> Condition {
        var p = try ExpressionParser.start(text, kind: kind, context: context)
        let parsed = try p.parseOr()
        guard case .cond(let c) = parsed.node else { throw p.syntaxError(at: p.pos) }
        guard p.current.kind == .eof else { throw p.syntaxError(at: p.pos) }
        try p.throwDeferred()
        return c
    }

    static func parseUpdate(_ text: String, context: ExpressionContext) throws(DynamoDBError) -> UpdateProgram {
        var p = try ExpressionParser.start(text, kind: .update, context: context)
        return try p.parseUpdateExpression()
    }

    static func parseProjection(_ text: String, context: ExpressionContext) throws(DynamoDBError) -> [DocumentPath] {
        var p = try ExpressionParser.start(text, kind: .projection, context: context)
        var paths: [DocumentPath] = []
        repeat {
            paths.append(try p.parsePath())
        } while p.accept(",")
        guard p.current.kind == .eof else { throw p.syntaxError(at: p.pos) }
        try p.throwDeferred()
        try p.checkOverlaps(paths)
        return paths
    }

    private static func start(_ text: String, kind: ExpressionKind, context: ExpressionContext) throws(DynamoDBError) -> ExpressionParser {
        let size = text.utf8.count
        if size > ExpressionLimits.maxExpressionBytes {
            throw .validation("Invalid \(kind.rawValue): Expression size has exceeded the maximum allowed size; expression size: \(size)")
        }
        if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            throw .validation("Invalid \(kind.rawValue): The expression can not be empty;")
        }
        var p = ExpressionParser(text, kind: kind, context: context)
        p.tokens = p.tokenizer.tokenize()
        return p
    }

    // MARK: Token helpers

    private var current: Token { tokens[pos] }

    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private mutating func accept(_ punct: String) -> Bool {
        if current.isPunct(punct) {
            pos += 1
            return true
        }
        return false
    }

    private mutating func expect(_ punct: String) throws(DynamoDBError) {
        guard accept(punct) else { throw syntaxError(at: pos) }
    }

    private func isKeyword(_ word: String) -> Bool { current.isKeyword(word) }

    private func error(_ detail: String) -> DynamoDBError { .validation("Invalid \(kind.rawValue): \(detail)") }

    /// `Syntax error; token: "x", near: "a x b"` — the token with its neighbours from the source.
    func syntaxError(at index: Int) -> DynamoDBError {
        // AWS shows the previous token, the bad one and the next one, with the source's spacing.
        let token = tokens[index]
        let from = index > 0 ? tokens[index - 1].start : token.start
        var to = token.kind == .eof ? (index > 0 ? tokens[index - 1].end : 0) : token.end
        if index + 1 < tokens.count, token.kind != .eof {
            let next = tokens[index + 1]
            switch next.kind {
            case .eof, .invalid: break
            default: to = next.end
            }
        }
        let bytes = Array(source.utf8)
        let near = String(decoding: bytes[from..<max(from, to)], as: UTF8.self)
        return error("Syntax error; token: \"\(token.text)\", near: \"\(near)\"")
    }

    private mutating func enter() throws(DynamoDBError) {
        depth += 1
        // Every nesting level that is not a bare parenthesis counts as an operator, and those
        // stop at 300 first; so this deep, the expression is made of redundant parentheses.
        if depth > ExpressionLimits.maxNesting {
            throw error("The expression has redundant parentheses;")
        }
    }

    private mutating func countOperator() throws(DynamoDBError) {
        operators += 1
        if operators > ExpressionLimits.maxOperators {
            throw error("The expression contains too many operators; operator count: \(operators)")
        }
    }

    // MARK: Conditions

    private enum Node {
        case cond(Condition)
        case operand(Operand)
    }

    private struct Parsed {
        var node: Node
        var parenthesized: Bool
    }

    private mutating func parseOr() throws(DynamoDBError) -> Parsed {
        var left = try parseAnd()
        while isKeyword("OR") {
            let opIndex = pos
            _ = advance()
            try countOperator()
            let right = try parseAnd()
            guard case .cond(let l) = left.node, case .cond(let r) = right.node else { throw syntaxError(at: opIndex) }
            left = Parsed(node: .cond(.or(l, r)), parenthesized: false)
        }
        return left
    }

    private mutating func parseAnd() throws(DynamoDBError) -> Parsed {
        var left = try parseNot()
        while isKeyword("AND") {
            let opIndex = pos
            _ = advance()
            try countOperator()
            let right = try parseNot()
            guard case .cond(let l) = left.node, case .cond(let r) = right.node else { throw syntaxError(at: opIndex) }
            left = Parsed(node: .cond(.and(l, r)), parenthesized: false)
        }
        return left
    }

    private mutating func parseNot() throws(DynamoDBError) -> Parsed {
        if isKeyword("NOT") {
            let opIndex = pos
            _ = advance()
            try countOperator()
            try enter()
            let inner = try parseNot()
            depth -= 1
            guard case .cond(let c) = inner.node else { throw syntaxError(at: opIndex) }
            return Parsed(node: .cond(.not(c)), parenthesized: false)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(DynamoDBError) -> Parsed {
        var parsed: Parsed
        if current.isPunct("(") {
            _ = advance()
            try enter()
            let inner = try parseOr()
            try expect(")")
            depth -= 1
            if inner.parenthesized { note(error("The expression has redundant parentheses;")) }
            parsed = Parsed(node: inner.node, parenthesized: true)
        } else {
            parsed = Parsed(node: try parseOperandOrFunction(), parenthesized: false)
        }
        guard case .operand(let left) = parsed.node else { return parsed }
        // An operand must be followed by a comparator, BETWEEN or IN.
        if case .punct(let p) = current.kind, let comparator = Comparator(rawValue: p) {
            _ = advance()
            try countOperator()
            let right = try parseOperandAllowingParens()
            do {
                try checkNotFunctionMisuse(left, right)
                try checkDistinct(comparator.rawValue, left, right)
            } catch { note(error) }
            return Parsed(node: .cond(.compare(comparator, left, right)), parenthesized: false)
        }
        if isKeyword("BETWEEN") {
            _ = advance()
            try countOperator()
            let low = try parseOperandAllowingParens()
            guard isKeyword("AND") else { throw syntaxError(at: pos) }
            _ = advance()
            let high = try parseOperandAllowingParens()
            do {
                try checkNotFunctionMisuse(left, low, high)
                try checkBetweenBounds(low, high)
            } catch { note(error) }
            return Parsed(node: .cond(.between(left, low, high)), parenthesized: false)
        }
        if isKeyword("IN") {
            _ = advance()
            try countOperator()
            try expect("(")
            var list: [Operand] = []
            repeat {
                list.append(try parseOperandAllowingParens())
            } while accept(",")
            try expect(")")
            if list.count > 100 {
                note(error("The IN operator can have a maximum of 100 values; number of values: \(list.count)"))
            }
            do { try checkNotFunctionMisuse([left] + list) } catch { note(error) }
            return Parsed(node: .cond(.inList(left, list)), parenthesized: false)
        }
        return parsed
    }

    private mutating func parseOperandAllowingParens() throws(DynamoDBError) -> Operand {
        if current.isPunct("(") {
            _ = advance()
            try enter()
            let wasParen = current.isPunct("(")
            let inner = try parseOperandAllowingParens()
            try expect(")")
            depth -= 1
            if wasParen { note(error("The expression has redundant parentheses;")) }
            return inner
        }
        guard case .operand(let op) = try parseOperandOrFunction() else {
            throw syntaxError(at: max(0, pos - 1))
        }
        return op
    }

    private func checkNotFunctionMisuse(_ operands: Operand...) throws(DynamoDBError) {
        try checkNotFunctionMisuse(operands)
    }

    private func checkNotFunctionMisuse(_ operands: [Operand]) throws(DynamoDBError) {
        for op in operands {
            switch op {
            case .ifNotExists: throw error("The function is not allowed to be used this way in an expression; function: if_not_exists")
            case .listAppend: throw error("The function is not allowed to be used this way in an expression; function: list_append")
            default: break
            }
        }
    }

    private func checkDistinct(_ op: String, _ a: Operand, _ b: Operand) throws(DynamoDBError) {
        if case .path(let x) = a, case .path(let y) = b, x == y {
            throw error("The first operand must be distinct from the remaining operands for this operator or function; operator: \(op), first operand: \(x)")
        }
    }

    private func checkBetweenBounds(_ low: Operand, _ high: Operand) throws(DynamoDBError) {
        guard case .value(let l) = low, case .value(let h) = high else { return }
        let desc = "lower bound operand: AttributeValue: {\(l.typeName):\(l.shortDescription)}, upper bound operand: AttributeValue: {\(h.typeName):\(h.shortDescription)}"
        if l.typeName != h.typeName {
            throw error("The BETWEEN operator requires same data type for lower and upper bounds; \(desc)")
        }
        if let c = AttributeValue.compareScalars(l, h), c > 0 {
            throw error("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; \(desc)")
        }
    }

    /// A path, a `:value`, or a function call (which is a condition or, for `size`, an operand).
    private mutating func parseOperandOrFunction() throws(DynamoDBError) -> Node {
        let token = current
        switch token.kind {
        case .value(let v):
            _ = advance()
            do {
                return .operand(.value(try resolveValue(v)))
            } catch {
                note(error)
                return .operand(.value(.null))
            }
        case .identifier(let name) where tokens[pos + 1].isPunct("("):
            return try parseFunction(name)
        case .identifier, .name:
            return .operand(.path(try parsePath()))
        default:
            throw syntaxError(at: pos)
        }
    }

    private mutating func parseArguments() throws(DynamoDBError) -> [Operand] {
        try expect("(")
        try enter()
        var args: [Operand] = []
        repeat {
            args.append(kind == .update ? try parseSetValue() : try parseOperandAllowingParens())
        } while accept(",")
        try expect(")")
        depth -= 1
        return args
    }

    private mutating func parseFunction(_ name: String) throws(DynamoDBError) -> Node {
        let conditionFunctions: Set<String> = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size"]
        let updateFunctions: Set<String> = ["if_not_exists", "list_append"]
        _ = advance()
        try countOperator()
        let args = try parseArguments()
        do {
            guard conditionFunctions.contains(name) || updateFunctions.contains(name) else {
                throw error("Invalid function name; function: \(name)")
            }
            if kind == .update, !updateFunctions.contains(name) {
                throw error("The function is not allowed in an update expression; function: \(name)")
            }
            return try buildFunction(name, args)
        } catch {
            note(error)
            // Keep parsing: a placeholder of the shape the context expects.
            if case .punct(let p) = current.kind, Comparator(rawValue: p) != nil { return .operand(.value(.null)) }
            if isKeyword("BETWEEN") || isKeyword("IN") || kind == .update { return .operand(.value(.null)) }
            return .cond(.attributeExists(DocumentPath(elements: [.name("_")])))
        }
    }

    private func buildFunction(_ name: String, _ args: [Operand]) throws(DynamoDBError) -> Node {
        func arity(_ n: Int) throws(DynamoDBError) {
            if args.count != n {
                throw error("Incorrect number of operands for operator or function; operator or function: \(name), number of operands: \(args.count)")
            }
        }
        func requirePath(_ op: Operand) throws(DynamoDBError) -> DocumentPath {
            guard case .path(let p) = op else {
                throw error("Operator or function requires a document path; operator or function: \(name)")
            }
            return p
        }
        func checkType(_ op: Operand, allowed: Set<String>) throws(DynamoDBError) {
            if let t = op.literalType, !allowed.contains(t) {
                throw error("Incorrect operand type for operator or function; operator or function: \(name), operand type: \(t)")
            }
        }
        switch name {
        case "attribute_exists":
            try arity(1)
            return .cond(.attributeExists(try requirePath(args[0])))
        case "attribute_not_exists":
            try arity(1)
            return .cond(.attributeNotExists(try requirePath(args[0])))
        case "attribute_type":
            try arity(2)
            try checkNotFunctionMisuse(args)
            guard case .value(let t) = args[1], case .s(let typeName) = t else {
                let t = args[1].literalType ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
                throw error("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: \(t)")
            }
            guard AttributeValue.typeNames.contains(typeName) else {
                throw error("Invalid attribute type name found; type: \(typeName), valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
            }
            return .cond(.attributeType(args[0], args[1]))
        case "begins_with":
            try arity(2)
            try checkNotFunctionMisuse(args)
            for a in args { try checkType(a, allowed: ["S", "B"]) }
            try checkDistinct(name, args[0], args[1])
            return .cond(.beginsWith(args[0], args[1]))
        case "contains":
            try arity(2)
            try checkNotFunctionMisuse(args)
            try checkDistinct(name, args[0], args[1])
            return .cond(.contains(args[0], args[1]))
        case "size":
            try arity(1)
            try checkType(args[0], allowed: ["S", "B", "SS", "NS", "BS", "M", "L"])
            return .operand(.size(args[0]))
        case "if_not_exists":
            try arity(2)
            if kind != .update {
                throw error("The function is not allowed to be used this way in an expression; function: \(name)")
            }
            return .operand(.ifNotExists(try requirePath(args[0]), args[1]))
        default:  // list_append
            try arity(2)
            if kind != .update {
                throw error("The function is not allowed to be used this way in an expression; function: \(name)")
            }
            for a in args { try checkType(a, allowed: ["L"]) }
            return .operand(.listAppend(args[0], args[1]))
        }
    }

    // MARK: Paths and placeholders

    private mutating func parsePath() throws(DynamoDBError) -> DocumentPath {
        var elements: [PathElement] = [.name(try parsePathName())]
        while true {
            if current.isPunct(".") {
                _ = advance()
                elements.append(.name(try parsePathName()))
            } else if current.isPunct("[") {
                _ = advance()
                guard case .integer(let digits) = current.kind, let index = Int(digits) else { throw syntaxError(at: pos) }
                _ = advance()
                try expect("]")
                elements.append(.index(index))
            } else {
                break
            }
            if elements.count > ExpressionLimits.maxPathDepth {
                throw error("The document path has too many nesting levels; nesting levels: \(elements.count)")
            }
        }
        return DocumentPath(elements: elements)
    }

    private mutating func parsePathName() throws(DynamoDBError) -> String {
        switch current.kind {
        case .identifier(let name):
            let upper = name.uppercased()
            if ["AND", "OR", "NOT", "BETWEEN", "IN"].contains(upper) { throw syntaxError(at: pos) }
            if ReservedWords.contains(name) {
                note(error("Attribute name is a reserved keyword; reserved keyword: \(name)"))
            }
            _ = advance()
            return name
        case .name(let placeholder):
            _ = advance()
            guard let resolved = context.names[placeholder] else {
                note(error("An expression attribute name used in the document path is not defined; attribute name: \(placeholder)"))
                return placeholder
            }
            context.usedNames.insert(placeholder)
            return resolved
        default:
            throw syntaxError(at: pos)
        }
    }

    private func resolveValue(_ placeholder: String) throws(DynamoDBError) -> AttributeValue {
        guard let v = context.values[placeholder] else {
            throw error("An expression attribute value used in expression is not defined; attribute value: \(placeholder)")
        }
        context.usedValues.insert(placeholder)
        return v
    }

    // MARK: UpdateExpression

    private mutating func parseUpdateExpression() throws(DynamoDBError) -> UpdateProgram {
        var seen = Set<String>()
        var actions: [UpdateProgram.Action] = []
        while current.kind != .eof {
            guard case .identifier(let word) = current.kind else { throw syntaxError(at: pos) }
            let section = word.uppercased()
            guard ["SET", "REMOVE", "ADD", "DELETE"].contains(section) else { throw syntaxError(at: pos) }
            if seen.contains(section) {
                note(error("The \"\(section)\" section can only be used once in an update expression;"))
            }
            seen.insert(section)
            _ = advance()
            repeat {
                try countOperator()
                let path = try parsePath()
                switch section {
                case "SET":
                    try expect("=")
                    actions.append(.set(path, try parseSetValue()))
                case "REMOVE":
                    actions.append(.remove(path))
                case "ADD", "DELETE":
                    guard case .value(let placeholder) = current.kind else { throw syntaxError(at: pos) }
                    _ = advance()
                    var v = AttributeValue.null
                    var resolved = true
                    do { v = try resolveValue(placeholder) } catch { note(error); resolved = false }
                    let allowed: Set<String> = section == "ADD" ? ["N", "SS", "NS", "BS"] : ["SS", "NS", "BS"]
                    if resolved, !allowed.contains(v.typeName) {
                        note(error("Incorrect operand type for operator or function; operator: \(section), operand type: \(Self.longTypeName(v))"))
                    }
                    actions.append(section == "ADD" ? .add(path, .value(v)) : .delete(path, .value(v)))
                default: break
                }
            } while accept(",")
        }
        do { try checkOverlaps(actions.map(\.path)) } catch { note(error) }
        try throwDeferred()
        return UpdateProgram(actions: actions)
    }

    static func longTypeName(_ v: AttributeValue) -> String {
        switch v {
        case .s: "STRING"
        case .n: "NUMBER"
        case .b: "BINARY"
        case .ss: "STRING SET"
        case .ns: "NUMBER SET"
        case .bs: "BINARY SET"
        case .m: "MAP"
        case .l: "LIST"
        case .null: "NULL"
        case .bool: "BOOLEAN"
        }
    }

    /// SET's right-hand side: operand, or operand + operand, or operand - operand.
    private mutating func parseSetValue() throws(DynamoDBError) -> Operand {
        let left = try parseSetOperand()
        if current.isPunct("+") || current.isPunct("-") {
            let op = advance().text
            try countOperator()
            let right = try parseSetOperand()
            for o in [left, right] {
                if let t = o.literalType, t != "N" {
                    note(error("Incorrect operand type for operator or function; operator or function: \(op), operand type: \(t)"))
                }
            }
            return op == "+" ? .plus(left, right) : .minus(left, right)
        }
        return left
    }

    private mutating func parseSetOperand() throws(DynamoDBError) -> Operand {
        if current.isPunct("(") {
            _ = advance()
            try enter()
            let wasParen = current.isPunct("(")
            let inner = try parseSetValue()
            try expect(")")
            depth -= 1
            if wasParen { note(error("The expression has redundant parentheses;")) }
            return inner
        }
        switch try parseOperandOrFunction() {
        case .operand(let op): return op
        case .cond: throw syntaxError(at: max(0, pos - 1))
        }
    }

    // MARK: Overlap

    /// Paths overlap when one is a prefix of the other; they conflict when one steps into a map
    /// where the other indexes a list. An overlap is reported in preference to a conflict.
    private func checkOverlaps(_ paths: [DocumentPath]) throws(DynamoDBError) {
        guard paths.count > 1 else { return }
        var conflict: DynamoDBError?
        for i in 0..<paths.count {
            for j in 0..<i {
                let a = paths[j].elements, b = paths[i].elements
                var k = 0
                var differ = false
                var conflicting = false
                while k < min(a.count, b.count), !differ, !conflicting {
                    switch (a[k], b[k]) {
                    case (.name(let x), .name(let y)): differ = x != y
                    case (.index(let x), .index(let y)): differ = x != y
                    default: conflicting = true
                    }
                    k += 1
                }
                if conflicting {
                    if conflict == nil {
                        conflict = error("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: \(paths[j]), path two: \(paths[i])")
                    }
                } else if !differ {
                    throw error("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: \(paths[j]), path two: \(paths[i])")
                }
            }
        }
        if let conflict { throw conflict }
    }
}
