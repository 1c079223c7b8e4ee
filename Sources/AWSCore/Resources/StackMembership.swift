/// A CloudFormation stack's resources as Resource Groups' `CLOUDFORMATION_STACK_1_0` queries see them.
public struct StackMembership: Sendable, Equatable {
    /// Whether the stack can still be queried (a deleted or failed-to-create stack cannot).
    public let isActive: Bool
    /// The ARN of every resource of the stack that has one; the registry decides which are taggable.
    public let resourceARNs: [String]

    public init(isActive: Bool, resourceARNs: [String]) {
        self.isActive = isActive
        self.resourceARNs = resourceARNs
    }
}

/// CloudFormation, seen from Resource Groups without importing it (`SandboxComponents` wires it).
public protocol StackMembershipSource: Sendable {
    /// The stack whose id (ARN) is `stackID`, or nil when no such stack was ever created there.
    func stackMembership(stackID: String, accountID: String, region: String) async throws -> StackMembership?
}
