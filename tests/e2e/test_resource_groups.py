"""The guide's §7.4 and §10.1–10.2 commands, run verbatim with the AWS CLI against stages stg and
prod, and checked against what the sandbox holds: the registry of tagged resources, the Resource
Groups Tagging API and AWS Resource Groups."""
import json
import os
import subprocess
import sys

import pytest

ACCOUNT, REGION = "123456789012", "ap-northeast-1"

# guide §7.4 (staging half), as written there
SECTION_7_4 = """
API_ARN=$(aws appsync list-graphql-apis --query "graphqlApis[?name=='MeshV2Api-stg'].arn" --output text)
aws appsync list-tags-for-resource --resource-arn $API_ARN
TABLE_ARN=$(aws dynamodb describe-table --table-name MeshV2Table-stg --query 'Table.TableArn' --output text)
aws dynamodb list-tags-of-resource --resource-arn $TABLE_ARN
"""

# guide §10.1, as written there
SECTION_10_1 = """
aws resource-groups create-group \\
  --name "MeshV2-stg" \\
  --resource-query '{
    "Type": "TAG_FILTERS_1_0",
    "Query": "{\\"ResourceTypeFilters\\":[\\"AWS::AllSupported\\"],\\"TagFilters\\":[{\\"Key\\":\\"Project\\",\\"Values\\":[\\"MeshV2\\"]},{\\"Key\\":\\"Stage\\",\\"Values\\":[\\"stg\\"]}]}"
  }' \\
  --tags Project=MeshV2,Stage=stg

aws resource-groups create-group \\
  --name "MeshV2-prod" \\
  --resource-query '{
    "Type": "TAG_FILTERS_1_0",
    "Query": "{\\"ResourceTypeFilters\\":[\\"AWS::AllSupported\\"],\\"TagFilters\\":[{\\"Key\\":\\"Project\\",\\"Values\\":[\\"MeshV2\\"]},{\\"Key\\":\\"Stage\\",\\"Values\\":[\\"prod\\"]}]}"
  }' \\
  --tags Project=MeshV2,Stage=prod
"""

# Stack resource types that carry tags, and how AWS forms their ARNs from what CloudFormation lists.
TAGGABLE = {
    "AWS::DynamoDB::Table": lambda r: f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{r['PhysicalResourceId']}",
    "AWS::AppSync::GraphQLApi": lambda r: r["PhysicalResourceId"],
    "AWS::AppSync::DomainName": lambda r: f"arn:aws:appsync:{REGION}:{ACCOUNT}:domainnames/{r['PhysicalResourceId']}",
    "AWS::IAM::Role": lambda r: f"arn:aws:iam::{ACCOUNT}:role/{r['PhysicalResourceId']}",
    "AWS::Lambda::Function": lambda r: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{r['PhysicalResourceId']}",
    "AWS::CertificateManager::Certificate": lambda r: r["PhysicalResourceId"],
}
UNTAGGABLE = {
    "AWS::IAM::Policy", "AWS::AppSync::GraphQLSchema", "AWS::AppSync::ApiKey", "AWS::AppSync::DomainNameApiAssociation",
    "AWS::Route53::RecordSet", "AWS::AppSync::DataSource", "AWS::AppSync::FunctionConfiguration", "AWS::AppSync::Resolver",
    "AWS::CDK::Metadata",
}


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    from conftest import Sandbox
    sandbox = Sandbox(tmp_path_factory.mktemp("groups") / "data", ["--stage", "stg", "--stage", "prod"], stacks=True).start()
    yield sandbox
    sandbox.stop()


def shell(sandbox, script, check=True):
    """Runs guide commands through bash, as a reader would paste them (AWS_ENDPOINT_URL points at the sandbox)."""
    env = sandbox.env()
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(["bash", "-ec", script], env=env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"failed ({result.returncode}): {result.stderr}")
    return result


def json_documents(text):
    """The JSON documents the CLI printed one after another."""
    decoder, docs, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        doc, i = decoder.raw_decode(text, i)
        docs.append(doc)
    return docs


def stack_members(sandbox, stack_name):
    """The ARNs of a stack's taggable resources, worked out from CloudFormation's own listing."""
    stack = json.loads(sandbox.aws("cloudformation", "describe-stacks", "--stack-name", stack_name).stdout)["Stacks"][0]
    resources = json.loads(sandbox.aws("cloudformation", "describe-stack-resources", "--stack-name", stack_name).stdout)["StackResources"]
    unknown = {r["ResourceType"] for r in resources} - TAGGABLE.keys() - UNTAGGABLE
    assert not unknown, f"decide whether these types are taggable: {unknown}"
    return stack["StackId"], {TAGGABLE[r["ResourceType"]](r) for r in resources if r["ResourceType"] in TAGGABLE}


def group_arn(name):
    return f"arn:aws:resource-groups:{REGION}:{ACCOUNT}:group/{name}"


def group_members(sandbox, name):
    out = json.loads(sandbox.aws("resource-groups", "list-group-resources", "--group-name", name).stdout)
    arns = [r["ResourceArn"] for r in out["ResourceIdentifiers"]]
    assert [r["Identifier"] for r in out["Resources"]] == out["ResourceIdentifiers"]
    assert out.get("QueryErrors", []) == []  # the CLI's paginator keeps only the result lists
    return arns


def ensure_stage_groups(sandbox):
    """The §10.1 groups, for tests run on their own."""
    if "MeshV2-stg" not in sandbox.aws("resource-groups", "list-groups", "--query", "GroupIdentifiers[].GroupName").stdout:
        shell(sandbox, SECTION_10_1)


def test_section_7_4_tags_of_the_stg_api_and_table(stages):
    docs = json_documents(shell(stages, SECTION_7_4).stdout)
    assert docs[0] == {"tags": {"Project": "MeshV2", "Service": "AppSync", "Stage": "stg", "ResourceType": "GraphQLAPI", "ManagedBy": "CDK"}}
    assert sorted((t["Key"], t["Value"]) for t in docs[1]["Tags"]) == sorted(
        [("Project", "MeshV2"), ("Stage", "stg"), ("Service", "AppSync"), ("ResourceType", "DynamoDB"), ("ManagedBy", "CDK")])


def test_section_10_groups_hold_exactly_each_stages_resources(stages):
    created = json_documents(shell(stages, SECTION_10_1).stdout)
    assert [c["Group"]["GroupArn"] for c in created] == [group_arn("MeshV2-stg"), group_arn("MeshV2-prod")]
    assert created[0]["ResourceQuery"]["Type"] == "TAG_FILTERS_1_0" and created[0]["Tags"] == {"Project": "MeshV2", "Stage": "stg"}

    # §10.2: グループ一覧
    listed = json.loads(shell(stages, "aws resource-groups list-groups").stdout)
    assert [g["GroupName"] for g in listed["GroupIdentifiers"]] == ["MeshV2-prod", "MeshV2-stg"]
    assert [g["GroupArn"] for g in listed["Groups"]] == [group_arn("MeshV2-prod"), group_arn("MeshV2-stg")]

    # §10.2: グループ内のリソース確認 — the stg stack's taggable resources, the stack, and the group itself
    out = json.loads(shell(stages, "aws resource-groups list-group-resources --group-name MeshV2-stg").stdout)
    arns = {r["ResourceArn"] for r in out["ResourceIdentifiers"]}
    stg_stack, stg_resources = stack_members(stages, "MeshV2Stack-stg")
    prod_stack, prod_resources = stack_members(stages, "MeshV2Stack")
    assert arns == stg_resources | {stg_stack, group_arn("MeshV2-stg")}
    assert len(out["ResourceIdentifiers"]) == len(arns)
    assert set(group_members(stages, "MeshV2-prod")) == prod_resources | {prod_stack, group_arn("MeshV2-prod")}
    types = {r["ResourceType"] for r in out["ResourceIdentifiers"]}
    assert {"AWS::DynamoDB::Table", "AWS::AppSync::GraphQLApi", "AWS::Lambda::Function", "AWS::IAM::Role",
            "AWS::CloudFormation::Stack", "AWS::ResourceGroups::Group"} <= types


def test_tagging_api_changes_reach_the_owning_service_and_the_groups(stages):
    ensure_stage_groups(stages)
    table = stages.aws("dynamodb", "describe-table", "--table-name", "MeshV2Table-stg", "--query", "Table.TableArn",
                       "--output", "text").stdout.strip()
    failed = json.loads(stages.aws("resourcegroupstaggingapi", "tag-resources", "--resource-arn-list", table,
                                   "--tags", "Team=mesh").stdout)
    assert failed["FailedResourcesMap"] == {}
    tags = json.loads(stages.aws("dynamodb", "list-tags-of-resource", "--resource-arn", table).stdout)["Tags"]
    assert {"Key": "Team", "Value": "mesh"} in tags

    found = json.loads(stages.aws("resourcegroupstaggingapi", "get-resources", "--tag-filters", "Key=Team,Values=mesh").stdout)
    assert [m["ResourceARN"] for m in found["ResourceTagMappingList"]] == [table]
    tables = json.loads(stages.aws("resourcegroupstaggingapi", "get-resources", "--resource-type-filters", "dynamodb:table",
                                   "--tag-filters", "Key=Stage,Values=stg").stdout)
    assert [m["ResourceARN"] for m in tables["ResourceTagMappingList"]] == [table]
    keys = json.loads(stages.aws("resourcegroupstaggingapi", "get-tag-keys").stdout)["TagKeys"]
    assert {"Project", "Stage", "Service", "ManagedBy", "ResourceType", "Team"} <= set(keys)
    values = json.loads(stages.aws("resourcegroupstaggingapi", "get-tag-values", "--key", "Stage").stdout)["TagValues"]
    assert values == ["prod", "stg"]

    # Untagging Stage through the tagging API takes the table out of MeshV2-stg at once.
    stages.aws("resourcegroupstaggingapi", "untag-resources", "--resource-arn-list", table, "--tag-keys", "Stage", "Team")
    assert table not in group_members(stages, "MeshV2-stg")
    stages.aws("resourcegroupstaggingapi", "tag-resources", "--resource-arn-list", table, "--tags", "Stage=stg")
    assert table in group_members(stages, "MeshV2-stg")

    unknown = json.loads(stages.aws("resourcegroupstaggingapi", "tag-resources", "--resource-arn-list",
                                    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Nope", "--tags", "a=b").stdout)
    assert unknown["FailedResourcesMap"][f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Nope"]["ErrorCode"] == "InvalidParameterException"


def test_stack_query_group_and_group_operations(stages):
    stack_id, members = stack_members(stages, "MeshV2Stack-stg")
    query = json.dumps({"ResourceTypeFilters": ["AWS::AllSupported"], "StackIdentifier": stack_id})
    stages.aws("resource-groups", "create-group", "--name", "stg-stack",
               "--resource-query", json.dumps({"Type": "CLOUDFORMATION_STACK_1_0", "Query": query}))
    assert set(group_members(stages, "stg-stack")) == members

    got = json.loads(stages.aws("resource-groups", "get-group-query", "--group", "stg-stack").stdout)
    assert json.loads(got["GroupQuery"]["ResourceQuery"]["Query"])["StackIdentifier"] == stack_id
    updated = json.loads(stages.aws("resource-groups", "update-group", "--group", "stg-stack", "--description", "stg stack").stdout)
    assert updated["Group"]["Description"] == "stg stack"
    tables_only = json.dumps({"ResourceTypeFilters": ["AWS::DynamoDB::Table"], "StackIdentifier": stack_id})
    stages.aws("resource-groups", "update-group-query", "--group", "stg-stack",
               "--resource-query", json.dumps({"Type": "CLOUDFORMATION_STACK_1_0", "Query": tables_only}))
    assert group_members(stages, "stg-stack") == [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/MeshV2Table-stg"]

    stages.aws("resource-groups", "tag", "--arn", group_arn("stg-stack"), "--tags", "Stage=stg")
    assert json.loads(stages.aws("resource-groups", "get-tags", "--arn", group_arn("stg-stack")).stdout)["Tags"] == {"Stage": "stg"}
    stages.aws("resource-groups", "untag", "--arn", group_arn("stg-stack"), "--keys", "Stage")
    searched = json.loads(stages.aws("resource-groups", "search-resources", "--resource-query",
                                     json.dumps({"Type": "CLOUDFORMATION_STACK_1_0", "Query": tables_only})).stdout)
    assert [r["ResourceArn"] for r in searched["ResourceIdentifiers"]] == [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/MeshV2Table-stg"]

    page = json.loads(stages.aws("resource-groups", "list-groups", "--max-items", "1").stdout)
    assert len(page["GroupIdentifiers"]) == 1 and "NextToken" in page

    stages.aws("resource-groups", "delete-group", "--group", "stg-stack")
    missing = stages.aws("resource-groups", "get-group", "--group", "stg-stack", check=False)
    assert missing.returncode != 0 and "NotFoundException" in missing.stderr


def test_invalid_queries_get_resource_groups_errors(stages):
    bad = stages.aws("resource-groups", "create-group", "--name", "bad", "--resource-query",
                     json.dumps({"Type": "TAG_FILTERS_1_0", "Query": json.dumps({"ResourceTypeFilters": ["AWS::AllSupported"], "TagFilters": []})}),
                     check=False)
    assert bad.returncode != 0
    assert "(BadRequestException)" in bad.stderr and "Invalid query: The TagFilters list must contain between 1 and 50 elements" in bad.stderr
    gone = json.dumps({"ResourceTypeFilters": ["AWS::AllSupported"],
                       "StackIdentifier": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/Gone/00000000-0000-0000-0000-000000000000"})
    missing = stages.aws("resource-groups", "create-group", "--name", "gone", "--resource-query",
                         json.dumps({"Type": "CLOUDFORMATION_STACK_1_0", "Query": gone}), check=False)
    assert "Invalid query: The specified CloudFormation stack doesn't exist." in missing.stderr


def test_ssm_parameter_tags_through_ssm_and_the_tagging_api(stages):
    stages.aws("ssm", "put-parameter", "--name", "/mesh/stg/flag", "--value", "on", "--type", "String",
               "--tags", "Key=Stage,Value=stg", "Key=Project,Value=MeshV2")
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/mesh/stg/flag"
    ensure_stage_groups(stages)
    assert arn in group_members(stages, "MeshV2-stg")
    stages.aws("resourcegroupstaggingapi", "tag-resources", "--resource-arn-list", arn, "--tags", "Team=mesh")
    stages.aws("ssm", "remove-tags-from-resource", "--resource-type", "Parameter", "--resource-id", "/mesh/stg/flag", "--tag-keys", "Project")
    tags = json.loads(stages.aws("ssm", "list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/mesh/stg/flag").stdout)
    assert tags["TagList"] == [{"Key": "Stage", "Value": "stg"}, {"Key": "Team", "Value": "mesh"}]
    found = json.loads(stages.aws("resourcegroupstaggingapi", "get-resources", "--resource-type-filters", "ssm:parameter").stdout)
    assert [m["ResourceARN"] for m in found["ResourceTagMappingList"]] == [arn]
    missing = stages.aws("ssm", "add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/nope",
                         "--tags", "Key=a,Value=b", check=False)
    assert "InvalidResourceId" in missing.stderr
    both = stages.aws("ssm", "put-parameter", "--name", "/mesh/stg/flag", "--value", "off", "--overwrite", "--tags", "Key=a,Value=b", check=False)
    assert "tags and overwrite can't be used together" in both.stderr


def test_route53_zone_tags_and_a_stack_group_in_us_east_1(stages):
    template = json.dumps({"Resources": {"Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {
        "Name": "tags.example.com", "HostedZoneTags": [{"Key": "ResourceType", "Value": "DNS"}]}}}})
    stages.aws("cloudformation", "create-stack", "--region", "us-east-1", "--stack-name", "Zones", "--template-body", template,
               "--tags", "Key=Stage,Value=stg")
    zone_id = stages.aws("cloudformation", "describe-stack-resource", "--region", "us-east-1", "--stack-name", "Zones",
                         "--logical-resource-id", "Zone", "--query", "StackResourceDetail.PhysicalResourceId", "--output", "text").stdout.strip()
    arn = f"arn:aws:route53:::hostedzone/{zone_id}"
    tagged = json.loads(stages.aws("resourcegroupstaggingapi", "tag-resources", "--region", "us-east-1", "--resource-arn-list", arn,
                                   "--tags", "Team=dns").stdout)
    assert tagged["FailedResourcesMap"] == {}
    tags = json.loads(stages.aws("route53", "list-tags-for-resource", "--resource-type", "hostedzone", "--resource-id", zone_id).stdout)
    assert tags["ResourceTagSet"]["Tags"] == [{"Key": "Stage", "Value": "stg"}, {"Key": "ResourceType", "Value": "DNS"}, {"Key": "Team", "Value": "dns"}]
    found = json.loads(stages.aws("resourcegroupstaggingapi", "get-resources", "--region", "us-east-1",
                                  "--resource-type-filters", "route53:hostedzone").stdout)
    assert [m["ResourceARN"] for m in found["ResourceTagMappingList"]] == [arn]

    stack_id = stages.aws("cloudformation", "describe-stacks", "--region", "us-east-1", "--stack-name", "Zones", "--query",
                          "Stacks[0].StackId", "--output", "text").stdout.strip()
    query = json.dumps({"ResourceTypeFilters": ["AWS::Route53::HostedZone"], "StackIdentifier": stack_id})
    stages.aws("resource-groups", "create-group", "--region", "us-east-1", "--name", "zones",
               "--resource-query", json.dumps({"Type": "CLOUDFORMATION_STACK_1_0", "Query": query}))
    out = json.loads(stages.aws("resource-groups", "list-group-resources", "--region", "us-east-1", "--group", "zones").stdout)
    assert out["ResourceIdentifiers"] == [{"ResourceArn": arn, "ResourceType": "AWS::Route53::HostedZone"}]

    stages.aws("cloudformation", "delete-stack", "--region", "us-east-1", "--stack-name", "Zones")
    # The CLI's paginator keeps only the result lists; QueryErrors shows without it.
    gone = json.loads(stages.aws("resource-groups", "list-group-resources", "--region", "us-east-1", "--group", "zones",
                                 "--no-paginate").stdout)
    assert gone["ResourceIdentifiers"] == [] and gone["QueryErrors"][0]["ErrorCode"] in ("CLOUDFORMATION_STACK_INACTIVE", "CLOUDFORMATION_STACK_NOT_EXISTING")
