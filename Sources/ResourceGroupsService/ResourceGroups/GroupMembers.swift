import AWSCore

/// Evaluates resource queries live against the registry, so a group always shows what the
/// services hold now (a newly tagged table joins its group at once).
struct GroupMembers: Sendable {
    let registry: ResourceRegistry
    let stacks: (any StackMembershipSource)?

    struct Evaluation {
        var resources: [TaggedResource] = []
        /// `QueryErrors` entries: why part of the query could not be evaluated.
        var errors: [JSONValue] = []
    }

    func evaluate(_ query: ResourceQuery, accountID: String, region: String) async throws -> Evaluation {
        let all = try await registry.resources(accountID: accountID, region: region).filter { query.admits(resourceType: $0.resourceType) }
        switch query.selection {
        case .tags(let filters):
            return Evaluation(resources: all.filter { $0.matches(filters) })
        case .stack(let stackID):
            guard let membership = try await stacks?.stackMembership(stackID: stackID, accountID: accountID, region: region) else {
                return Evaluation(errors: [Self.error("CLOUDFORMATION_STACK_NOT_EXISTING", "Stack \(stackID) does not exist.")])
            }
            guard membership.isActive else {
                return Evaluation(errors: [Self.error("CLOUDFORMATION_STACK_INACTIVE", "Stack \(stackID) is not in an active state.")])
            }
            let members = Set(membership.resourceARNs)
            return Evaluation(resources: all.filter { members.contains($0.arn) })
        }
    }

    /// Whether a stack query names a stack that exists (CreateGroup and UpdateGroupQuery refuse others).
    func requireStack(_ query: ResourceQuery, accountID: String, region: String) async throws {
        guard case .stack(let stackID) = query.selection else { return }
        guard try await stacks?.stackMembership(stackID: stackID, accountID: accountID, region: region) != nil else {
            throw ResourceGroupsError.invalidQuery("The specified CloudFormation stack doesn't exist.")
        }
    }

    static func error(_ code: String, _ message: String) -> JSONValue {
        ["ErrorCode": .string(code), "Message": .string(message)]
    }
}
