/// Evaluates parsed expressions against an item. Never touches storage.
enum Evaluator {
    // MARK: Paths

    static func value(at path: DocumentPath, in item: Item) -> AttributeValue? {
        guard case .name(let root) = path.elements[0], var current = item[root] else { return nil }
        for element in path.elements.dropFirst() {
            switch (element, current) {
            case (.name(let k), .m(let m)):
                guard let next = m[k] else { return nil }
                current = next
            case (.index(let i), .l(let l)):
                guard i < l.count else { return nil }
                current = l[i]
            default:
                return nil
            }
        }
        return current
    }

    // MARK: Conditions

    static func operandValue(_ op: Operand, _ item: Item) -> AttributeValue? {
        switch op {
        case .path(let p): return value(at: p, in: item)
        case .value(let v): return v
        case .size(let inner):
            guard let v = operandValue(inner, item) else { return nil }
            let n: Int
            switch v {
            case .s(let s): n = s.utf8.count
            case .b(let b): n = b.count
            case .ss(let a): n = a.count
            case .ns(let a): n = a.count
            case .bs(let a): n = a.count
            case .m(let m): n = m.count
            case .l(let l): n = l.count
            default: return nil
            }
            return .n(DynamoNumber(n))
        default:
            return nil
        }
    }

    static func evaluate(_ condition: Condition, _ item: Item) -> Bool {
        switch condition {
        case .and(let a, let b): return evaluate(a, item) && evaluate(b, item)
        case .or(let a, let b): return evaluate(a, item) || evaluate(b, item)
        case .not(let a): return !evaluate(a, item)
        case .attributeExists(let p): return value(at: p, in: item) != nil
        case .attributeNotExists(let p): return value(at: p, in: item) == nil
        case .attributeType(let op, let t):
            guard let v = operandValue(op, item), case .s(let name)? = operandValue(t, item) else { return false }
            return v.typeName == name
        case .beginsWith(let a, let b):
            guard let x = operandValue(a, item), let y = operandValue(b, item) else { return false }
            switch (x, y) {
            case (.s(let s), .s(let prefix)): return s.utf8.starts(with: prefix.utf8)
            case (.b(let s), .b(let prefix)): return s.starts(with: prefix)
            default: return false
            }
        case .contains(let a, let b):
            guard let x = operandValue(a, item), let y = operandValue(b, item) else { return false }
            switch (x, y) {
            case (.s(let s), .s(let sub)): return sub.isEmpty || containsBytes(Array(s.utf8), Array(sub.utf8))
            case (.b(let s), .b(let sub)): return sub.isEmpty || containsBytes(s, sub)
            case (.ss(let set), .s(let e)): return set.contains(e)
            case (.ns(let set), .n(let e)): return set.contains(e)
            case (.bs(let set), .b(let e)): return set.contains(e)
            case (.l(let list), _): return list.contains { $0.isEqual(to: y) }
            default: return false
            }
        case .compare(let op, let a, let b):
            let x = operandValue(a, item), y = operandValue(b, item)
            switch op {
            case .eq:
                guard let x, let y else { return false }
                return x.isEqual(to: y)
            case .ne:
                guard let x, let y else { return true }
                return !x.isEqual(to: y)
            default:
                guard let x, let y, let c = AttributeValue.compareScalars(x, y) else { return false }
                switch op {
                case .lt: return c < 0
                case .le: return c <= 0
                case .gt: return c > 0
                default: return c >= 0
                }
            }
        case .between(let a, let lo, let hi):
            guard let x = operandValue(a, item), let l = operandValue(lo, item), let h = operandValue(hi, item),
                  let c1 = AttributeValue.compareScalars(x, l), let c2 = AttributeValue.compareScalars(x, h)
            else { return false }
            return c1 >= 0 && c2 <= 0
        case .inList(let a, let list):
            guard let x = operandValue(a, item) else { return false }
            return list.contains { op in operandValue(op, item).map { x.isEqual(to: $0) } ?? false }
        }
    }

    private static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    // MARK: Projection

    /// Keeps only `paths` of `item` (list elements compacted in index order, as DynamoDB returns them).
    static func project(_ item: Item, _ paths: [DocumentPath]) -> Item {
        let lists = paths.map { ArraySlice($0.elements) }
        return projectMap(item, lists) ?? [:]
    }

    private static func projectMap(_ map: [String: AttributeValue], _ paths: [ArraySlice<PathElement>]) -> [String: AttributeValue]? {
        var groups: [String: [ArraySlice<PathElement>]] = [:]
        for p in paths {
            guard case .name(let n)? = p.first else { continue }
            groups[n, default: []].append(p.dropFirst())
        }
        var out: [String: AttributeValue] = [:]
        for (name, rest) in groups {
            if let v = map[name], let projected = projectValue(v, rest) { out[name] = projected }
        }
        return out.isEmpty ? nil : out
    }

    private static func projectValue(_ value: AttributeValue, _ paths: [ArraySlice<PathElement>]) -> AttributeValue? {
        if paths.contains(where: \.isEmpty) { return value }
        switch value {
        case .m(let m):
            return projectMap(m, paths).map { .m($0) }
        case .l(let l):
            var groups: [Int: [ArraySlice<PathElement>]] = [:]
            for p in paths {
                guard case .index(let i)? = p.first else { continue }
                groups[i, default: []].append(p.dropFirst())
            }
            var out: [AttributeValue] = []
            for i in groups.keys.sorted() where i < l.count {
                if let v = projectValue(l[i], groups[i]!) { out.append(v) }
            }
            return out.isEmpty ? nil : .l(out)
        default:
            return nil
        }
    }
}
