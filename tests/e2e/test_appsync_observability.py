"""Deploy guide §8 (CloudWatch Logs) and §9 (X-Ray) against the stg stack after real GraphQL traffic.

The stg API logs at field level ALL with verbose content and has X-Ray on (MeshV2Stack-stg). The
AWS CLI here is v1, which has no `logs tail`; `tail_follow` replays CLI v2's call pattern."""
import asyncio
import json
import time
import uuid

import pytest
import requests

from mesh import Mesh

CREATE_GROUP = """mutation($name: String!, $hostId: ID!, $domain: String!) {
  createGroup(name: $name, hostId: $hostId, domain: $domain, useWebSocket: true) { id domain name } }"""
JOIN = "mutation($g: ID!, $d: String!, $n: ID!) { joinGroup(groupId: $g, domain: $d, nodeId: $n) { id } }"


def post(mesh, query, variables):
    """One GraphQL request; returns AppSync's request id (what its log lines carry) and the body."""
    r = requests.post(mesh.endpoint, json={"query": query, "variables": variables}, headers={"x-api-key": mesh.key},
                      verify=mesh.sandbox.ca, timeout=10)
    return r.headers["x-amzn-RequestId"], r.json()


def api_id(mesh):
    return mesh.endpoint.split("/apis/")[1].split("/")[0]


def eventually(check, timeout=5.0):
    """Log and trace writes are batched off the request path: poll briefly."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def filter_events(sandbox, group, *args):
    return json.loads(sandbox.aws("logs", "filter-log-events", "--log-group-name", group, *args).stdout)["events"]


def tail_follow(logs, group, state, since_ms):
    """One poll of CLI v2's `aws logs tail --follow` (FollowLogEventsGenerator in awscli/customizations/logs/tail.py):
    FilterLogEvents with interleaved and startTime, following nextToken; after each page only the ids of the
    newest timestamp are kept; when a page has no nextToken, startTime becomes that newest timestamp (the real
    loop then sleeps 5 s) and events already seen at it are not yielded again."""
    kwargs = state.setdefault("kwargs", {"logGroupName": group, "interleaved": True, "startTime": since_ms})
    ids = state.setdefault("ids", {})
    out = []
    while True:
        response = logs.filter_log_events(**kwargs)
        for event in response["events"]:
            seen = ids.setdefault(event["timestamp"], set())
            if event["eventId"] not in seen:
                seen.add(event["eventId"])
                out.append(event)
        if ids:
            newest = max(ids)
            ids = state["ids"] = {newest: ids[newest]}
        if "nextToken" in response:
            kwargs["nextToken"] = response["nextToken"]
            continue
        if ids:
            kwargs["startTime"] = max(ids)
        kwargs.pop("nextToken", None)
        return out


def test_section8_cloudwatch_logs(stack_sandbox, mesh):
    sandbox = stack_sandbox
    domain = f"logs-{uuid.uuid4().hex[:8]}.example"
    ok = [post(mesh, CREATE_GROUP, {"name": f"G{i}", "hostId": f"h{i}", "domain": domain}) for i in range(3)]
    assert all("errors" not in body for _, body in ok)
    failed = [post(mesh, JOIN, {"g": f"missing-{i}", "d": domain, "n": "n1"}) for i in range(2)]
    assert all(body.get("errors") for _, body in failed)
    group = f"/aws/appsync/apis/{api_id(mesh)}"

    # aws logs describe-log-groups --log-group-name-prefix /aws/appsync/apis, and the guide's --query.
    groups = eventually(lambda: json.loads(sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix",
                                                       "/aws/appsync/apis").stdout)["logGroups"])
    assert [g["logGroupName"] for g in groups] == [group]
    name = sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/appsync/apis",
                       "--query", "logGroups[0].logGroupName", "--output", "text").stdout.strip()
    assert name == group

    # filter-log-events --filter-pattern ERROR: exactly the failed requests' error lines.
    summaries = eventually(lambda: len(filter_events(sandbox, group, "--filter-pattern", '{ $.logType = "RequestSummary" }')) == 5)
    assert summaries
    errors = filter_events(sandbox, group, "--filter-pattern", "ERROR")
    assert sorted(e["message"].split(" ")[0] for e in errors) == sorted(rid for rid, _ in failed)
    assert all(" ERROR " in e["message"] for e in errors)

    # JSON patterns: one request's summary by its id; the field-level trace of every createGroup.
    first = ok[0][0]
    mine = filter_events(sandbox, group, "--filter-pattern", f'{{ $.logType = "RequestSummary" && $.requestId = "{first}" }}')
    assert len(mine) == 1 and json.loads(mine[0]["message"])["statusCode"] == 200
    traced = filter_events(sandbox, group, "--filter-pattern", '{ $.logType = "Tracing" && $.fieldName = "createGroup" }')
    assert len(traced) == 3 and all(json.loads(e["message"])["duration"] >= 0 for e in traced)
    in_error = filter_events(sandbox, group, "--filter-pattern", "{ $.fieldInError IS TRUE && $.logType = ResponseMapping }")
    assert sorted(json.loads(e["message"])["requestId"] for e in in_error) == sorted(rid for rid, _ in failed)
    query = filter_events(sandbox, group, "--filter-pattern", f'"{first} GraphQL Query"')
    assert len(query) == 1 and "createGroup" in query[0]["message"]

    # `aws logs tail "$LOG_GROUP_NAME" --follow`, replayed: everything once, then only what is new, once.
    logs = sandbox.client("logs")
    state = {}
    since = int((time.time() - 600) * 1000)  # the CLI's default --since 10m
    everything = filter_events(sandbox, group)
    first_poll = tail_follow(logs, group, state, since)
    assert sorted(e["eventId"] for e in first_poll) == sorted(e["eventId"] for e in everything)
    assert tail_follow(logs, group, state, since) == []  # the re-poll from the last timestamp yields nothing again
    new_id, _ = post(mesh, CREATE_GROUP, {"name": "Late", "hostId": "h-late", "domain": domain})
    fresh = []
    eventually(lambda: fresh.extend(tail_follow(logs, group, state, since)) or any(
        json.loads(e["message"]).get("logType") == "RequestSummary" for e in fresh if e["message"].startswith("{")))
    assert fresh and all(new_id in e["message"] for e in fresh)
    assert len({e["eventId"] for e in fresh}) == len(fresh)
    assert tail_follow(logs, group, state, since) == []

    # Real-time: the connection and the subscription appear in the request-level log.
    async def subscribe():
        async with mesh.subscribe("g-rt", domain):
            pass
    asyncio.run(subscribe())
    realtime = eventually(lambda: filter_events(sandbox, group, "--filter-pattern", '"Subscription registered"'))
    assert len(realtime) == 1 and "onMessageInGroup" in realtime[0]["message"]
    assert filter_events(sandbox, group, "--filter-pattern", '"Realtime connection established"')


def test_section9_xray_traces(stack_sandbox, mesh):
    sandbox = stack_sandbox
    # The CLI sends whole epoch seconds: start on a fresh second so earlier requests stay outside the window.
    time.sleep(1.02 - time.time() % 1)
    start = int(time.time())
    domain = f"xray-{uuid.uuid4().hex[:8]}.example"
    for i in range(4):
        _, body = post(mesh, CREATE_GROUP, {"name": f"X{i}", "hostId": f"x{i}", "domain": domain})
        assert "errors" not in body
    window = ["--start-time", str(start), "--end-time", str(int(time.time()) + 2)]

    summaries = eventually(lambda: (lambda s: s if len(s) == 4 else None)(
        json.loads(sandbox.aws("xray", "get-trace-summaries", *window).stdout)["TraceSummaries"]))
    assert summaries and len(summaries) == 4
    assert all(s["Id"].startswith("1-") and not s["HasError"] and s["Http"]["HttpStatus"] == 200 for s in summaries)
    assert summaries[0]["EntryPoint"]["Type"] == "AWS::AppSync::GraphQLAPI"

    traces = json.loads(sandbox.aws("xray", "batch-get-traces", "--trace-ids", *[s["Id"] for s in summaries]).stdout)
    assert len(traces["Traces"]) == 4 and traces["UnprocessedTraceIds"] == []
    for trace in traces["Traces"]:
        documents = [json.loads(s["Document"]) for s in trace["Segments"]]
        api = next(d for d in documents if d.get("origin") == "AWS::AppSync::GraphQLAPI")
        assert api["name"] == "MeshV2Api-stg" and api["end_time"] >= api["start_time"]
        resolver = next(s for s in api["subsegments"] if s["name"] == "Mutation.createGroup")
        calls = resolver["subsegments"]
        assert calls and all(c["name"] == "DynamoDB" and c["namespace"] == "aws" for c in calls)
        assert all(c["aws"]["table_name"].startswith("MeshV2Table") and c["aws"]["operation"] for c in calls)
        assert any(d.get("inferred") and d["origin"] == "AWS::DynamoDB::Table" for d in documents)

    # A client's own segment (PutTraceSegments) joins the store; a malformed one is reported back.
    own = {"id": "70de5b6f19ff9a0a", "trace_id": "1-" + format(int(time.time()), "08x") + "-" + uuid.uuid4().hex[:24],
           "name": "smalruby-client", "start_time": time.time() - 0.1, "end_time": time.time()}
    put = json.loads(sandbox.aws("xray", "put-trace-segments", "--trace-segment-documents", json.dumps(own), '{"id": "bad"}').stdout)
    assert [u["Id"] for u in put["UnprocessedTraceSegments"]] == ["bad"]
    fetched = json.loads(sandbox.aws("xray", "batch-get-traces", "--trace-ids", own["trace_id"]).stdout)["Traces"]
    assert json.loads(fetched[0]["Segments"][0]["Document"])["name"] == "smalruby-client"

    graph = json.loads(sandbox.aws("xray", "get-service-graph", *window).stdout)
    services = {s["Type"]: s for s in graph["Services"]}
    assert {"client", "AWS::AppSync::GraphQLAPI", "AWS::DynamoDB::Table"} <= set(services)
    api = services["AWS::AppSync::GraphQLAPI"]
    assert api["Name"] == "MeshV2Api-stg" and api["SummaryStatistics"]["TotalCount"] == 4
    assert [e["ReferenceId"] for e in api["Edges"]] == [services["AWS::DynamoDB::Table"]["ReferenceId"]]


def test_logs_and_traces_pending_at_shutdown_are_written(make_sandbox):
    sandbox = make_sandbox(stacks=True)
    mesh = Mesh(sandbox)
    request_id, body = post(mesh, CREATE_GROUP, {"name": "Last", "hostId": "h-last", "domain": "shutdown.example"})
    assert "errors" not in body
    sandbox.restart()  # SIGTERM right away: the batch not yet written is flushed before the process exits
    group = f"/aws/appsync/apis/{api_id(mesh)}"
    found = filter_events(sandbox, group, "--filter-pattern", f'{{ $.requestId = "{request_id}" && $.logType = "RequestSummary" }}')
    assert len(found) == 1
    now = int(time.time())
    traces = json.loads(sandbox.aws("xray", "get-trace-summaries", "--start-time", str(now - 60), "--end-time", str(now + 2)).stdout)
    assert len(traces["TraceSummaries"]) == 1
