"""Mesh v2 itself, field by field (mesh-v2-behavior.md §5), over HTTPS and WSS like real clients."""
import asyncio
import re
import time
import uuid
import zlib
from datetime import datetime, timezone

import pytest

from mesh import Mesh

CREATE_GROUP = """mutation($name: String!, $hostId: ID!, $domain: String!, $max: Int, $ws: Boolean!) {
  createGroup(name: $name, hostId: $hostId, domain: $domain, maxConnectionTimeSeconds: $max, useWebSocket: $ws) {
    id domain fullId name hostId expiresAt heartbeatIntervalSeconds useWebSocket pollingIntervalSeconds } }"""
JOIN = "mutation($g: ID!, $d: String!, $n: ID!) { joinGroup(groupId: $g, domain: $d, nodeId: $n) { id name groupId domain expiresAt heartbeatIntervalSeconds useWebSocket pollingIntervalSeconds } }"
REPORT = """mutation($g: ID!, $d: String!, $n: ID!, $data: [SensorDataInput!]!) { reportDataByNode(groupId: $g, domain: $d, nodeId: $n, data: $data) {
  groupId domain nodeStatus { nodeId groupId domain data { key value } timestamp } batchEvent { firedByNodeId } groupDissolve { message } } }"""
FIRE = """mutation($g: ID!, $d: String!, $n: ID!, $events: [EventInput!]!) { fireEventsByNode(groupId: $g, domain: $d, nodeId: $n, events: $events) {
  groupId domain batchEvent { events { name firedByNodeId groupId domain payload timestamp } firedByNodeId groupId domain timestamp } } }"""
RECORD = "mutation($g: ID!, $d: String!, $n: ID!, $events: [EventInput!]!) { recordEventsByNode(groupId: $g, domain: $d, nodeId: $n, events: $events) { groupId domain recordedCount nextSince } }"
SINCE = "query($g: ID!, $d: String!, $s: String!) { getEventsSince(groupId: $g, domain: $d, since: $s) { name firedByNodeId groupId domain payload timestamp cursor } }"
DISSOLVE = "mutation($g: ID!, $d: String!, $h: ID!) { dissolveGroup(groupId: $g, domain: $d, hostId: $h) { groupId domain groupDissolve { groupId domain message } } }"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def iso_seconds(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.fixture
def domain():
    return f"e2e-{uuid.uuid4().hex[:8]}.example"


def create_group(mesh, domain, host="host-1", name="Room", max_seconds=None, ws=True):
    return mesh.data(CREATE_GROUP, {"name": name, "hostId": host, "domain": domain, "max": max_seconds, "ws": ws})["createGroup"]


def test_create_domain_is_the_crc32_of_the_secret_and_the_callers_ip(mesh):
    secret = "dev-secret-key-for-testing"  # fixtures/.env.stg
    assert mesh.data("mutation { createDomain }")["createDomain"] == "656b7986"  # 127.0.0.1, the published vector
    behind_proxy = mesh.data("mutation { createDomain }", headers={"X-Forwarded-For": "203.0.113.5, 10.0.0.1"})["createDomain"]
    assert behind_proxy == format(zlib.crc32((secret + "203.0.113.5").encode()), "x")


def test_create_group_shapes_defaults_and_idempotency(mesh, domain):
    started = time.time()
    group = create_group(mesh, domain)
    assert group["fullId"] == f"{group['id']}@{domain}" and re.fullmatch(r"[0-9a-f-]{36}", group["id"])
    assert group["heartbeatIntervalSeconds"] == 15 and group["useWebSocket"] is True and group["pollingIntervalSeconds"] is None
    assert ISO_MS.match(group["expiresAt"]) and abs(iso_seconds(group["expiresAt"]) - (started + 300)) < 5
    again = create_group(mesh, domain, name="Other name", ws=False)
    assert again == group  # same host and domain: the stored group, arguments ignored
    other = create_group(mesh, domain, host="host-2")
    assert other["id"] != group["id"]
    listed = mesh.data("query($d: String!) { listGroupsByDomain(domain: $d) { id fullId name hostId expiresAt heartbeatIntervalSeconds } }",
                       {"d": domain})["listGroupsByDomain"]
    assert [g["id"] for g in listed] == sorted([group["id"], other["id"]])
    assert all(g["heartbeatIntervalSeconds"] is None for g in listed)
    assert mesh.data('query { listGroupsByDomain(domain: "nobody-here") { id } }')["listGroupsByDomain"] == []


def test_polling_group(mesh, domain):
    group = create_group(mesh, domain, ws=False, max_seconds=60)
    assert group["useWebSocket"] is False and group["pollingIntervalSeconds"] == 2
    node = mesh.data(JOIN, {"g": group["id"], "d": domain, "n": "n1"})["joinGroup"]
    assert node["useWebSocket"] is False and node["pollingIntervalSeconds"] == 2 and node["expiresAt"] == group["expiresAt"]


@pytest.mark.parametrize("variables, message", [
    ({"domain": "x" * 257}, "Domain must be 256 characters or less"),
    ({"max": 0}, "maxConnectionTimeSeconds must be at least 1"),
    ({"max": 301}, "maxConnectionTimeSeconds cannot exceed 300"),
])
def test_create_group_validation_errors(mesh, domain, variables, message):
    base = {"name": "n", "hostId": f"h-{uuid.uuid4().hex[:6]}", "domain": domain, "max": None, "ws": True}
    error = mesh.error(CREATE_GROUP, {**base, **variables})
    assert (error["errorType"], error["message"]) == ("ValidationError", message)
    assert error["path"] == ["createGroup"]


def test_graphql_validation_errors_read_like_appsync(mesh):
    body = mesh.gql('mutation { createGroup(name: "a", hostId: "b", domain: "c", useWebSocket: true) { id createdAt } }')
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("Validation error of type FieldUndefined: Field 'createdAt' in type 'Group' is undefined")
    missing = mesh.gql('mutation { createGroup(name: "a", hostId: "b", domain: "c") { id } }')
    assert "MissingFieldArgument: Missing field argument useWebSocket" in missing["errors"][0]["message"]


def test_wrong_api_key_is_401(mesh):
    body = mesh.gql("{ __typename }", key="da2-notakeyatall00000000000000")
    assert body == {"errors": [{"errorType": "UnauthorizedException", "message": "You are not authorized to make this call."}]}


def test_join_heartbeats_and_authorization(mesh, domain):
    group = create_group(mesh, domain)
    g = {"g": group["id"], "d": domain}
    node = mesh.data(JOIN, {**g, "n": "node-1"})["joinGroup"]
    assert node == {"id": "node-1", "name": "Node node-1", "groupId": group["id"], "domain": domain, "expiresAt": group["expiresAt"],
                    "heartbeatIntervalSeconds": 15, "useWebSocket": True, "pollingIntervalSeconds": None}
    renewed = mesh.data("mutation($g: ID!, $d: String!, $h: ID!) { renewHeartbeat(groupId: $g, domain: $d, hostId: $h) { groupId domain expiresAt heartbeatIntervalSeconds } }",
                        {**g, "h": "host-1"})["renewHeartbeat"]
    assert renewed == {"groupId": group["id"], "domain": domain, "expiresAt": group["expiresAt"], "heartbeatIntervalSeconds": 15}
    intruder = mesh.error("mutation($g: ID!, $d: String!, $h: ID!) { renewHeartbeat(groupId: $g, domain: $d, hostId: $h) { groupId } }", {**g, "h": "intruder"})
    assert (intruder["errorType"], intruder["message"]) == ("Unauthorized", "Only the host can renew the heartbeat")
    beat_q = "mutation($g: ID!, $d: String!, $n: ID!) { sendMemberHeartbeat(groupId: $g, domain: $d, nodeId: $n) { nodeId groupId domain expiresAt heartbeatIntervalSeconds } }"
    before = int(time.time())
    beat = mesh.data(beat_q, {**g, "n": "node-1"})["sendMemberHeartbeat"]
    assert beat["expiresAt"].endswith(".000Z") and before + 59 <= iso_seconds(beat["expiresAt"]) <= before + 62
    stranger = mesh.error(beat_q, {**g, "n": "stranger"})
    assert (stranger["errorType"], stranger["message"]) == ("NodeNotFound", "Node not found")
    missing = mesh.error(JOIN, {"g": "no-such-group", "d": domain, "n": "x"})
    assert (missing["errorType"], missing["message"]) == ("GroupNotFound", f"Group not found: no-such-group@{domain}")


def test_report_data_is_published_to_subscribers_of_that_group_only(mesh, domain):
    group = create_group(mesh, domain)
    other = create_group(mesh, domain, host="host-other")

    async def run():
        async with mesh.subscribe(group["id"], domain) as mine, mesh.subscribe(other["id"], domain) as theirs:
            data = [{"key": "温度", "value": "21"}, {"key": "🙂", "value": "x"}]
            result = mesh.data(REPORT, {"g": group["id"], "d": domain, "n": "node-7", "data": data})["reportDataByNode"]
            assert result["nodeStatus"]["data"] == data and result["batchEvent"] is None
            message = (await mine.next())["data"]["onMessageInGroup"]
            assert message["nodeStatus"] == result["nodeStatus"] and message["batchEvent"] is None and message["groupDissolve"] is None
            assert await theirs.nothing()
    asyncio.run(run())
    statuses = mesh.data("query($g: ID!, $d: String!) { listGroupStatuses(groupId: $g, domain: $d) { nodeId data { key value } timestamp } }",
                         {"g": group["id"], "d": domain})["listGroupStatuses"]
    assert [s["nodeId"] for s in statuses] == ["node-7"] and ISO_MS.match(statuses[0]["timestamp"])
    empty = mesh.error('query { listGroupStatuses(groupId: "", domain: "") { nodeId } }')
    assert (empty["errorType"], empty["message"]) == ("ValidationError", "groupId and domain are required")


def test_fire_events_delivers_batches_in_order(mesh, domain):
    group = create_group(mesh, domain)

    async def run():
        async with mesh.subscribe(group["id"], domain) as sub:
            for batch in range(3):
                events = [{"eventName": f"e{batch}-{i}", "payload": "" if i == 0 else f"p{i}", "firedAt": "2026-01-11T09:55:15.123Z"} for i in range(2)]
                mesh.data(FIRE, {"g": group["id"], "d": domain, "n": "node-1", "events": events})
            for batch in range(3):
                message = (await sub.next())["data"]["onMessageInGroup"]["batchEvent"]
                assert [e["name"] for e in message["events"]] == [f"e{batch}-0", f"e{batch}-1"]
                assert message["events"][0]["payload"] is None and message["events"][1]["payload"] == "p1"
                assert message["events"][0]["timestamp"] == "2026-01-11T09:55:15.123Z" and message["firedByNodeId"] == "node-1"
    asyncio.run(run())


def test_recorded_events_page_by_cursor_and_are_not_published(mesh, domain):
    group = create_group(mesh, domain, ws=False)
    g = {"g": group["id"], "d": domain}

    async def record():
        async with mesh.subscribe(group["id"], domain) as sub:
            out = mesh.data(RECORD, {**g, "n": "n1", "events": [{"eventName": f"e{i}", "payload": "", "firedAt": "2020-01-01T00:00:00.000Z"} for i in range(3)]})
            assert await sub.nothing()
            return out["recordEventsByNode"]
    recorded = asyncio.run(record())
    assert recorded["recordedCount"] == 3 and re.match(r"^EVENT#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00#[0-9a-f-]{36}$", recorded["nextSince"])
    events = mesh.data(SINCE, {**g, "s": ""})["getEventsSince"]
    assert sorted(e["name"] for e in events) == ["e0", "e1", "e2"]
    assert all(e["payload"] == "" and e["timestamp"].endswith("+00:00") for e in events)  # server time, firedAt ignored
    assert [e["cursor"] for e in events] == sorted(e["cursor"] for e in events)
    after_first = mesh.data(SINCE, {**g, "s": events[0]["cursor"]})["getEventsSince"]
    assert [e["cursor"] for e in after_first] == [e["cursor"] for e in events[1:]]
    empty = mesh.data(RECORD, {**g, "n": "n1", "events": []})["recordEventsByNode"]
    assert empty["recordedCount"] == 0 and empty["nextSince"].startswith("EVENT#")
    unknown = mesh.error(RECORD, {"g": "missing", "d": domain, "n": "n1", "events": []})
    assert (unknown["errorType"], unknown["message"]) == ("Lambda:Unhandled", "Group not found")


def test_leave_list_and_node_status(mesh, domain):
    group = create_group(mesh, domain)
    g = {"g": group["id"], "d": domain}
    for n in ("a", "b"):
        mesh.data(JOIN, {**g, "n": n})
    mesh.data(REPORT, {**g, "n": "a", "data": [{"key": "k", "value": "v"}]})
    status = mesh.data('query($n: ID!) { getNodeStatus(nodeId: $n) { nodeId groupId domain data { key value } } }', {"n": "a"})["getNodeStatus"]
    assert status == {"nodeId": "a", "groupId": group["id"], "domain": domain, "data": [{"key": "k", "value": "v"}]}
    assert mesh.data('query { getNodeStatus(nodeId: "nobody") { nodeId } }') == {"getNodeStatus": None}
    nodes_q = "query($g: ID!, $d: String!) { listNodesInGroup(groupId: $g, domain: $d) { id name groupId domain expiresAt } }"
    assert [n["id"] for n in mesh.data(nodes_q, g)["listNodesInGroup"]] == ["a", "b"]
    async def leave():
        async with mesh.subscribe(group["id"], domain) as sub:
            result = mesh.data("mutation($g: ID!, $d: String!, $n: ID!) { leaveGroup(groupId: $g, domain: $d, nodeId: $n) { peerId groupId domain message } }", {**g, "n": "a"})
            assert await sub.nothing()  # leaving publishes nothing
            return result
    left = asyncio.run(leave())
    assert left["leaveGroup"] == {"peerId": "a", "groupId": group["id"], "domain": domain, "message": f"Peer a successfully left group {group['id']}"}
    assert [n["id"] for n in mesh.data(nodes_q, g)["listNodesInGroup"]] == ["b"]
    assert mesh.data('query($n: ID!) { getNodeStatus(nodeId: $n) { nodeId } }', {"n": "a"}) == {"getNodeStatus": None}


def test_dissolve_publishes_and_removes_the_group(mesh, domain):
    group = create_group(mesh, domain)
    g = {"g": group["id"], "d": domain}
    mesh.data(JOIN, {**g, "n": "m"})
    not_host = mesh.error(DISSOLVE, {**g, "h": "m"})
    assert (not_host["errorType"], not_host["message"]) == ("Lambda:Unhandled", f"Only the host can dissolve the group. Host: host-1, Requested by: m")

    async def run():
        async with mesh.subscribe(group["id"], domain) as sub:
            result = mesh.data(DISSOLVE, {**g, "h": "host-1"})["dissolveGroup"]
            message = (await sub.next())["data"]["onMessageInGroup"]
            assert message["groupDissolve"] == result["groupDissolve"] == {
                "groupId": group["id"], "domain": domain, "message": f"Group {group['id']}@{domain} has been dissolved successfully."}
    asyncio.run(run())
    again = mesh.error(DISSOLVE, {**g, "h": "host-1"})
    assert again["message"] == f"Group not found: {group['id']}@{domain}"
    assert mesh.data('query($d: String!) { listGroupsByDomain(domain: $d) { id } }', {"d": domain})["listGroupsByDomain"] == []
    gone = mesh.error(JOIN, {**g, "n": "late"})
    assert gone["errorType"] == "GroupNotFound"


@pytest.fixture(scope="module")
def fast(tmp_path_factory):
    """A stage with 2-second heartbeats and TTLs, swept every 0.2 s, so expiry shows within seconds."""
    from conftest import Sandbox
    root = tmp_path_factory.mktemp("fast")
    env = root / ".env.fast"
    env.write_text("STAGE=fast\nMESH_HOST_HEARTBEAT_INTERVAL_SECONDS=1\nMESH_HOST_HEARTBEAT_TTL_SECONDS=2\n"
                   "MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS=1\nMESH_MEMBER_HEARTBEAT_TTL_SECONDS=2\n"
                   "MESH_MAX_CONNECTION_TIME_SECONDS=300\nMESH_EVENT_TTL_SECONDS=2\n")
    sandbox = Sandbox(root / "data", ["--env-file", str(env), "--ttl-sweep-seconds", "0.2"]).start()
    yield Mesh(sandbox, stack="MeshV2Stack-fast")
    sandbox.stop()


def test_heartbeat_staleness_and_member_ttl_expiry(fast, domain):
    group = create_group(fast, domain)
    g = {"g": group["id"], "d": domain}
    fast.data(JOIN, {**g, "n": "m"})
    time.sleep(3.5)  # past both TTLs: the sweeper deletes the group, its membership and the lookup
    assert fast.data("query($g: ID!, $d: String!) { listNodesInGroup(groupId: $g, domain: $d) { id } }", g)["listNodesInGroup"] == []
    error = fast.error(JOIN, {**g, "n": "late"})
    assert error["errorType"] == "GroupNotFound"
    # A group that heart-beats stays; one that stops goes stale before its TTL item is swept.
    live = create_group(fast, domain, host="keeps-beating")
    for _ in range(3):
        time.sleep(1)
        fast.data("mutation($g: ID!, $d: String!, $h: ID!) { renewHeartbeat(groupId: $g, domain: $d, hostId: $h) { groupId } }",
                  {"g": live["id"], "d": domain, "h": "keeps-beating"})
    assert [x["id"] for x in fast.data('query($d: String!) { listGroupsByDomain(domain: $d) { id } }', {"d": domain})["listGroupsByDomain"]] == [live["id"]]


def test_recorded_events_expire_with_the_event_ttl(fast, domain):
    group = create_group(fast, domain, ws=False)
    g = {"g": group["id"], "d": domain}
    fast.data(RECORD, {**g, "n": "n", "events": [{"eventName": "e", "firedAt": "2020-01-01T00:00:00.000Z"}]})
    assert len(fast.data(SINCE, {**g, "s": ""})["getEventsSince"]) == 1
    time.sleep(3.5)
    assert fast.data(SINCE, {**g, "s": ""})["getEventsSince"] == []
