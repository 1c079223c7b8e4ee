import AWSCore
import GraphQL
import OrderedCollections

/// A subscriber's selection set compiled against the schema, to shape published mutation
/// results without running the executor per subscriber.
///
/// Supports aliases, nested objects, lists, inline fragments, fragment spreads and `__typename`.
/// Fields the mutation caller did not select are null; a null in a non-null position nulls the
/// nearest nullable parent and adds graphql-java's error, as AppSync does.
final class SubscriptionProjection: Sendable {
    indirect enum Shape: Sendable {
        case nonNull(Shape)
        case list(Shape)
        case leaf(typeName: String)
        case object(typeName: String, fields: [Node])
    }

    struct Node: Sendable {
        let responseKey: String
        let fieldName: String
        let shape: Shape
    }

    /// The subscription field's response key and name.
    let root: Node

    init(root: Node) { self.root = root }

    /// Compiles the subscription field `field` (from the operation) whose definition is `definition`.
    static func compile(field: Field, definition: GraphQLField, schema: GraphQLSchema, fragments: [String: FragmentDefinition]) -> SubscriptionProjection {
        SubscriptionProjection(root: node(field, type: definition.type, schema: schema, fragments: fragments))
    }

    private static func node(_ field: Field, type: any GraphQLType, schema: GraphQLSchema, fragments: [String: FragmentDefinition]) -> Node {
        Node(responseKey: field.alias?.value ?? field.name.value, fieldName: field.name.value,
             shape: shape(type, selections: field.selectionSet.map { [$0] } ?? [], schema: schema, fragments: fragments))
    }

    private static func shape(_ type: any GraphQLType, selections: [SelectionSet], schema: GraphQLSchema, fragments: [String: FragmentDefinition]) -> Shape {
        if let t = type as? GraphQLNonNull { return .nonNull(shape(t.ofType, selections: selections, schema: schema, fragments: fragments)) }
        if let t = type as? GraphQLList { return .list(shape(t.ofType, selections: selections, schema: schema, fragments: fragments)) }
        let named = getNamedType(type: type)
        guard let fieldMap = GraphQLTypeText.fields(of: named) else { return .leaf(typeName: named?.name ?? "") }
        var nodes: [Node] = []
        var index: [String: Int] = [:]
        func add(_ set: SelectionSet) {
            for selection in set.selections {
                if let field = selection as? Field {
                    let key = field.alias?.value ?? field.name.value
                    let fieldType: any GraphQLType = field.name.value == "__typename" ? GraphQLNonNull(GraphQLString) : (fieldMap[field.name.value]?.type ?? GraphQLString)
                    let built = node(field, type: fieldType, schema: schema, fragments: fragments)
                    if let i = index[key] {
                        nodes[i] = merge(nodes[i], built)
                    } else {
                        index[key] = nodes.count
                        nodes.append(built)
                    }
                } else if let inline = selection as? InlineFragment {
                    add(inline.selectionSet)
                } else if let spread = selection as? FragmentSpread, let fragment = fragments[spread.name.value] {
                    add(fragment.selectionSet)
                }
            }
        }
        selections.forEach(add)
        return .object(typeName: named?.name ?? "", fields: nodes)
    }

    private static func merge(_ a: Node, _ b: Node) -> Node {
        func mergeShape(_ x: Shape, _ y: Shape) -> Shape {
            switch (x, y) {
            case (.nonNull(let i), .nonNull(let j)): return .nonNull(mergeShape(i, j))
            case (.list(let i), .list(let j)): return .list(mergeShape(i, j))
            case (.object(let name, let f), .object(_, let g)):
                var fields = f
                for n in g {
                    if let i = fields.firstIndex(where: { $0.responseKey == n.responseKey }) { fields[i] = merge(fields[i], n) } else { fields.append(n) }
                }
                return .object(typeName: name, fields: fields)
            case (.nonNull, _), (.list, _), (.leaf, _), (.object, _): return x
            }
        }
        return Node(responseKey: a.responseKey, fieldName: a.fieldName, shape: mergeShape(a.shape, b.shape))
    }

    /// The `payload` of a `data` message: `{"data": {<key>: …}}`, plus `errors` for null violations.
    func payload(for value: JSONObject) -> JSONValue {
        var errors: [JSONValue] = []
        let projected = absorb(project(.object(value), shape: root.shape, parent: "Subscription", path: [root.responseKey], errors: &errors),
                               root.shape)
        var out = JSONObject()
        out["data"] = projected.map { [root.responseKey: $0] } ?? .null
        if !errors.isEmpty { out["errors"] = .array(errors) }
        return .object(out)
    }

    /// nil means "null in a non-null position": the caller nulls itself or propagates further.
    private func project(_ value: JSONValue?, shape: Shape, parent: String, path: [String], errors: inout [JSONValue]) -> JSONValue? {
        switch shape {
        case .nonNull(let inner):
            let result = project(value, shape: inner, parent: parent, path: path, errors: &errors)
            if result == .null {
                errors.append([
                    "path": .array(path.map { .string($0) }), "locations": .null,
                    "message": .string("Cannot return null for non-nullable type: '\(Self.typeName(inner))' within parent '\(parent)' (/\(path.joined(separator: "/")))"),
                ])
                return nil
            }
            return result
        case .list(let inner):
            guard case .array(let items)? = value else { return .null }
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let v = absorb(project(item, shape: inner, parent: parent, path: path + [String(i)], errors: &errors), inner) else {
                    return nil
                }
                out.append(v)
            }
            return .array(out)
        case .leaf:
            return value ?? .null
        case .object(let typeName, let fields):
            guard case .object(let object)? = value else { return .null }
            var out = JSONObject()
            for field in fields {
                if field.fieldName == "__typename" {
                    out[field.responseKey] = .string(typeName)
                    continue
                }
                let projected = project(object[field.fieldName], shape: field.shape, parent: typeName, path: path + [field.responseKey], errors: &errors)
                guard let v = absorb(projected, field.shape) else { return nil }
                out[field.responseKey] = v
            }
            return .object(out)
        }
    }

    /// A nullable position turns a propagating null into null; a non-null one passes it on.
    private func absorb(_ value: JSONValue?, _ shape: Shape) -> JSONValue? {
        if let value { return value }
        if case .nonNull = shape { return nil }
        return .null
    }

    private static func typeName(_ shape: Shape) -> String {
        switch shape {
        case .nonNull(let inner): typeName(inner)
        case .list(let inner): "[\(typeName(inner))]"
        case .leaf(let name), .object(let name, _): name
        }
    }
}
