public import AWSCore

/// The CloudFormation template of a Mesh v2 stage, shaped like what `cdk synth` produces from
/// upstream's `lib/mesh-v2-stack.ts`: the same resources, names, tags, settings and outputs.
///
/// Differences, each because the sandbox has no use for the real thing: the certificate is a
/// plain `AWS::CertificateManager::Certificate` (CDK's `DnsValidatedCertificate` is a custom
/// resource backed by a Lambda); the key's expiry is a parameter (CDK bakes in synth time + 365
/// days), so the template stays the same from day to day; resolver and function code is a short
/// stub naming the native implementation the sandbox runs (`mesh-sandbox:native …`), not
/// upstream's JavaScript; Lambda code is not packaged.
public struct MeshV2StackTemplate: Sendable {
    public let stage: StageConfiguration

    public init(stage: StageConfiguration) { self.stage = stage }

    /// The marker a resolver's or function's code carries to name its native implementation.
    public static let nativeMarker = "mesh-sandbox:native "

    var stackTags: [(String, String)] {
        [("ManagedBy", "CDK"), ("Project", "MeshV2"), ("Service", "AppSync"), ("Stage", stage.stage)]
    }

    func tags(_ extra: (String, String)? = nil) -> JSONValue {
        let all = (stackTags + (extra.map { [$0] } ?? [])).sorted { $0.0 < $1.0 }
        return .array(all.map { ["Key": .string($0.0), "Value": .string($0.1)] })
    }

    static func ref(_ name: String) -> JSONValue { ["Ref": .string(name)] }
    static func getAtt(_ name: String, _ attribute: String) -> JSONValue { ["Fn::GetAtt": [.string(name), .string(attribute)]] }
    static let jsRuntime: JSONValue = ["Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"]

    /// Stub code for a resolver or function whose work the sandbox does natively.
    static func nativeCode(_ name: String) -> JSONValue {
        .string("""
            // \(nativeMarker)\(name)
            // mesh-sandbox runs this step as native code (Sources/MeshV2App); AppSync would run APPSYNC_JS here.
            export function request(ctx) { return {}; }
            export function response(ctx) { return ctx.result; }
            """)
    }

    /// Pipeline resolvers pass the last function's result through.
    static let pipelineCode: JSONValue = .string("""
        export function request(ctx) { return {}; }
        export function response(ctx) { return ctx.prev.result; }
        """)

    /// `(logical id, function name, data source logical id)` of every AppSync function.
    static let functions: [(String, String, String)] = [
        ("CheckGroupExistsFunction", "checkGroupExists", "MeshV2TableDataSource"),
        ("FindNodeMetadataFunction", "findNodeMetadata", "MeshV2TableDataSource"),
        ("FetchNodeStatusFunction", "fetchNodeStatus", "MeshV2TableDataSource"),
        ("CheckExistingGroupFunction", "checkExistingGroup", "MeshV2TableDataSource"),
        ("CreateGroupIfNotExistsFunction", "createGroupIfNotExists", "MeshV2TableDataSource"),
        ("JoinGroupFunction", "joinGroupFunction", "MeshV2TableDataSource"),
        ("RenewHeartbeatFunction", "renewHeartbeatFunction", "MeshV2TableDataSource"),
        ("UpdateNodeTTLFunction", "updateNodeTTL", "MeshV2TableDataSource"),
        ("ReportDataByNodeFunction", "reportDataByNode", "MeshV2TableDataSource"),
        ("FireEventsByNodeFunction", "fireEventsByNode", "NoneDataSource"),
    ]

    enum ResolverKind { case unit(dataSource: String), pipeline([String]), lambda }

    /// The fifteen resolvers: `(logical id, type, field, kind)`.
    static let resolvers: [(String, String, String, ResolverKind)] = [
        ("ListGroupsByDomainResolver", "Query", "listGroupsByDomain", .unit(dataSource: "MeshV2TableDataSource")),
        ("ListGroupStatusesResolver", "Query", "listGroupStatuses", .unit(dataSource: "MeshV2TableDataSource")),
        ("GetNodeStatusResolver", "Query", "getNodeStatus", .pipeline(["FindNodeMetadataFunction", "FetchNodeStatusFunction"])),
        ("ListNodesInGroupResolver", "Query", "listNodesInGroup", .unit(dataSource: "MeshV2TableDataSource")),
        ("CreateGroupPipelineResolver", "Mutation", "createGroup", .pipeline(["CheckExistingGroupFunction", "CreateGroupIfNotExistsFunction"])),
        ("JoinGroupResolver", "Mutation", "joinGroup", .pipeline(["CheckGroupExistsFunction", "JoinGroupFunction"])),
        ("RenewHeartbeatResolver", "Mutation", "renewHeartbeat", .pipeline(["CheckGroupExistsFunction", "RenewHeartbeatFunction"])),
        ("SendMemberHeartbeatResolver", "Mutation", "sendMemberHeartbeat", .pipeline(["CheckGroupExistsFunction", "UpdateNodeTTLFunction"])),
        ("ReportDataByNodePipelineResolver", "Mutation", "reportDataByNode", .pipeline(["CheckGroupExistsFunction", "ReportDataByNodeFunction"])),
        ("FireEventsByNodePipelineResolver", "Mutation", "fireEventsByNode", .pipeline(["CheckGroupExistsFunction", "FireEventsByNodeFunction"])),
        ("RecordEventsByNodeResolver", "Mutation", "recordEventsByNode", .lambda),
        ("GetEventsSinceResolver", "Query", "getEventsSince", .unit(dataSource: "MeshV2TableDataSource")),
        ("DissolveGroupResolver", "Mutation", "dissolveGroup", .lambda),
        ("CreateDomainResolver", "Mutation", "createDomain", .lambda),
        ("LeaveGroupResolver", "Mutation", "leaveGroup", .lambda),
    ]

    var meshVariables: JSONObject {
        var o = JSONObject()
        for key in StageConfiguration.meshNumericKeys { o[key] = .string(stage.settings[key] ?? "") }
        return o
    }

    func role(service: String, extraTag: (String, String)?) -> JSONValue {
        [
            "Type": "AWS::IAM::Role",
            "Properties": [
                "AssumeRolePolicyDocument": [
                    "Statement": [["Action": "sts:AssumeRole", "Effect": "Allow", "Principal": ["Service": .string(service)]]],
                    "Version": "2012-10-17",
                ],
                "Tags": tags(extraTag),
            ],
        ]
    }

    /// The template as a JSON tree.
    public func render() -> JSONValue {
        var resources = JSONObject()
        let apiTag = ("ResourceType", "GraphQLAPI")
        let isProd = stage.stage == "prod"

        resources["MeshV2Table"] = [
            "Type": "AWS::DynamoDB::Table",
            "Properties": [
                "AttributeDefinitions": [
                    ["AttributeName": "pk", "AttributeType": "S"], ["AttributeName": "sk", "AttributeType": "S"],
                    ["AttributeName": "gsi_pk", "AttributeType": "S"], ["AttributeName": "gsi_sk", "AttributeType": "S"],
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [[
                    "IndexName": "GroupIdIndex",
                    "KeySchema": [["AttributeName": "gsi_pk", "KeyType": "HASH"], ["AttributeName": "gsi_sk", "KeyType": "RANGE"]],
                    "Projection": ["ProjectionType": "ALL"],
                ]],
                "KeySchema": [["AttributeName": "pk", "KeyType": "HASH"], ["AttributeName": "sk", "KeyType": "RANGE"]],
                "PointInTimeRecoverySpecification": ["PointInTimeRecoveryEnabled": false],
                "TableName": .string(stage.tableName),
                "Tags": tags(("ResourceType", "DynamoDB")),
                "TimeToLiveSpecification": ["AttributeName": "ttl", "Enabled": true],
            ],
            "UpdateReplacePolicy": "Delete",
            "DeletionPolicy": "Delete",
        ]

        if let domain = stage.customDomain {
            resources["ApiCertificate"] = [
                "Type": "AWS::CertificateManager::Certificate",
                "Properties": ["DomainName": .string(domain), "ValidationMethod": "DNS", "Tags": tags()],
            ]
        }

        resources["MeshV2ApiApiLogsRole"] = role(service: "appsync.amazonaws.com", extraTag: apiTag)
        resources["MeshV2ApiApiLogsRolePolicy"] = [
            "Type": "AWS::IAM::Policy",
            "Properties": [
                "PolicyDocument": ["Statement": [["Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow", "Resource": "*"]],
                                   "Version": "2012-10-17"],
                "PolicyName": "MeshV2ApiApiLogsRolePolicy",
                "Roles": [Self.ref("MeshV2ApiApiLogsRole")],
            ],
        ]
        var environment = JSONObject()
        environment["TABLE_NAME"] = Self.ref("MeshV2Table")
        for (k, v) in meshVariables { environment[k] = v }
        resources["MeshV2Api"] = [
            "Type": "AWS::AppSync::GraphQLApi",
            "Properties": [
                "AuthenticationType": "API_KEY",
                "EnvironmentVariables": .object(environment),
                "LogConfig": [
                    "CloudWatchLogsRoleArn": Self.getAtt("MeshV2ApiApiLogsRole", "Arn"),
                    "ExcludeVerboseContent": .bool(isProd),
                    "FieldLogLevel": .string(isProd ? "ERROR" : "ALL"),
                ],
                "Name": .string(stage.apiName),
                "Tags": tags(apiTag),
                "XrayEnabled": .bool(!isProd),
            ],
        ]
        resources["MeshV2ApiSchema"] = [
            "Type": "AWS::AppSync::GraphQLSchema",
            "Properties": ["ApiId": Self.getAtt("MeshV2Api", "ApiId"), "Definition": .string(MeshV2Schema.sdl)],
        ]
        resources["MeshV2ApiDefaultApiKey"] = [
            "Type": "AWS::AppSync::ApiKey",
            "Properties": [
                "ApiId": Self.getAtt("MeshV2Api", "ApiId"),
                "Expires": ["Fn::If": ["HasApiKeyExpires", Self.ref("ApiKeyExpires"), Self.ref("AWS::NoValue")]],
            ],
            "DependsOn": ["MeshV2ApiSchema"],
        ]
        if let domain = stage.customDomain {
            resources["MeshV2ApiDomainName"] = [
                "Type": "AWS::AppSync::DomainName",
                "Properties": ["CertificateArn": Self.ref("ApiCertificate"), "DomainName": .string(domain)],
            ]
            resources["MeshV2ApiDomainNameAssociation"] = [
                "Type": "AWS::AppSync::DomainNameApiAssociation",
                "Properties": ["ApiId": Self.getAtt("MeshV2Api", "ApiId"), "DomainName": .string(domain)],
                "DependsOn": ["MeshV2ApiDomainName"],
            ]
            let subdomain = domain.hasSuffix("." + stage.parentZone) ? String(domain.dropLast(stage.parentZone.count + 1)) : domain
            resources["ApiAliasRecord"] = [
                "Type": "AWS::Route53::RecordSet",
                "Properties": [
                    "AliasTarget": [
                        "DNSName": Self.getAtt("MeshV2ApiDomainName", "AppSyncDomainName"),
                        "HostedZoneId": Self.getAtt("MeshV2ApiDomainName", "HostedZoneId"),
                    ],
                    "HostedZoneName": .string(stage.parentZone + "."),
                    "Name": .string("\(subdomain).\(stage.parentZone)."),
                    "Type": "A",
                ],
            ]
        }

        resources["MeshV2ApiMeshV2TableDataSourceServiceRole"] = role(service: "appsync.amazonaws.com", extraTag: apiTag)
        resources["MeshV2ApiMeshV2TableDataSourceServiceRoleDefaultPolicy"] = tablePolicy(
            name: "MeshV2ApiMeshV2TableDataSourceServiceRoleDefaultPolicy", role: "MeshV2ApiMeshV2TableDataSourceServiceRole")
        resources["MeshV2TableDataSource"] = [
            "Type": "AWS::AppSync::DataSource",
            "Properties": [
                "ApiId": Self.getAtt("MeshV2Api", "ApiId"),
                "DynamoDBConfig": ["AwsRegion": Self.ref("AWS::Region"), "TableName": Self.ref("MeshV2Table")],
                "Name": "MeshV2TableDataSource",
                "ServiceRoleArn": Self.getAtt("MeshV2ApiMeshV2TableDataSourceServiceRole", "Arn"),
                "Type": "AMAZON_DYNAMODB",
            ],
        ]
        resources["NoneDataSource"] = [
            "Type": "AWS::AppSync::DataSource",
            "Properties": ["ApiId": Self.getAtt("MeshV2Api", "ApiId"), "Name": "NoneDataSource", "Type": "NONE"],
        ]

        resources["MeshV2LambdaFunctionServiceRole"] = [
            "Type": "AWS::IAM::Role",
            "Properties": [
                "AssumeRolePolicyDocument": [
                    "Statement": [["Action": "sts:AssumeRole", "Effect": "Allow", "Principal": ["Service": "lambda.amazonaws.com"]]],
                    "Version": "2012-10-17",
                ],
                "ManagedPolicyArns": [["Fn::Join": ["", ["arn:", Self.ref("AWS::Partition"), ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]]],
                "Tags": tags(),
            ],
        ]
        resources["MeshV2LambdaFunctionServiceRoleDefaultPolicy"] = tablePolicy(
            name: "MeshV2LambdaFunctionServiceRoleDefaultPolicy", role: "MeshV2LambdaFunctionServiceRole")
        var lambdaEnvironment: JSONObject = [
            "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "DYNAMODB_TABLE_NAME": Self.ref("MeshV2Table"),
            "MESH_SECRET_KEY": .string(stage.settings["MESH_SECRET_KEY"] ?? "default-secret-key"),
        ]
        for (k, v) in meshVariables { lambdaEnvironment[k] = v }
        resources["MeshV2LambdaFunction"] = [
            "Type": "AWS::Lambda::Function",
            "Properties": [
                "Environment": ["Variables": .object(lambdaEnvironment)],
                "FunctionName": .string(stage.lambdaName),
                "Handler": "handlers/appsync_handler.lambda_handler",
                "Role": Self.getAtt("MeshV2LambdaFunctionServiceRole", "Arn"),
                "Runtime": "ruby3.4",
                "Tags": tags(),
                "Timeout": 30,
            ],
            "DependsOn": ["MeshV2LambdaFunctionServiceRoleDefaultPolicy", "MeshV2LambdaFunctionServiceRole"],
        ]
        resources["MeshV2ApiMeshV2LambdaDataSourceServiceRole"] = role(service: "appsync.amazonaws.com", extraTag: apiTag)
        resources["MeshV2LambdaDataSource"] = [
            "Type": "AWS::AppSync::DataSource",
            "Properties": [
                "ApiId": Self.getAtt("MeshV2Api", "ApiId"),
                "LambdaConfig": ["LambdaFunctionArn": Self.getAtt("MeshV2LambdaFunction", "Arn")],
                "Name": "MeshV2LambdaDataSource",
                "ServiceRoleArn": Self.getAtt("MeshV2ApiMeshV2LambdaDataSourceServiceRole", "Arn"),
                "Type": "AWS_LAMBDA",
            ],
        ]

        for (logicalID, name, dataSource) in Self.functions {
            resources[logicalID] = [
                "Type": "AWS::AppSync::FunctionConfiguration",
                "Properties": [
                    "ApiId": Self.getAtt("MeshV2Api", "ApiId"),
                    "Code": Self.nativeCode(name),
                    "DataSourceName": Self.getAtt(dataSource, "Name"),
                    "Name": .string(name),
                    "Runtime": Self.jsRuntime,
                ],
                "DependsOn": ["MeshV2ApiSchema"],
            ]
        }
        for (logicalID, typeName, fieldName, kind) in Self.resolvers {
            var properties: JSONObject = ["ApiId": Self.getAtt("MeshV2Api", "ApiId"), "FieldName": .string(fieldName), "TypeName": .string(typeName)]
            var dependsOn: [JSONValue] = ["MeshV2ApiSchema"]
            switch kind {
            case .unit(let dataSource):
                properties["Code"] = Self.nativeCode("\(typeName).\(fieldName)")
                properties["DataSourceName"] = Self.getAtt(dataSource, "Name")
                properties["Kind"] = "UNIT"
                properties["Runtime"] = Self.jsRuntime
                dependsOn.append(.string(dataSource))
            case .pipeline(let steps):
                properties["Code"] = Self.pipelineCode
                properties["Kind"] = "PIPELINE"
                properties["PipelineConfig"] = ["Functions": .array(steps.map { Self.getAtt($0, "FunctionId") })]
                properties["Runtime"] = Self.jsRuntime
            case .lambda:
                properties["DataSourceName"] = Self.getAtt("MeshV2LambdaDataSource", "Name")
                properties["Kind"] = "UNIT"
                dependsOn.append("MeshV2LambdaDataSource")
            }
            resources[logicalID] = ["Type": "AWS::AppSync::Resolver", "Properties": .object(properties), "DependsOn": .array(dependsOn)]
        }
        resources["CDKMetadata"] = ["Type": "AWS::CDK::Metadata", "Properties": ["Analytics": "v2:deflate64:mesh-sandbox"]]

        var outputs: JSONObject = [
            "TableName": ["Description": "DynamoDB table name for Mesh v2", "Value": Self.ref("MeshV2Table")],
            "TableArn": ["Description": "DynamoDB table ARN for Mesh v2", "Value": Self.getAtt("MeshV2Table", "Arn")],
            "GraphQLApiEndpoint": ["Description": "AppSync GraphQL API endpoint", "Value": Self.getAtt("MeshV2Api", "GraphQLUrl")],
            "GraphQLApiKey": ["Description": "AppSync API Key", "Value": Self.getAtt("MeshV2ApiDefaultApiKey", "ApiKey")],
            "GraphQLApiId": ["Description": "AppSync GraphQL API ID", "Value": Self.getAtt("MeshV2Api", "ApiId")],
        ]
        if let domain = stage.customDomain {
            outputs["CustomDomainUrl"] = ["Description": "AppSync Custom Domain URL", "Value": .string("https://\(domain)/graphql")]
        }

        return [
            "Description": .string("Mesh v2 backend for stage \(stage.stage) (as synthesized by CDK from lib/mesh-v2-stack.ts; rendered by mesh-sandbox)"),
            "Parameters": [
                "ApiKeyExpires": [
                    "Type": "Number", "Default": "0",
                    "Description": "Expiry of the default API key in epoch seconds; 0 leaves AppSync's default. mesh-sandbox passes creation time + 365 days, as CDK does at synth.",
                ],
                "BootstrapVersion": [
                    "Type": "AWS::SSM::Parameter::Value<String>",
                    "Default": "/cdk-bootstrap/hnb659fds/version",
                    "Description": "Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]",
                ],
            ],
            "Conditions": ["HasApiKeyExpires": ["Fn::Not": [["Fn::Equals": [Self.ref("ApiKeyExpires"), "0"]]]]],
            "Resources": .object(resources),
            "Outputs": .object(outputs),
            "Rules": [
                "CheckBootstrapVersion": [
                    "Assertions": [[
                        "Assert": ["Fn::Not": [["Fn::Contains": [["1", "2", "3", "4", "5"], Self.ref("BootstrapVersion")]]]],
                        "AssertDescription": "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.",
                    ]],
                ],
            ],
        ]
    }

    func tablePolicy(name: String, role: String) -> JSONValue {
        [
            "Type": "AWS::IAM::Policy",
            "Properties": [
                "PolicyDocument": [
                    "Statement": [[
                        "Action": ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
                                   "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                   "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"],
                        "Effect": "Allow",
                        "Resource": [Self.getAtt("MeshV2Table", "Arn"), ["Fn::Join": ["", [Self.getAtt("MeshV2Table", "Arn"), "/index/*"]]]],
                    ]],
                    "Version": "2012-10-17",
                ],
                "PolicyName": .string(name),
                "Roles": [Self.ref(role)],
            ],
        ]
    }
}
