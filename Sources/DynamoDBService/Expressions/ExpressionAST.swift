/// One step of a document path: a map key or a list index.
enum PathElement: Hashable {
    case name(String)
    case index(Int)
}

/// A resolved document path (`a.b[3].c`, placeholders already substituted).
struct DocumentPath: Hashable, CustomStringConvertible {
    var elements: [PathElement]

    var root: String {
        if case .name(let n) = elements[0] { return n }
        return ""
    }

    /// AWS's rendering in messages: `[a, b, [3]]`.
    var description: String {
        "[" + elements.map { e in
            switch e {
            case .name(let n): n
            case .index(let i): "[\(i)]"
            }
        }.joined(separator: ", ") + "]"
    }
}

/// A value-producing term.
indirect enum Operand {
    case path(DocumentPath)
    case value(AttributeValue)
    case size(Operand)
    case ifNotExists(DocumentPath, Operand)
    case listAppend(Operand, Operand)
    case plus(Operand, Operand)
    case minus(Operand, Operand)

    /// The static type of a literal operand, for parse-time checks.
    var literalType: String? {
        switch self {
        case .value(let v): v.typeName
        case .size: "N"
        default: nil
        }
    }
}

enum Comparator: String {
    case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// A boolean condition (ConditionExpression, FilterExpression, KeyConditionExpression).
indirect enum Condition {
    case compare(Comparator, Operand, Operand)
    case between(Operand, Operand, Operand)
    case inList(Operand, [Operand])
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)
    case attributeExists(DocumentPath)
    case attributeNotExists(DocumentPath)
    case attributeType(Operand, Operand)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
}

/// A parsed UpdateExpression.
struct UpdateProgram {
    enum Action {
        case set(DocumentPath, Operand)
        case remove(DocumentPath)
        case add(DocumentPath, Operand)
        case delete(DocumentPath, Operand)

        var path: DocumentPath {
            switch self {
            case .set(let p, _), .remove(let p), .add(let p, _), .delete(let p, _): p
            }
        }
    }

    var actions: [Action]
}
