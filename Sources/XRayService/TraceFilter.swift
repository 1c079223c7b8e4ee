import Foundation

/// X-Ray filter expressions, the simple cases: clauses joined by `AND` / `&&` among `ok`,
/// `error`, `fault`, `throttle` (each negatable with `!`), `service("name")`,
/// `duration` / `responsetime` compared with a number, `http.status = n` and
/// `http.url CONTAINS "text"`. Anything else is rejected with a clear message.
struct TraceFilter {
    private var clauses: [(TraceView) -> Bool] = []

    init(_ text: String?) throws {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        let parts = text.replacingOccurrences(of: "&&", with: " AND ")
            .components(separatedBy: " AND ").flatMap { $0.components(separatedBy: " and ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        clauses = try parts.map(Self.clause)
    }

    func matches(_ trace: TraceView) -> Bool { clauses.allSatisfy { $0(trace) } }

    static func unsupported(_ clause: String) -> XRayError {
        .invalidRequest("Invalid filter expression: mesh-sandbox supports ok, error, fault, throttle, service(\"name\"), duration/responsetime comparisons, http.status and http.url CONTAINS joined by AND; got '\(clause)'.")
    }

    static func clause(_ raw: String) throws -> (TraceView) -> Bool {
        var text = raw
        var negate = false
        if text.hasPrefix("!") { negate = true; text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
        let test = try positive(text, raw: raw)
        return negate ? { !test($0) } : test
    }

    private static func positive(_ text: String, raw: String) throws -> (TraceView) -> Bool {
        switch text.lowercased() {
        case "ok": return { !$0.hasError && !$0.hasFault && !$0.hasThrottle }
        case "error": return { $0.hasError }
        case "fault": return { $0.hasFault }
        case "throttle": return { $0.hasThrottle }
        default: break
        }
        if text.hasPrefix("service("), text.hasSuffix(")") {
            let name = text.dropFirst("service(".count).dropLast().trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            return { trace in trace.services.contains { $0.name == name } }
        }
        let words = text.split(separator: " ", maxSplits: 2).map(String.init)
        guard words.count == 3 else { throw unsupported(raw) }
        let (subject, op, operand) = (words[0].lowercased(), words[1], words[2].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        if subject == "http.url", op.uppercased() == "CONTAINS" { return { $0.httpURL?.contains(operand) ?? false } }
        guard let number = Double(operand), let compare = comparison(op) else { throw unsupported(raw) }
        switch subject {
        case "duration": return { compare($0.duration, number) }
        case "responsetime": return { compare($0.responseTime, number) }
        case "http.status": return { $0.httpStatus.map { compare(Double($0), number) } ?? false }
        default: throw unsupported(raw)
        }
    }

    private static func comparison(_ op: String) -> ((Double, Double) -> Bool)? {
        switch op {
        case "=", "==": { $0 == $1 }
        case "!=": { $0 != $1 }
        case "<": { $0 < $1 }
        case "<=": { $0 <= $1 }
        case ">": { $0 > $1 }
        case ">=": { $0 >= $1 }
        default: nil
        }
    }
}
