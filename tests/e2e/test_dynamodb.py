"""DynamoDB through the AWS CLI and boto3: the guide's commands, expressions, errors, TTL, durability."""
import json
import signal
import time

import botocore.exceptions
import pytest
import requests

TABLE = "MeshV2Table-e2e"


@pytest.fixture(scope="module")
def ddb(sandbox):
    client = sandbox.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi_pk", "gsi_sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{
            "IndexName": "GroupIdIndex",
            "KeySchema": [{"AttributeName": "gsi_pk", "KeyType": "HASH"}, {"AttributeName": "gsi_sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
        Tags=[{"Key": "Project", "Value": "MeshV2"}, {"Key": "Stage", "Value": "e2e"}],
    )
    client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={"AttributeName": "ttl", "Enabled": True})
    return client


def test_guide_describe_table_queries(sandbox, ddb):
    arn = sandbox.aws("dynamodb", "describe-table", "--table-name", TABLE, "--query", "Table.TableArn", "--output", "text").stdout.strip()
    assert arn == f"arn:aws:dynamodb:ap-northeast-1:123456789012:table/{TABLE}"
    gsis = json.loads(sandbox.aws("dynamodb", "describe-table", "--table-name", TABLE, "--query",
                                  "Table.GlobalSecondaryIndexes[*].{Name:IndexName,Status:IndexStatus,Keys:KeySchema}").stdout)
    assert gsis == [{"Name": "GroupIdIndex", "Status": "ACTIVE",
                     "Keys": [{"AttributeName": "gsi_pk", "KeyType": "HASH"}, {"AttributeName": "gsi_sk", "KeyType": "RANGE"}]}]
    table = json.loads(sandbox.aws("dynamodb", "describe-table", "--table-name", TABLE).stdout)["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["GlobalSecondaryIndexes"][0]["IndexArn"] == arn + "/index/GroupIdIndex"
    tags = json.loads(sandbox.aws("dynamodb", "list-tags-of-resource", "--resource-arn", arn).stdout)
    assert tags == {"Tags": [{"Key": "Project", "Value": "MeshV2"}, {"Key": "Stage", "Value": "e2e"}]}


def test_existing_and_missing_tables_errors(sandbox, ddb):
    again = sandbox.aws("dynamodb", "create-table", "--table-name", TABLE, "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                        "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST", check=False)
    assert "ResourceInUseException" in again.stderr and f"Table already exists: {TABLE}" in again.stderr
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ddb.describe_table(TableName="Nope")
    assert info.value.response["Error"] == {"Code": "ResourceNotFoundException", "Message": "Requested resource not found: Table: Nope not found"}


def test_items_expressions_and_conditions(ddb):
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "DOMAIN#d"}, "sk": {"S": "GROUP#g#METADATA"}, "n": {"N": "1.50"},
                                         "gsi_pk": {"S": "GROUP#g"}, "gsi_sk": {"S": "DOMAIN#d"}})
    item = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "DOMAIN#d"}, "sk": {"S": "GROUP#g#METADATA"}}, ConsistentRead=True)["Item"]
    assert item["n"] == {"N": "1.5"}
    out = ddb.update_item(TableName=TABLE, Key={"pk": {"S": "DOMAIN#d"}, "sk": {"S": "GROUP#g#METADATA"}},
                          UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one, tags = list_append(if_not_exists(tags, :empty), :t) REMOVE n",
                          ExpressionAttributeNames={"#c": "count"},
                          ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":empty": {"L": []}, ":t": {"L": [{"S": "x"}]}},
                          ReturnValues="ALL_NEW")["Attributes"]
    assert out["count"] == {"N": "1"} and out["tags"] == {"L": [{"S": "x"}]} and "n" not in out
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ddb.put_item(TableName=TABLE, Item={"pk": {"S": "DOMAIN#d"}, "sk": {"S": "GROUP#g#METADATA"}},
                     ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert info.value.response["Error"]["Message"] == "The conditional request failed"
    assert info.value.response["Item"]["count"] == {"N": "1"}


def test_query_index_paging_and_count(ddb):
    for i in range(12):
        ddb.put_item(TableName=TABLE, Item={"pk": {"S": "GROUP#p"}, "sk": {"S": f"NODE#{i:02d}"}, "gsi_pk": {"S": "IDX#p"}, "gsi_sk": {"S": f"{i:02d}"}})
    page = ddb.query(TableName=TABLE, KeyConditionExpression="pk = :p AND begins_with(sk, :n)",
                     ExpressionAttributeValues={":p": {"S": "GROUP#p"}, ":n": {"S": "NODE#"}}, Limit=5, ScanIndexForward=False)
    assert [i["sk"]["S"] for i in page["Items"]] == ["NODE#11", "NODE#10", "NODE#09", "NODE#08", "NODE#07"]
    assert page["LastEvaluatedKey"] == {"pk": {"S": "GROUP#p"}, "sk": {"S": "NODE#07"}}
    pages = ddb.get_paginator("query").paginate(TableName=TABLE, IndexName="GroupIdIndex", KeyConditionExpression="gsi_pk = :p",
                                                 ExpressionAttributeValues={":p": {"S": "IDX#p"}}, PaginationConfig={"PageSize": 5})
    assert [i["gsi_sk"]["S"] for p in pages for i in p["Items"]] == [f"{i:02d}" for i in range(12)]
    count = ddb.query(TableName=TABLE, KeyConditionExpression="pk = :p", FilterExpression="gsi_sk BETWEEN :a AND :b", Select="COUNT",
                      ExpressionAttributeValues={":p": {"S": "GROUP#p"}, ":a": {"S": "03"}, ":b": {"S": "05"}})
    assert (count["Count"], count["ScannedCount"]) == (3, 12)


def test_batch_and_transactions(ddb):
    ddb.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": {"pk": {"S": "B"}, "sk": {"S": str(i)}}}} for i in range(25)]})
    got = ddb.batch_get_item(RequestItems={TABLE: {"Keys": [{"pk": {"S": "B"}, "sk": {"S": str(i)}} for i in range(10)]}})
    assert len(got["Responses"][TABLE]) == 10 and got["UnprocessedKeys"] == {}
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "T"}, "sk": {"S": "1"}}}},
            {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "B"}, "sk": {"S": "0"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
    assert info.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in info.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName=TABLE, Key={"pk": {"S": "T"}, "sk": {"S": "1"}})


@pytest.mark.parametrize("kwargs, message", [
    ({"UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
    ({"UpdateExpression": "SET a = :v"}, "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
    ({"UpdateExpression": "SET a = :v, a.b = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
])
def test_validation_messages(ddb, kwargs, message):
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ddb.update_item(TableName=TABLE, Key={"pk": {"S": "V"}, "sk": {"S": "1"}}, **kwargs)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["Error"]["Message"] == message


def raw(sandbox, op, body):
    return requests.post(sandbox.http + "/", data=body, timeout=10, headers={
        "X-Amz-Target": f"DynamoDB_20120810.{op}", "Content-Type": "application/x-amz-json-1.0"})


def test_pathological_input_is_rejected_fast(sandbox, ddb):
    key = {"pk": {"S": "P"}, "sk": {"S": "1"}}
    cases = [
        {"TableName": TABLE, "Key": key, "ConditionExpression": "(" * 20000 + "a = b" + ")" * 20000},
        {"TableName": TABLE, "Key": key, "ConditionExpression": "a = :v AND " * 100000 + "a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
        {"TableName": TABLE, "Key": {"pk": {"N": "x"}, "sk": {"S": "1"}}},
        {"TableName": TABLE, "Key": "not a map"},
    ]
    for body in cases:
        started = time.monotonic()
        response = raw(sandbox, "DeleteItem", json.dumps(body))
        elapsed = time.monotonic() - started
        assert response.status_code == 400, response.text
        assert response.json()["__type"].split("#")[-1] in ("ValidationException", "SerializationException")
        assert elapsed < 1.0
    bad_utf8 = raw(sandbox, "GetItem", b'{"TableName": "' + TABLE.encode() + b'", "Key": {"pk": {"S": "\xff"}}}')
    assert bad_utf8.status_code == 400 and bad_utf8.json()["__type"].endswith("SerializationException")
    assert sandbox.alive()


def test_ttl_sweeper_deletes_expired_items(ddb):
    key = {"pk": {"S": "TTL"}, "sk": {"S": "gone"}}
    ddb.put_item(TableName=TABLE, Item={**key, "ttl": {"N": str(int(time.time()) - 5)}})
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "TTL"}, "sk": {"S": "kept"}, "ttl": {"N": str(int(time.time()) + 3600)}})
    deadline = time.monotonic() + 5
    while "Item" in ddb.get_item(TableName=TABLE, Key=key) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Item" not in ddb.get_item(TableName=TABLE, Key=key)
    assert "Item" in ddb.get_item(TableName=TABLE, Key={"pk": {"S": "TTL"}, "sk": {"S": "kept"}})


def test_acknowledged_writes_survive_kill_9(make_sandbox, tmp_data):
    sandbox = make_sandbox(data_dir=tmp_data)
    client = sandbox.client("dynamodb")
    client.create_table(TableName="Durable", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    for i in range(50):
        client.put_item(TableName="Durable", Item={"pk": {"S": str(i)}, "v": {"N": str(i)}})
    sandbox.restart(sig=signal.SIGKILL)
    client = sandbox.client("dynamodb")
    assert client.scan(TableName="Durable", Select="COUNT")["Count"] == 50
    assert client.get_item(TableName="Durable", Key={"pk": {"S": "49"}})["Item"]["v"] == {"N": "49"}
