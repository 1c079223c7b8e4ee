"""Cost Explorer answers from what the sandbox metered (deploy guide §10.3): the AWS CLI's
`aws ce get-cost-and-usage`, checked against the price table applied to units the test works out
on its own (item sizes, DynamoDB's rounding, the calls each Mesh v2 field makes)."""
import asyncio
import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
PRICES = {p["usageType"]: float(p["usd"]) for p in json.loads((ROOT / "fixtures" / "prices.json").read_text())["regions"]["ap-northeast-1"]["prices"]}

CREATE_GROUP = """mutation($d: String!) { createGroup(name: "Class", hostId: "teacher", domain: $d, useWebSocket: true) { id } }"""


def this_month():
    now = datetime.now(timezone.utc)
    start = now.replace(day=1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return f"Start={start:%Y-%m-%d},End={end:%Y-%m-%d}"


def cost(sandbox, *args, metric="UnblendedCost", **filter_):
    """One monthly figure of `aws ce get-cost-and-usage` for this month."""
    extra = ["--filter", json.dumps(filter_)] if filter_ else []
    reply = json.loads(sandbox.aws("ce", "get-cost-and-usage", "--time-period", this_month(), "--granularity", "MONTHLY",
                                   "--metrics", metric, *extra, *args).stdout)
    assert len(reply["ResultsByTime"]) == 1
    figure = reply["ResultsByTime"][0]["Total"][metric]
    return float(figure["Amount"]), figure["Unit"]


def usage_types(*names):
    return {"Dimensions": {"Key": "USAGE_TYPE", "Values": list(names)}}


def test_guide_command_verbatim_answers_in_cost_explorers_shape(stack_sandbox):
    result = stack_sandbox.aws("ce", "get-cost-and-usage", "--time-period", "Start=2025-01-01,End=2025-01-31", "--granularity", "MONTHLY",
                               "--metrics", "UnblendedCost", "--filter", '{\n    "Tags": {\n      "Key": "Stage",\n      "Values": ["stg"]\n    }\n  }')
    reply = json.loads(result.stdout)
    assert reply["ResultsByTime"] == [{"TimePeriod": {"Start": "2025-01-01", "End": "2025-01-31"},
                                       "Total": {"UnblendedCost": {"Amount": "0", "Unit": "USD"}}, "Groups": [], "Estimated": False}]
    assert reply["DimensionValueAttributes"] == []


def test_mutations_cost_the_price_table_applied_to_their_units(stack_sandbox, mesh):
    """createGroup on a fresh domain: 1 AppSync request, a Query finding nothing (½ RRU, eventually
    consistent) and a PutItem of an item under 1 KB on a table whose one GSI projects ALL (1 WRU
    on the table + 1 on the index)."""
    metered = usage_types("APN1-Requests", "APN1-ReadRequestUnits", "APN1-WriteRequestUnits")
    before, _ = cost(stack_sandbox, **metered)
    n = 7
    for _ in range(n):
        mesh.data(CREATE_GROUP, {"d": f"cost-{uuid.uuid4().hex[:8]}.example"})
    after, unit = cost(stack_sandbox, **metered)
    expected = n * (PRICES["APN1-Requests"] + 0.5 * PRICES["APN1-ReadRequestUnits"] + 2 * PRICES["APN1-WriteRequestUnits"])
    assert unit == "USD"
    assert after - before == pytest.approx(expected, abs=2e-10)

    requests, _ = cost(stack_sandbox, metric="UsageQuantity", **usage_types("APN1-Requests"))
    assert requests >= n


def test_stage_stg_cost_equals_the_metered_units_and_prod_is_zero(stack_sandbox, mesh):
    stg = {"Tags": {"Key": "Stage", "Values": ["stg"]}}
    metered = {"And": [stg, usage_types("APN1-Requests", "APN1-ReadRequestUnits", "APN1-WriteRequestUnits")]}
    before, _ = cost(stack_sandbox, **metered)
    n = 5
    for _ in range(n):
        mesh.data(CREATE_GROUP, {"d": f"cost-{uuid.uuid4().hex[:8]}.example"})
    after, _ = cost(stack_sandbox, **metered)
    assert after - before == pytest.approx(n * (PRICES["APN1-Requests"] + 0.5 * PRICES["APN1-ReadRequestUnits"] + 2 * PRICES["APN1-WriteRequestUnits"]),
                                           abs=2e-10)
    # The guide's command, for this month: everything stg used, at least what the test counted.
    total, _ = cost(stack_sandbox, **stg)
    assert total >= after > 0
    assert cost(stack_sandbox, **{"Tags": {"Key": "Stage", "Values": ["prod"]}}) == (0.0, "USD")
    tags = json.loads(stack_sandbox.aws("ce", "get-tags", "--time-period", this_month(), "--tag-key", "Stage").stdout)
    assert "stg" in tags["Tags"] and "prod" not in tags["Tags"]


def test_real_time_updates_and_connection_minutes(stack_sandbox, mesh):
    """Three subscribers of one group, one report: 3 connections + 3 delivered messages (each under
    5 KB) are 6 real-time updates; closing the sockets records their connection minutes."""
    domain = f"cost-{uuid.uuid4().hex[:8]}.example"
    group = mesh.data(CREATE_GROUP, {"d": domain})["createGroup"]
    updates = usage_types("APN1-RealTimeUpdates")
    minutes = usage_types("APN1-ConnectionMinutes")
    u0, _ = cost(stack_sandbox, metric="UsageQuantity", **updates)
    m0, _ = cost(stack_sandbox, metric="UsageQuantity", **minutes)
    report = """mutation($g: ID!, $d: String!) { reportDataByNode(groupId: $g, domain: $d, nodeId: "n1", data: [{key: "t", value: "1"}]) {
  groupId domain nodeStatus { nodeId groupId domain data { key value } timestamp } batchEvent { firedByNodeId } groupDissolve { message } } }"""

    async def run():
        async with mesh.subscribe(group["id"], domain) as a, mesh.subscribe(group["id"], domain) as b, mesh.subscribe(group["id"], domain) as c:
            mesh.data(report, {"g": group["id"], "d": domain})
            for sub in (a, b, c):
                await sub.next()
    asyncio.run(run())
    u1, _ = cost(stack_sandbox, metric="UsageQuantity", **updates)
    assert u1 - u0 == 6
    deadline = time.monotonic() + 5
    while (m1 := cost(stack_sandbox, metric="UsageQuantity", **minutes)[0]) == m0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert 0 < m1 - m0 < 3  # three sockets open for well under a minute each
    price, _ = cost(stack_sandbox, **updates)
    assert price == pytest.approx(u1 * PRICES["APN1-RealTimeUpdates"], abs=1e-9)


def test_dynamodb_request_units_with_real_rounding(stack_sandbox):
    ddb = stack_sandbox.client("dynamodb")
    table = f"cost-{uuid.uuid4().hex[:6]}"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    writes = usage_types("APN1-WriteRequestUnits")
    reads = usage_types("APN1-ReadRequestUnits")
    w0, _ = cost(stack_sandbox, metric="UsageQuantity", **writes)
    r0, _ = cost(stack_sandbox, metric="UsageQuantity", **reads)
    # Item size = attribute names + values: "pk" + "k1" + "d" + payload.
    ddb.put_item(TableName=table, Item={"pk": {"S": "k1"}, "d": {"S": "x" * 5000}})  # 5005 B → 5 WRU
    ddb.put_item(TableName=table, Item={"pk": {"S": "k2"}, "d": {"S": "x" * 10}})    # 1 WRU
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "k3"}, "d": {"S": "y"}}}}])  # 2 × 1
    ddb.get_item(TableName=table, Key={"pk": {"S": "k1"}})                       # 5005 B → 2 × 4 KB → ½ × 2 = 1
    ddb.get_item(TableName=table, Key={"pk": {"S": "k1"}}, ConsistentRead=True)  # 2
    ddb.get_item(TableName=table, Key={"pk": {"S": "k2"}})                       # ½
    w1, unit = cost(stack_sandbox, metric="UsageQuantity", **writes)
    r1, _ = cost(stack_sandbox, metric="UsageQuantity", **reads)
    assert w1 - w0 == pytest.approx(8) and r1 - r0 == pytest.approx(3.5)
    assert unit == "N/A"
    grouped = json.loads(stack_sandbox.aws("ce", "get-cost-and-usage", "--time-period", this_month(), "--granularity", "MONTHLY",
                                           "--metrics", "UnblendedCost", "UsageQuantity", "--group-by", "Type=DIMENSION,Key=USAGE_TYPE",
                                           "--filter", json.dumps({"Dimensions": {"Key": "SERVICE", "Values": ["Amazon DynamoDB"]}})).stdout)
    assert grouped["GroupDefinitions"] == [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    groups = {g["Keys"][0]: g["Metrics"] for g in grouped["ResultsByTime"][0]["Groups"]}
    assert groups["APN1-WriteRequestUnits"]["UsageQuantity"]["Unit"] == "WriteRequestUnits"
    assert float(groups["APN1-WriteRequestUnits"]["UnblendedCost"]["Amount"]) == pytest.approx(
        float(groups["APN1-WriteRequestUnits"]["UsageQuantity"]["Amount"]) * PRICES["APN1-WriteRequestUnits"], abs=1e-9)


def test_logs_ingestion_is_billed_per_gb(stack_sandbox):
    logs = stack_sandbox.client("logs")
    group = f"/cost/{uuid.uuid4().hex[:6]}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    ingestion = usage_types("APN1-DataProcessing-Bytes")
    q0, _ = cost(stack_sandbox, metric="UsageQuantity", **ingestion)
    message = "m" * 100_000
    now = int(datetime.now(timezone.utc).timestamp() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": now + i, "message": message} for i in range(10)])
    q1, _ = cost(stack_sandbox, metric="UsageQuantity", **ingestion)
    assert q1 - q0 == pytest.approx(10 * (100_000 + 26) / 2**30, abs=2e-10)


def test_dimension_values_forecast_and_errors(stack_sandbox, mesh):
    mesh.data("mutation { createDomain }")
    services = json.loads(stack_sandbox.aws("ce", "get-dimension-values", "--time-period", this_month(), "--dimension", "SERVICE").stdout)
    values = [v["Value"] for v in services["DimensionValues"]]
    assert "AWS AppSync" in values and services["TotalSize"] == len(values)

    today = datetime.now(timezone.utc)
    end = today.replace(day=1, year=today.year + (today.month == 12), month=today.month % 12 + 1)
    forecast = json.loads(stack_sandbox.aws("ce", "get-cost-forecast", "--time-period", f"Start={today:%Y-%m-%d},End={end:%Y-%m-%d}",
                                            "--metric", "UNBLENDED_COST", "--granularity", "MONTHLY").stdout)
    assert forecast["Total"]["Unit"] == "USD" and float(forecast["Total"]["Amount"]) > 0
    assert len(forecast["ForecastResultsByTime"]) == 1

    bad = stack_sandbox.aws("ce", "get-cost-and-usage", "--time-period", "Start=2025-02-01,End=2025-01-01", "--granularity", "MONTHLY",
                            "--metrics", "UnblendedCost", check=False)
    assert bad.returncode != 0 and "ValidationException" in bad.stderr
    assert "Start date (and hour) should be before end date (and hour)" in bad.stderr
    bad = stack_sandbox.aws("ce", "get-cost-and-usage", "--time-period", this_month(), "--granularity", "WEEKLY",
                            "--metrics", "UnblendedCost", check=False)
    assert "Member must satisfy enum value set: [DAILY, MONTHLY, HOURLY]" in bad.stderr


def test_usage_survives_a_restart(make_sandbox):
    """Usage is flushed to SQLite periodically and on shutdown, so a stopped sandbox still knows it."""
    sandbox = make_sandbox()
    ddb = sandbox.client("dynamodb")
    ddb.create_table(TableName="durable", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    for i in range(3):
        ddb.put_item(TableName="durable", Item={"pk": {"S": f"k{i}"}})
    sandbox.restart()
    writes, _ = cost(sandbox, metric="UsageQuantity", **usage_types("APN1-WriteRequestUnits"))
    assert writes == 3
