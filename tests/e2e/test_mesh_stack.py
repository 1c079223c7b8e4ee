"""The Mesh v2 stack the sandbox deploys at start-up, checked with the guide's commands."""
import json
import os
import shutil
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def output(sandbox, stack, key):
    return sandbox.aws("cloudformation", "describe-stacks", "--stack-name", stack, "--query",
                       f"Stacks[0].Outputs[?OutputKey==`{key}`].OutputValue", "--output", "text").stdout.strip()


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    from conftest import Sandbox
    sandbox = Sandbox(tmp_path_factory.mktemp("mesh") / "data", stacks=True).start()
    yield sandbox
    sandbox.stop()


def test_default_serve_deploys_stage_stg_with_the_guides_outputs(default):
    endpoint = output(default, "MeshV2Stack-stg", "GraphQLApiEndpoint")
    key = output(default, "MeshV2Stack-stg", "GraphQLApiKey")
    assert endpoint.startswith(f"https://localhost:{default.port}/apis/") and endpoint.endswith("/graphql")
    assert key.startswith("da2-") and len(key) == 30
    assert output(default, "MeshV2Stack-stg", "TableName") == "MeshV2Table-stg"
    assert output(default, "MeshV2Stack-stg", "CustomDomainUrl") == "https://stg.graphql.api.smalruby.app/graphql"
    # the endpoint serves the schema over verified TLS with that key
    body = {"query": "{ __schema { mutationType { fields { name } } } }"}
    response = requests.post(endpoint, json=body, headers={"x-api-key": key}, verify=default.ca, timeout=5)
    fields = {f["name"] for f in response.json()["data"]["__schema"]["mutationType"]["fields"]}
    assert {"createGroup", "joinGroup", "reportDataByNode", "fireEventsByNode", "recordEventsByNode", "dissolveGroup"} <= fields
    wrong = requests.post(endpoint, json=body, headers={"x-api-key": "da2-wrong"}, verify=default.ca, timeout=5)
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["errorType"] == "UnauthorizedException"


def test_guide_section_7_4_and_7_5_commands(default):
    arn = default.aws("appsync", "list-graphql-apis", "--query", "graphqlApis[?name=='MeshV2Api-stg'].arn", "--output", "text").stdout.strip()
    assert arn.startswith("arn:aws:appsync:ap-northeast-1:123456789012:apis/")
    tags = json.loads(default.aws("appsync", "list-tags-for-resource", "--resource-arn", arn).stdout)["tags"]
    assert tags == {"ManagedBy": "CDK", "Project": "MeshV2", "Service": "AppSync", "Stage": "stg", "ResourceType": "GraphQLAPI"}
    table_arn = default.aws("dynamodb", "describe-table", "--table-name", "MeshV2Table-stg", "--query", "Table.TableArn",
                            "--output", "text").stdout.strip()
    table_tags = json.loads(default.aws("dynamodb", "list-tags-of-resource", "--resource-arn", table_arn).stdout)["Tags"]
    assert {"Key": "ResourceType", "Value": "DynamoDB"} in table_tags and {"Key": "Stage", "Value": "stg"} in table_tags
    gsi = json.loads(default.aws("dynamodb", "describe-table", "--table-name", "MeshV2Table-stg", "--query",
                                 "Table.GlobalSecondaryIndexes[*].[IndexName,KeySchema[0].AttributeName,Projection.ProjectionType]").stdout)
    assert gsi == [["GroupIdIndex", "gsi_pk", "ALL"]]
    ttl = json.loads(default.aws("dynamodb", "describe-time-to-live", "--table-name", "MeshV2Table-stg").stdout)
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    domains = json.loads(default.aws("appsync", "list-domain-names").stdout)["domainNameConfigs"]
    assert [d["domainName"] for d in domains] == ["stg.graphql.api.smalruby.app"]
    resolvers = json.loads(default.aws("appsync", "list-resolvers", "--api-id", arn.split("/")[-1], "--type-name", "Mutation").stdout)
    assert len(resolvers["resolvers"]) == 10


def test_restart_is_idempotent_and_a_changed_stage_file_updates_in_place(default, tmp_path):
    api_id = output(default, "MeshV2Stack-stg", "GraphQLApiId")
    key = output(default, "MeshV2Stack-stg", "GraphQLApiKey")
    default.restart()
    stack = json.loads(default.aws("cloudformation", "describe-stacks", "--stack-name", "MeshV2Stack-stg").stdout)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE" and "LastUpdatedTime" not in stack
    assert output(default, "MeshV2Stack-stg", "GraphQLApiId") == api_id and output(default, "MeshV2Stack-stg", "GraphQLApiKey") == key
    # The guide's stage switch: .env is a symlink to a stage file; here stg with a changed interval.
    stage_file = tmp_path / ".env.stg"
    stage_file.write_text((ROOT / "fixtures" / ".env.stg").read_text().replace("MESH_MEMBER_HEARTBEAT_TTL_SECONDS=60", "MESH_MEMBER_HEARTBEAT_TTL_SECONDS=90"))
    (tmp_path / ".env").symlink_to(stage_file)
    default.extra_args = [a for a in default.extra_args if a != "--no-stacks"] + ["--env-file", str(tmp_path / ".env")]
    default.restart()
    stack = json.loads(default.aws("cloudformation", "describe-stacks", "--stack-name", "MeshV2Stack-stg").stdout)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert output(default, "MeshV2Stack-stg", "GraphQLApiId") == api_id
    variables = json.loads(default.aws("appsync", "get-graphql-api-environment-variables", "--api-id", api_id).stdout)["environmentVariables"]
    assert variables["MESH_MEMBER_HEARTBEAT_TTL_SECONDS"] == "90"


def test_other_stages_side_by_side(make_sandbox):
    sandbox = make_sandbox("--stage", "stg2", "--stage", "prod")
    names = sorted(sandbox.aws("cloudformation", "list-stacks", "--query", "StackSummaries[].StackName", "--output", "text").stdout.split())
    assert names == ["CDKToolkit", "MeshV2Stack", "MeshV2Stack-stg2"]
    assert output(sandbox, "MeshV2Stack", "TableName") == "MeshV2Table"
    variables = json.loads(sandbox.aws("appsync", "get-graphql-api-environment-variables", "--api-id",
                                       output(sandbox, "MeshV2Stack", "GraphQLApiId")).stdout)["environmentVariables"]
    assert variables["MESH_MAX_CONNECTION_TIME_SECONDS"] == "1500" and variables["MESH_HOST_HEARTBEAT_INTERVAL_SECONDS"] == "60"


def test_cdk_destroy_deletes_table_data_and_api(make_sandbox):
    sandbox = make_sandbox(stacks=True)
    api_id = output(sandbox, "MeshV2Stack-stg", "GraphQLApiId")
    sandbox.aws("dynamodb", "put-item", "--table-name", "MeshV2Table-stg", "--item", '{"pk":{"S":"x"},"sk":{"S":"y"}}')
    sandbox.aws("cloudformation", "delete-stack", "--stack-name", "MeshV2Stack-stg")
    sandbox.aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", "MeshV2Stack-stg")
    assert "ResourceNotFoundException" in sandbox.aws("dynamodb", "describe-table", "--table-name", "MeshV2Table-stg", check=False).stderr
    assert "NotFoundException" in sandbox.aws("appsync", "get-graphql-api", "--api-id", api_id, check=False).stderr
    assert json.loads(sandbox.aws("appsync", "list-domain-names").stdout)["domainNameConfigs"] == []
