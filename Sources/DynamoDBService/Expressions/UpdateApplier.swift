/// Applies a parsed UpdateExpression to an item. All right-hand sides are evaluated against the
/// item as it was before the update, as DynamoDB does.
enum UpdateApplier {
    static let invalidPath = DynamoDBError.validation("The document path provided in the update expression is invalid for update")
    static let missingAttribute = DynamoDBError.validation("The provided expression refers to an attribute that does not exist in the item")
    static let wrongType = DynamoDBError.validation("An operand in the update expression has an incorrect data type")

    static func apply(_ program: UpdateProgram, to old: Item) throws(DynamoDBError) -> Item {
        // Evaluate every SET value first, against the old item.
        var computed: [AttributeValue?] = []
        for action in program.actions {
            if case .set(_, let op) = action {
                computed.append(try evaluate(op, old))
            } else {
                computed.append(nil)
            }
        }
        var item = old
        // REMOVEs of list elements run last, from the highest index down, so the other paths
        // (which never overlap them) still point at the elements they named.
        func removedIndex(_ i: Int) -> Int? {
            if case .remove(let p) = program.actions[i], case .index(let n)? = p.elements.last { return n }
            return nil
        }
        let indexRemoves = program.actions.indices.filter { removedIndex($0) != nil }
            .sorted { removedIndex($0)! > removedIndex($1)! }
        let order = program.actions.indices.filter { removedIndex($0) == nil } + indexRemoves
        for i in order {
            switch program.actions[i] {
            case .set(let path, _):
                try set(computed[i]!, at: path, in: &item)
            case .remove(let path):
                try remove(path, from: &item)
            case .add(let path, let op):
                guard case .value(let v) = op else { throw wrongType }
                let current = Evaluator.value(at: path, in: old)
                let result: AttributeValue
                switch (current, v) {
                case (nil, .n), (nil, .ss), (nil, .ns), (nil, .bs): result = v
                case (.n(let a)?, .n(let b)): result = .n(try checkedNumber(a + b))
                case (.ss(let a)?, .ss(let b)): result = .ss(a + b.filter { !a.contains($0) })
                case (.ns(let a)?, .ns(let b)): result = .ns(a + b.filter { !a.contains($0) })
                case (.bs(let a)?, .bs(let b)): result = .bs(a + b.filter { !a.contains($0) })
                default: throw wrongType
                }
                try set(result, at: path, in: &item)
            case .delete(let path, let op):
                guard case .value(let v) = op else { throw wrongType }
                guard let current = Evaluator.value(at: path, in: old) else { continue }
                let result: AttributeValue?
                switch (current, v) {
                case (.ss(let a), .ss(let b)): let r = a.filter { !b.contains($0) }; result = r.isEmpty ? nil : .ss(r)
                case (.ns(let a), .ns(let b)): let r = a.filter { !b.contains($0) }; result = r.isEmpty ? nil : .ns(r)
                case (.bs(let a), .bs(let b)): let r = a.filter { !b.contains($0) }; result = r.isEmpty ? nil : .bs(r)
                default: throw wrongType
                }
                if let result { try set(result, at: path, in: &item) } else { try remove(path, from: &item) }
            }
        }
        // Values were each within the limit; placing one inside another may not be.
        for root in Set(program.actions.map(\.path.root)) where (item[root]?.nestingDepth ?? 0) > AttributeValue.maxDepth {
            throw AttributeValue.nestingError
        }
        return item
    }

    static func checkedNumber(_ n: DynamoNumber) throws(DynamoDBError) -> DynamoNumber {
        do {
            try n.checkLimits()
        } catch {
            throw .validation(DynamoNumber.message(for: error, text: n.description))
        }
        return n
    }

    static func evaluate(_ op: Operand, _ item: Item) throws(DynamoDBError) -> AttributeValue {
        switch op {
        case .value(let v): return v
        case .path(let p):
            guard let v = Evaluator.value(at: p, in: item) else { throw missingAttribute }
            return v
        case .size:
            guard let v = Evaluator.operandValue(op, item) else { throw missingAttribute }
            return v
        case .ifNotExists(let p, let fallback):
            if let v = Evaluator.value(at: p, in: item) { return v }
            return try evaluate(fallback, item)
        case .listAppend(let a, let b):
            guard case .l(let x) = try evaluate(a, item), case .l(let y) = try evaluate(b, item) else { throw wrongType }
            return .l(x + y)
        case .plus(let a, let b), .minus(let a, let b):
            guard case .n(let x) = try evaluate(a, item), case .n(let y) = try evaluate(b, item) else { throw wrongType }
            if case .plus = op { return .n(try checkedNumber(x + y)) }
            return .n(try checkedNumber(x - y))
        }
    }

    // MARK: Path writes

    static func set(_ value: AttributeValue, at path: DocumentPath, in item: inout Item) throws(DynamoDBError) {
        let root = path.root
        if path.elements.count == 1 {
            item[root] = value
            return
        }
        guard var container = item[root] else { throw invalidPath }
        try set(value, at: path.elements.dropFirst(), in: &container)
        item[root] = container
    }

    private static func set(_ value: AttributeValue, at path: ArraySlice<PathElement>, in container: inout AttributeValue) throws(DynamoDBError) {
        let head = path.first!
        let rest = path.dropFirst()
        switch (head, container) {
        case (.name(let k), .m(var m)):
            if rest.isEmpty {
                m[k] = value
            } else {
                guard var child = m[k] else { throw invalidPath }
                try set(value, at: rest, in: &child)
                m[k] = child
            }
            container = .m(m)
        case (.index(let i), .l(var l)):
            if rest.isEmpty {
                if i < l.count { l[i] = value } else { l.append(value) }
            } else {
                guard i < l.count else { throw invalidPath }
                var child = l[i]
                try set(value, at: rest, in: &child)
                l[i] = child
            }
            container = .l(l)
        default:
            throw invalidPath
        }
    }

    static func remove(_ path: DocumentPath, from item: inout Item) throws(DynamoDBError) {
        let root = path.root
        if path.elements.count == 1 {
            item[root] = nil
            return
        }
        guard var container = item[root] else { return }
        try remove(path.elements.dropFirst(), from: &container)
        item[root] = container
    }

    private static func remove(_ path: ArraySlice<PathElement>, from container: inout AttributeValue) throws(DynamoDBError) {
        let head = path.first!
        let rest = path.dropFirst()
        switch (head, container) {
        case (.name(let k), .m(var m)):
            if rest.isEmpty {
                m[k] = nil
            } else {
                guard var child = m[k] else { return }
                try remove(rest, from: &child)
                m[k] = child
            }
            container = .m(m)
        case (.index(let i), .l(var l)):
            guard i < l.count else { return }
            if rest.isEmpty {
                l.remove(at: i)
            } else {
                var child = l[i]
                try remove(rest, from: &child)
                l[i] = child
            }
            container = .l(l)
        default:
            throw invalidPath
        }
    }
}
