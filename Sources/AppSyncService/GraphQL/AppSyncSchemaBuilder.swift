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
        let full = try withPrelude(sdl)
        let document = try parse(source: Source(body: full, name: "schema.graphql"))
        let schema = try buildASTSchema(documentAST: document)
        let problems = validateSchema(schema: schema)
        guard problems.isEmpty else { throw SchemaProblems(messages: problems.map(\.message)) }
        guard schema.queryType != nil else { throw SchemaProblems(messages: ["Schema must define a Query type."]) }
        AppSyncScalars.install(in: schema)
        IntrospectionPatch.apply(to: schema)
        return Compiled(schema: schema, document: document)
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

/// GraphQLSwift 4.3.0 leaves `__InputValue.isDeprecated` without a resolver, so introspection
/// queries with `inputValueDeprecation: true` fail. The type is a process-wide singleton: patch once.
enum IntrospectionPatch {
    private static let once: Void = {
        // Any schema exposes the shared introspection types.
        guard let schema = try? GraphQLSchema(query: GraphQLObjectType(name: "Query", fields: ["_": GraphQLField(type: GraphQLString)])),
              let inputValue = schema.getType(name: "__InputValue") as? GraphQLObjectType
        else { return }
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

    static func apply(to schema: GraphQLSchema) { _ = once }
}
