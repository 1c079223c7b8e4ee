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
def default(stack_sandbox):
    return stack_sandbox


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


def dns_query(port, name, qtype):
    """A hand-built DNS query over UDP (what `dig @127.0.0.1 -p PORT NAME TYPE` sends)."""
    import socket
    import struct
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
    packet = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + question
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(packet, ("127.0.0.1", port))
        reply = s.recv(512)
    ident, flags, _, answers = struct.unpack(">HHHH", reply[:8])
    assert ident == 0x1234 and flags & 0x8000
    rdata = []
    offset = len(packet)
    for _ in range(answers):
        length = struct.unpack(">H", reply[offset + 10:offset + 12])[0]
        rdata.append(reply[offset + 12:offset + 12 + length])
        offset += 12 + length
    return flags & 0xF, rdata


def test_custom_domain_resolves_and_serves_https_with_the_sandbox_certificate(default):
    rcode, answers = dns_query(default.port, "stg.graphql.api.smalruby.app", 1)
    assert (rcode, answers) == (0, [bytes([127, 0, 0, 1])])
    rcode, answers = dns_query(default.port, "stg.graphql.api.smalruby.app", 28)
    assert (rcode, answers) == (0, [bytes(15) + b"\x01"])
    assert dns_query(default.port, "unknown.example", 1) == (3, [])  # NXDOMAIN
    # what `--resolve` (or that DNS answer) gives a client: the custom domain over verified TLS
    import ssl
    import http.client
    context = ssl.create_default_context(cafile=default.ca)
    conn = http.client.HTTPSConnection("127.0.0.1", default.port, context=context)
    conn.sock = context.wrap_socket(__import__("socket").create_connection(("127.0.0.1", default.port)),
                                    server_hostname="stg.graphql.api.smalruby.app")
    key = output(default, "MeshV2Stack-stg", "GraphQLApiKey")
    conn.request("POST", "/graphql", body=json.dumps({"query": '{ listGroupsByDomain(domain: "x") { id } }'}),
                 headers={"Host": "stg.graphql.api.smalruby.app", "x-api-key": key, "Content-Type": "application/json"})
    assert json.loads(conn.getresponse().read()) == {"data": {"listGroupsByDomain": []}}


def test_route53_shows_the_stacks_records(default):
    zones = json.loads(default.aws("route53", "list-hosted-zones").stdout)["HostedZones"]
    assert [z["Name"] for z in zones] == ["api.smalruby.app."]
    records = json.loads(default.aws("route53", "list-resource-record-sets", "--hosted-zone-id", zones[0]["Id"]).stdout)["ResourceRecordSets"]
    assert [(r["Name"], r["Type"]) for r in records] == [("api.smalruby.app.", "NS"), ("api.smalruby.app.", "SOA"),
                                                         ("stg.graphql.api.smalruby.app.", "A")]
    missing = default.aws("route53", "get-hosted-zone", "--id", "ZNOPE", check=False)
    assert "NoSuchHostedZone" in missing.stderr and "No hosted zone found with ID: ZNOPE" in missing.stderr
