import GraphQL
import OrderedCollections

/// Small helpers over GraphQLSwift's type wrappers.
enum GraphQLTypeText {
    /// `[Group!]!` style text of a type.
    static func text(_ type: any GraphQLType) -> String {
        if let t = type as? GraphQLNonNull { return text(t.ofType) + "!" }
        if let t = type as? GraphQLList { return "[" + text(t.ofType) + "]" }
        return (type as? any GraphQLNamedType)?.name ?? "\(type)"
    }

    static func named(_ type: any GraphQLType) -> String {
        getNamedType(type: type)?.name ?? text(type)
    }

    /// The fields of an object or interface type, or nil for other kinds.
    static func fields(of type: (any GraphQLNamedType)?) -> GraphQLFieldMap? {
        if let t = type as? GraphQLObjectType { return try? t.fields() }
        if let t = type as? GraphQLInterfaceType { return try? t.fields() }
        return nil
    }

    static func isComposite(_ type: (any GraphQLNamedType)?) -> Bool {
        type is GraphQLObjectType || type is GraphQLInterfaceType || type is GraphQLUnionType
    }

    /// `(line, column)` of a node's start.
    static func location(_ loc: Location?) -> (line: Int, column: Int)? {
        loc.map { ($0.startToken.line, $0.startToken.column) }
    }
}
