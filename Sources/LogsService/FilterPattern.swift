import AWSCore
import Foundation

/// A CloudWatch Logs filter pattern: either terms for unstructured events or a `{ … }` pattern
/// over JSON events. An empty pattern matches everything.
enum FilterPattern {
    case terms(TermPattern)
    case json(JSONFilterPattern.Expression)

    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") {
            self = .json(try JSONFilterPattern.parse(trimmed))
        } else if trimmed.hasPrefix("[") {
            throw LogsError.invalidParameter("Space-delimited filter patterns ([w1, w2, …]) are not supported by mesh-sandbox.")
        } else {
            self = .terms(TermPattern(trimmed))
        }
    }

    func matches(_ message: String) -> Bool {
        switch self {
        case .terms(let pattern): return pattern.matches(message)
        case .json(let expression):
            // Only events that are JSON objects match a JSON pattern.
            guard message.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{"),
                  case .object(let object)? = try? JSONParser.parse(message) else { return false }
            return expression.matches(.object(object))
        }
    }
}

/// Terms that must all appear (`ERROR timeout`), quoted phrases (`"request failed"`), `-term`
/// exclusions, and `?term` alternatives (any one of them). Case-sensitive, as in CloudWatch Logs.
struct TermPattern {
    var required: [String] = []
    var excluded: [String] = []
    var anyOf: [String] = []

    init(_ text: String) {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle(); continue }
            if c == " ", !quoted {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        for token in tokens {
            if token.hasPrefix("-"), token.count > 1 { excluded.append(String(token.dropFirst())) }
            else if token.hasPrefix("?"), token.count > 1 { anyOf.append(String(token.dropFirst())) }
            else { required.append(token) }
        }
    }

    func matches(_ message: String) -> Bool {
        required.allSatisfy { message.contains($0) }
            && !excluded.contains { message.contains($0) }
            && (anyOf.isEmpty || anyOf.contains { message.contains($0) })
    }
}

/// JSON filter patterns: `{ $.a.b = "v*" }`, `{ $.n >= 5 }`, `{ $.x IS NULL }`, `{ $.x NOT EXISTS }`,
/// `{ $.ok IS TRUE }`, `$.list[0]`, combined with `&&`, `||` and parentheses.
enum JSONFilterPattern {
    indirect enum Expression: Equatable {
        case and(Expression, Expression)
        case or(Expression, Expression)
        case compare(Selector, Operator, Literal)
        case isNull(Selector)
        case notExists(Selector)
        case isBool(Selector, Bool)

        func matches(_ event: JSONValue) -> Bool {
            switch self {
            case .and(let a, let b): return a.matches(event) && b.matches(event)
            case .or(let a, let b): return a.matches(event) || b.matches(event)
            case .isNull(let s): return s.resolve(event)?.isNull == true
            case .notExists(let s): return s.resolve(event) == nil
            case .isBool(let s, let b): return s.resolve(event)?.boolValue == b
            case .compare(let s, let op, let literal):
                guard let value = s.resolve(event) else { return false }
                return op.holds(value, literal)
            }
        }
    }

    enum Step: Equatable {
        case member(String)
        case index(Int)
    }

    struct Selector: Equatable {
        var steps: [Step]

        func resolve(_ value: JSONValue) -> JSONValue? {
            var current = value
            for step in steps {
                switch step {
                case .member(let name): guard let next = current.objectValue?[name] else { return nil }; current = next
                case .index(let i):
                    guard let array = current.arrayValue, array.indices.contains(i) else { return nil }
                    current = array[i]
                }
            }
            return current
        }
    }

    enum Literal: Equatable {
        case string(String)
        case number(Double)
    }

    enum Operator: String, Equatable {
        case eq = "=", ne = "!=", lt = "<", gt = ">", le = "<=", ge = ">="

        func holds(_ value: JSONValue, _ literal: Literal) -> Bool {
            switch (self, literal) {
            case (.eq, .string(let s)): return value.scalarMatches(s)
            case (.ne, .string(let s)): return !value.scalarMatches(s)
            case (_, .number(let n)):
                guard let v = value.doubleValue else { return self == .ne }
                switch self {
                case .eq: return v == n
                case .ne: return v != n
                case .lt: return v < n
                case .gt: return v > n
                case .le: return v <= n
                case .ge: return v >= n
                }
            case (.lt, .string), (.gt, .string), (.le, .string), (.ge, .string): return false
            }
        }
    }

    static func parse(_ text: String) throws -> Expression {
        var parser = Parser(tokens: try tokenize(text))
        guard parser.take() == .open else { throw invalid }
        let expression = try parser.or()
        guard parser.take() == .close, parser.peek == nil else { throw invalid }
        return expression
    }

    static let invalid = LogsError.invalidParameter("Invalid filter pattern")

    enum Token: Equatable {
        case open, close, lparen, rparen, and, or
        case op(Operator)
        case selector(Selector)
        case string(String)
        case word(String)
    }

    static func tokenize(_ text: String) throws -> [Token] {
        let chars = Array(text)
        var i = 0
        var out: [Token] = []
        func peek(_ offset: Int = 0) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n": i += 1
            case "{": out.append(.open); i += 1
            case "}": out.append(.close); i += 1
            case "(": out.append(.lparen); i += 1
            case ")": out.append(.rparen); i += 1
            case "&" where peek(1) == "&": out.append(.and); i += 2
            case "|" where peek(1) == "|": out.append(.or); i += 2
            case "!" where peek(1) == "=": out.append(.op(.ne)); i += 2
            case "<", ">":
                let withEq = peek(1) == "="
                out.append(.op(c == "<" ? (withEq ? .le : .lt) : (withEq ? .ge : .gt)))
                i += withEq ? 2 : 1
            case "=": out.append(.op(.eq)); i += 1
            case "\"":
                var s = ""
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    s.append(chars[i]); i += 1
                }
                guard i < chars.count else { throw invalid }
                i += 1
                out.append(.string(s))
            case "$":
                i += 1
                var steps: [Step] = []
                while let d = peek(), d == "." || d == "[" {
                    i += 1
                    if d == "." {
                        var name = ""
                        while let n = peek(), n.isLetter || n.isNumber || n == "_" || n == "-" || n == "@" || n == ":" { name.append(n); i += 1 }
                        guard !name.isEmpty else { throw invalid }
                        steps.append(.member(name))
                    } else {
                        var digits = ""
                        while let n = peek(), n.isNumber { digits.append(n); i += 1 }
                        guard peek() == "]", let index = Int(digits) else { throw invalid }
                        i += 1
                        steps.append(.index(index))
                    }
                }
                guard !steps.isEmpty else { throw invalid }
                out.append(.selector(Selector(steps: steps)))
            default:
                var word = ""
                while let n = peek(), !" \t\n{}()=!<>&|\"".contains(n) { word.append(n); i += 1 }
                guard !word.isEmpty else { throw invalid }
                out.append(.word(word))
            }
        }
        return out
    }

    struct Parser {
        var tokens: [Token]
        var position = 0

        var peek: Token? { position < tokens.count ? tokens[position] : nil }
        mutating func take() -> Token? {
            defer { position += 1 }
            return peek
        }

        mutating func or() throws -> Expression {
            var left = try and()
            while peek == .or { position += 1; left = .or(left, try and()) }
            return left
        }

        mutating func and() throws -> Expression {
            var left = try primary()
            while peek == .and { position += 1; left = .and(left, try primary()) }
            return left
        }

        mutating func primary() throws -> Expression {
            guard let token = take() else { throw JSONFilterPattern.invalid }
            switch token {
            case .lparen:
                let inner = try or()
                guard take() == .rparen else { throw JSONFilterPattern.invalid }
                return inner
            case .selector(let selector):
                guard let next = take() else { throw JSONFilterPattern.invalid }
                switch next {
                case .op(let op):
                    guard let operand = take() else { throw JSONFilterPattern.invalid }
                    switch operand {
                    case .string(let s): return .compare(selector, op, .string(s))
                    case .word(let w):
                        if let n = Double(w) { return .compare(selector, op, .number(n)) }
                        guard op == .eq || op == .ne else { throw JSONFilterPattern.invalid }
                        return .compare(selector, op, .string(w))
                    default: throw JSONFilterPattern.invalid
                    }
                case .word(let w) where w.uppercased() == "IS":
                    guard case .word(let what)? = take() else { throw JSONFilterPattern.invalid }
                    switch what.uppercased() {
                    case "NULL": return .isNull(selector)
                    case "TRUE": return .isBool(selector, true)
                    case "FALSE": return .isBool(selector, false)
                    default: throw JSONFilterPattern.invalid
                    }
                case .word(let w) where w.uppercased() == "NOT":
                    guard case .word(let what)? = take(), what.uppercased() == "EXISTS" else { throw JSONFilterPattern.invalid }
                    return .notExists(selector)
                default: throw JSONFilterPattern.invalid
                }
            default: throw JSONFilterPattern.invalid
            }
        }
    }
}

extension JSONValue {
    /// `=` against a pattern string: the value's text, with `*` in the pattern matching any run of characters.
    fileprivate func scalarMatches(_ pattern: String) -> Bool {
        let text: String
        switch self {
        case .string(let s): text = s
        case .number(let n): text = n
        case .bool(let b): text = b ? "true" : "false"
        case .null, .array, .object, .timestamp: return false
        }
        guard pattern.contains("*") else { return text == pattern }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
