import AWSCore
import Foundation

/// What an API asks AppSync to record about its requests: CloudWatch logs per its `logConfig`
/// and X-Ray traces when `xrayEnabled`. Read once per compiled runtime.
struct APIObservability: Sendable {
    /// `logConfig.fieldLogLevel`. `INFO` and `DEBUG` (application logs) log fields as `ALL` does.
    enum FieldLogLevel: String, Sendable {
        case none = "NONE", error = "ERROR", all = "ALL"
    }

    /// nil when the API has no `logConfig`: nothing is logged at all.
    var fieldLogLevel: FieldLogLevel?
    var excludeVerboseContent = false
    var xrayEnabled = false
    var accountID = ""
    var region = ""

    static let off = APIObservability()

    init() {}

    init(api doc: JSONObject) {
        if let config = doc["logConfig"]?.objectValue {
            let level = config["fieldLogLevel"]?.stringValue?.uppercased() ?? "NONE"
            fieldLogLevel = FieldLogLevel(rawValue: level) ?? (level == "INFO" || level == "DEBUG" ? .all : FieldLogLevel.none)
            excludeVerboseContent = config["excludeVerboseContent"]?.boolValue ?? false
        }
        xrayEnabled = doc["xrayEnabled"]?.boolValue ?? false
        if let arn = doc["arn"]?.stringValue.flatMap(ARN.init) {
            accountID = arn.accountID
            region = arn.region
        }
    }

    var logs: Bool { fieldLogLevel != nil }

    /// AppSync's log group for an API.
    static func logGroup(apiId: String) -> String { "/aws/appsync/apis/\(apiId)" }
}
