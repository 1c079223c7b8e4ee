import AWSCore
import Foundation

/// One stack as CloudFormation describes it, plus what the engine needs to update or delete it.
struct StackRecord: Codable, Sendable {
    struct Parameter: Codable, Sendable, Equatable {
        var key: String
        var value: String
        /// For `AWS::SSM::Parameter::Value<…>` parameters: the value read from the store.
        var resolvedValue: String?
        var noEcho: Bool = false
    }

    struct Tag: Codable, Sendable, Equatable {
        var key: String
        var value: String
    }

    struct Output: Codable, Sendable {
        var key: String
        var value: String
        var description: String?
        var exportName: String?
    }

    var stackID: String
    var stackName: String
    var accountID: String
    var region: String
    var status: String
    var statusReason: String?
    var description: String?
    var templateBody: String
    var parameters: [Parameter] = []
    var tags: [Tag] = []
    var capabilities: [String] = []
    var notificationARNs: [String] = []
    var outputs: [Output] = []
    var resources: [ResourceRecord] = []
    var creationTime: Date
    var lastUpdatedTime: Date?
    var deletionTime: Date?
    var disableRollback = false
    var enableTerminationProtection = false
    var changeSetID: String?

    var isDeleted: Bool { status == "DELETE_COMPLETE" }

    func resource(_ logicalID: String) -> ResourceRecord? { resources.first { $0.logicalID == logicalID } }
}

/// A resource of a stack, with what its provider returned.
struct ResourceRecord: Codable, Sendable {
    var logicalID: String
    var type: String
    var physicalID: String
    var refValue: String
    var status: String
    var statusReason: String?
    var properties: JSONValue
    var attributes: JSONValue
    var deletionPolicy: String?
    /// What happens to the old physical resource when an update replaces it (`Retain` keeps it).
    var updateReplacePolicy: String?
    var lastUpdated: Date
    /// For resources CloudFormation only records: their tags once the tagging API changed them
    /// (until then they are read from the template and the stack); an update of the resource resets them.
    var recordedTags: [StackRecord.Tag]?
}

/// One line of `describe-stack-events`.
struct StackEvent: Codable, Sendable {
    var eventID: String
    var stackID: String
    var stackName: String
    var logicalID: String
    var physicalID: String
    var resourceType: String
    var timestamp: Date
    var status: String
    var statusReason: String?
    var properties: String?
    var clientRequestToken: String?
}

/// A change set and what it would do.
struct ChangeSetRecord: Codable, Sendable {
    struct Change: Codable, Sendable {
        var action: String  // Add | Modify | Remove
        var logicalID: String
        var physicalID: String?
        var resourceType: String
        var replacement: String?  // True | False | Conditional (Modify only)
        var changedProperties: [String] = []
    }

    var changeSetID: String
    var changeSetName: String
    var stackID: String
    var stackName: String
    var accountID: String
    var region: String
    var changeSetType: String  // CREATE | UPDATE
    var status: String  // CREATE_COMPLETE | FAILED | DELETE_COMPLETE
    var executionStatus: String  // AVAILABLE | UNAVAILABLE | EXECUTE_COMPLETE | OBSOLETE
    var statusReason: String?
    var description: String?
    var templateBody: String
    var parameters: [StackRecord.Parameter]
    var tags: [StackRecord.Tag]
    var capabilities: [String]
    var changes: [Change]
    var creationTime: Date
}
