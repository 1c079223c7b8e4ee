import Foundation
import GraphQL
import OrderedCollections

/// Builds a GraphQLSwift schema from an AppSync SDL.
///
/// AppSync predefines its scalars and directives, so schemas use them without declaring them;
/// the builder appends a declaration for each one the SDL does not declare itself (appending
/// keeps line numbers in error messages right), then installs the scalars' checks.
enum AppSyncSchemaBuilder {
    struct Compiled {
        let schema: GraphQLSchema
        let document: Document
        var typeCount: Int { schema.typeMap.keys.filter { !$0.hasPrefix("__") }.count }
    }

    static let directiveDeclarations: [(name: String, sdl: String)] = [
        ("aws_subscribe", "directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION"),
        ("aws_publish", "directive @aws_publish(subscriptions: [String]) on FIELD_DEFINITION"),
        ("aws_api_key", "directive @aws_api_key on FIELD_DEFINITION | OBJECT"),
        ("aws_iam", "directive @aws_iam on FIELD_DEFINITION | OBJECT"),
        ("aws_oidc", "directive @aws_oidc on FIELD_DEFINITION | OBJECT"),
        ("aws_lambda", "directive @aws_lambda on FIELD_DEFINITION | OBJECT"),
        ("aws_cognito_user_pools", "directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT"),
        ("aws_auth", "directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION"),
    ]

    /// The SDL plus declarations of the AppSync scalars and directives it uses without declaring.
    static func withPrelude(_ sdl: String) throws -> String {
        let document = try parse(source: Source(body: sdl, name: "schema.graphql"))
        var scalars = Set<String>()
        var directives = Set<String>()
        for definition in document.definitions {
            if let s = definition as? ScalarTypeDefinition { scalars.insert(s.name.value) }
            if let d = definition as? DirectiveDefinition { directives.insert(d.name.value) }
        }
        var prelude = AppSyncScalars.names.filter { !scalars.contains($0) }.map { "scalar \($0)" }
        prelude += directiveDeclarations.filter { !directives.contains($0.name) }.map(\.sdl)
        return sdl + "\n" + prelude.joined(separator: "\n") + "\n"
    }

    static func build(sdl: String) throws -> Compiled {
        // Patch the shared introspection types before any schema touches (and caches) them: a
        // concurrent build could otherwise cache the unpatched fields over the patch.
        IntrospectionPatch.apply()
        let full = try withPrelude(sdl)
        let document = try parse(source: Source(body: full, name: "schema.graphql"))
        let schema = try buildASTSchema(documentAST: document)
        let problems = validateSchema(schema: schema)
        guard problems.isEmpty else { throw SchemaProblems(messages: problems.map(\.message)) }
        guard schema.queryType != nil else { throw SchemaProblems(messages: ["Schema must define a Query type."]) }
        AppSyncScalars.install(in: schema)
        try memoizeInputFields(schema)
        return Compiled(schema: schema, document: document)
    }

    /// GraphQLSwift re-derives an input object's fields from the SDL on every access (object
    /// types cache theirs; input types do not), which made coercing a mutation's variables most of
    /// its cost. The schema never changes once built, so resolve each map once.
    private static func memoizeInputFields(_ schema: GraphQLSchema) throws {
        for case let type as GraphQLInputObjectType in schema.typeMap.values {
            let fields = try type.fields()
            type.fields = { fields }
        }
    }

    struct SchemaProblems: Error, CustomStringConvertible {
        let messages: [String]
        var description: String { messages.joined(separator: "\n") }
    }

    /// The message `GetSchemaCreationStatus` reports for a failed schema.
    static func describe(_ error: any Error) -> String {
        if let e = error as? GraphQLError {
            let at = e.locations.first.map { " (line \($0.line), column \($0.column))" } ?? ""
            return "Failed to parse schema document - ensure it's a valid SDL-formatted document.\n\(e.message)\(at)"
        }
        return "Schema Creation Status is FAILED with details: \(error)"
    }
}

/// Two fixes to GraphQLSwift 4.3.0's introspection, whose types are process-wide singletons (patched once):
/// - `__InputValue.isDeprecated` has no resolver, so queries with `inputValueDeprecation: true` fail;
/// - `__Type.fields` and `inputFields` come sorted by name, where AppSync (graphql-java) keeps the
///   schema's order, which code generators reproduce.
enum IntrospectionPatch {
    private static let once: Void = {
        // Any schema exposes the shared introspection types.
        guard let schema = try? GraphQLSchema(query: GraphQLObjectType(name: "Query", fields: ["_": GraphQLField(type: GraphQLString)])),
              let inputValue = schema.getType(name: "__InputValue") as? GraphQLObjectType,
              let typeType = schema.getType(name: "__Type") as? GraphQLObjectType
        else { return }
        let originalTypeFields = typeType.fields
        typeType.fields = {
            let fields = try originalTypeFields()
            if let field = fields["fields"], let sorted = field.resolve {
                field.resolve = { source, args, context, info in
                    let result = try await sorted(source, args, context, info)
                    guard let list = result as? [GraphQLFieldDefinition] else { return result }
                    let order: [String]
                    if let t = source as? GraphQLObjectType { order = Array(try t.fields().keys) }
                    else if let t = source as? GraphQLInterfaceType { order = Array(try t.fields().keys) }
                    else { return result }
                    let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
                    return list.sorted { (rank[$0.name] ?? 0) < (rank[$1.name] ?? 0) }
                }
            }
            if let field = fields["inputFields"], let sorted = field.resolve {
                field.resolve = { source, args, context, info in
                    let result = try await sorted(source, args, context, info)
                    guard let list = result as? [InputObjectFieldDefinition], let t = source as? GraphQLInputObjectType else { return result }
                    let rank = Dictionary(uniqueKeysWithValues: try t.fields().keys.enumerated().map { ($1, $0) })
                    return list.sorted { (rank[$0.name] ?? 0) < (rank[$1.name] ?? 0) }
                }
            }
            return fields
        }
        let original = inputValue.fields
        inputValue.fields = {
            let fields = try original()
            fields["isDeprecated"]?.resolve = { source, _, _, _ in
                (source as? GraphQLArgumentDefinition)?.deprecationReason != nil
                    || (source as? InputObjectFieldDefinition)?.deprecationReason != nil
            }
            return fields
        }
    }()

    /// Applies the patch once per process; later calls return at once.
    static func apply() { _ = once }
}
