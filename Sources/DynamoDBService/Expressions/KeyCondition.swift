/// A KeyConditionExpression reduced to what storage needs: the partition key value and an
/// optional sort-key range.
struct KeyCondition {
    enum Range {
        case eq([UInt8])
        case lt([UInt8]), le([UInt8]), gt([UInt8]), ge([UInt8])
        case between([UInt8], [UInt8])
        case beginsWith([UInt8])
    }

    var hashBytes: [UInt8]
    var range: Range?

    static func extract(_ condition: Condition, hashKey: KeyAttribute, rangeKey: KeyAttribute?) throws(DynamoDBError) -> KeyCondition {
        var parts: [Condition] = []
        func flatten(_ c: Condition) throws(DynamoDBError) {
            switch c {
            case .and(let a, let b):
                try flatten(a)
                try flatten(b)
            case .or: throw .validation("Invalid operator used in KeyConditionExpression: OR")
            case .not: throw .validation("Invalid operator used in KeyConditionExpression: NOT")
            case .inList: throw .validation("Invalid operator used in KeyConditionExpression: IN")
            case .attributeExists: throw .validation("Invalid operator used in KeyConditionExpression: attribute_exists")
            case .attributeNotExists: throw .validation("Invalid operator used in KeyConditionExpression: attribute_not_exists")
            case .attributeType: throw .validation("Invalid operator used in KeyConditionExpression: attribute_type")
            case .contains: throw .validation("Invalid operator used in KeyConditionExpression: contains")
            case .compare(.ne, _, _): throw .validation("Invalid operator used in KeyConditionExpression: <>")
            default: parts.append(c)
            }
        }
        try flatten(condition)
        if parts.count > 2 {
            throw .validation("Conditions can be of length 1 or 2 only")
        }
        var hash: [UInt8]?
        var range: Range?
        for part in parts {
            let (name, build) = try keyPart(part)
            if name == hashKey.name {
                guard case .eq(let v) = try build(hashKey.type) else {
                    throw .validation("Query key condition not supported")
                }
                if hash != nil { throw .validation("KeyConditionExpressions must only contain one condition per key") }
                hash = v
            } else if let rangeKey, name == rangeKey.name {
                if range != nil { throw .validation("KeyConditionExpressions must only contain one condition per key") }
                range = try build(rangeKey.type)
            } else {
                throw .validation("Query key condition not supported")
            }
        }
        guard let hash else { throw .validation("Query condition missed key schema element: \(hashKey.name)") }
        func checkNotEmpty(_ bytes: [UInt8], _ key: KeyAttribute) throws(DynamoDBError) {
            if bytes.isEmpty {
                throw .validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty \(key.type == "B" ? "binary" : "string") value. Key: \(key.name)")
            }
        }
        try checkNotEmpty(hash, hashKey)
        if let range, let rangeKey {
            switch range {
            case .eq(let v), .lt(let v), .le(let v), .gt(let v), .ge(let v), .beginsWith(let v): try checkNotEmpty(v, rangeKey)
            case .between(let a, let b):
                try checkNotEmpty(a, rangeKey)
                try checkNotEmpty(b, rangeKey)
            }
        }
        return KeyCondition(hashBytes: hash, range: range)
    }

    /// The attribute a key-condition part constrains, and a builder for its range given the key type.
    private static func keyPart(_ c: Condition) throws(DynamoDBError) -> (String, (String) throws(DynamoDBError) -> Range) {
        func name(_ op: Operand) throws(DynamoDBError) -> String {
            guard case .path(let p) = op else { throw .validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition") }
            guard p.elements.count == 1 else {
                throw .validation("KeyConditionExpressions cannot have conditions on nested attributes")
            }
            return p.root
        }
        func bytes(_ op: Operand, _ type: String) throws(DynamoDBError) -> [UInt8] {
            guard case .value(let v) = op else { throw .validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition") }
            guard v.typeName == type, let b = v.keyBytes else {
                throw DynamoDBError.invalidParameter("Condition parameter type does not match schema type")
            }
            return b
        }
        switch c {
        case .compare(let op, let a, let b):
            var (pathSide, valueSide, comparator) = (a, b, op)
            if case .value = a {
                (pathSide, valueSide) = (b, a)
                switch op {
                case .lt: comparator = .gt
                case .le: comparator = .ge
                case .gt: comparator = .lt
                case .ge: comparator = .le
                default: break
                }
            }
            let n = try name(pathSide)
            return (n, { (type: String) throws(DynamoDBError) -> Range in
                let v = try bytes(valueSide, type)
                switch comparator {
                case .eq: return .eq(v)
                case .lt: return .lt(v)
                case .le: return .le(v)
                case .gt: return .gt(v)
                case .ge: return .ge(v)
                case .ne: throw .validation("Invalid operator used in KeyConditionExpression: <>")
                }
            })
        case .between(let a, let lo, let hi):
            let n = try name(a)
            return (n, { (type: String) throws(DynamoDBError) -> Range in .between(try bytes(lo, type), try bytes(hi, type)) })
        case .beginsWith(let a, let b):
            let n = try name(a)
            return (n, { (type: String) throws(DynamoDBError) -> Range in
                if type == "N" {
                    throw .validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
                }
                return .beginsWith(try bytes(b, type))
            })
        default:
            throw .validation("Query key condition not supported")
        }
    }
}
