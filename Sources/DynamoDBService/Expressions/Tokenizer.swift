/// Which expression parameter is being parsed: names the parameter in error messages.
enum ExpressionKind: String, Sendable {
    case condition = "ConditionExpression"
    case filter = "FilterExpression"
    case keyCondition = "KeyConditionExpression"
    case update = "UpdateExpression"
    case projection = "ProjectionExpression"
}

/// One lexical token, with its byte span in the expression for "near:" messages.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case name(String)  // #name
        case value(String)  // :value
        case integer(String)
        case punct(String)  // ( ) [ ] , . = <> < <= > >= + -
        /// A character no token starts with: always a syntax error where the parser meets it.
        case invalid(String)
        case eof
    }

    let kind: Kind
    let start: Int
    let end: Int

    var text: String {
        switch kind {
        case .identifier(let s), .name(let s), .value(let s), .integer(let s), .punct(let s), .invalid(let s): s
        case .eof: "<EOF>"
        }
    }

    func isKeyword(_ word: String) -> Bool {
        if case .identifier(let s) = kind { return s.uppercased() == word }
        return false
    }

    func isPunct(_ p: String) -> Bool { kind == .punct(p) }
}

/// Limits checked before and while parsing, so hostile input fails fast.
enum ExpressionLimits {
    static let maxExpressionBytes = 4096
    /// Parentheses/function nesting allowed while parsing (AWS's operator limit is 300).
    static let maxNesting = 300
    static let maxOperators = 300
    static let maxPathDepth = 32
}

/// Splits an expression into tokens. Shared by every expression kind.
struct Tokenizer {
    let source: [UInt8]
    let kind: ExpressionKind

    init(_ text: String, kind: ExpressionKind) {
        source = Array(text.utf8)
        self.kind = kind
    }

    /// Names start with a letter (DynamoDB's lexer rejects a leading `_` or digit).
    static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }
    static func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) || c == 95 }

    func tokenize() -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let s = source
        while i < s.count {
            let c = s[i]
            if c == 32 || c == 9 || c == 10 || c == 13 {
                i += 1
                continue
            }
            let start = i
            if Self.isIdentStart(c) {
                while i < s.count, Self.isIdentPart(s[i]) { i += 1 }
                tokens.append(Token(kind: .identifier(text(start, i)), start: start, end: i))
            } else if c >= 48 && c <= 57 {
                while i < s.count, s[i] >= 48 && s[i] <= 57 { i += 1 }
                // `1a` is a syntax error, as an identifier can't start with a digit.
                tokens.append(Token(kind: .integer(text(start, i)), start: start, end: i))
            } else if c == UInt8(ascii: "#") || c == UInt8(ascii: ":") {
                i += 1
                while i < s.count, Self.isIdentPart(s[i]) { i += 1 }
                let t = text(start, i)
                tokens.append(Token(kind: c == UInt8(ascii: "#") ? .name(t) : .value(t), start: start, end: i))
            } else {
                let two = i + 1 < s.count ? text(i, i + 2) : ""
                if two == "<=" || two == ">=" || two == "<>" {
                    i += 2
                    tokens.append(Token(kind: .punct(two), start: start, end: i))
                } else if "()[],.=<>+-".utf8.contains(c) {
                    i += 1
                    tokens.append(Token(kind: .punct(text(start, i)), start: start, end: i))
                } else {
                    // One whole UTF-8 scalar.
                    i += 1
                    while i < s.count, s[i] & 0xC0 == 0x80 { i += 1 }
                    tokens.append(Token(kind: .invalid(text(start, i)), start: start, end: i))
                }
            }
        }
        tokens.append(Token(kind: .eof, start: s.count, end: s.count))
        return tokens
    }

    func text(_ a: Int, _ b: Int) -> String { String(decoding: source[a..<b], as: UTF8.self) }
}
