"""AppSync end to end with real clients: the AWS CLI control plane (guide §6.3, §7.4), GraphQL
over HTTPS with `requests`, and the real-time protocol with `websockets` over wss:// trusting the
sandbox CA (mesh-v2-behavior.md §7, §8)."""
import asyncio
import base64
import json
import ssl

import pytest
import requests
import websockets

SDL = """
type Query { hello: String }
type Mutation { send(groupId: ID!, domain: String!, text: String): Message }
type Message { groupId: ID! domain: String! text: String }
type Subscription {
  onMessage(groupId: ID!, domain: String!): Message @aws_subscribe(mutations: ["send"])
}
"""
SUBSCRIPTION = 'subscription { onMessage(groupId: "g1", domain: "d1") { groupId domain text } }'
SEND = 'mutation { send(groupId: "g1", domain: "d1", text: "hi") { groupId domain text } }'


@pytest.fixture(scope="module")
def api(sandbox):
    client = sandbox.client("appsync")
    created = client.create_graphql_api(name="MeshV2Api-stg", authenticationType="API_KEY", tags={"Stage": "stg"})["graphqlApi"]
    api_id = created["apiId"]
    client.start_schema_creation(apiId=api_id, definition=SDL.encode())
    assert client.get_schema_creation_status(apiId=api_id)["status"] == "SUCCESS"
    client.create_data_source(apiId=api_id, name="Local", type="NONE")
    client.create_resolver(apiId=api_id, typeName="Mutation", fieldName="send", dataSourceName="Local")
    key = client.create_api_key(apiId=api_id)["apiKey"]["id"]
    return {"id": api_id, "key": key, "arn": created["arn"], "uris": created["uris"]}


def test_cli_lists_the_api_and_its_tags(sandbox, api):
    arn = sandbox.aws("appsync", "list-graphql-apis", "--query", "graphqlApis[?name=='MeshV2Api-stg'].arn", "--output", "text").stdout.strip()
    assert arn == api["arn"]
    tags = json.loads(sandbox.aws("appsync", "list-tags-for-resource", "--resource-arn", arn).stdout)
    assert tags == {"tags": {"Stage": "stg"}}
    assert json.loads(sandbox.aws("appsync", "list-domain-names").stdout) == {"domainNameConfigs": []}


def test_uris_point_at_this_sandbox(sandbox, api):
    assert api["uris"]["GRAPHQL"] == f"https://localhost:{sandbox.port}/apis/{api['id']}/graphql"
    assert api["uris"]["REALTIME"] == f"wss://localhost:{sandbox.port}/apis/{api['id']}/graphql/realtime"


def test_graphql_over_https_and_bad_key(sandbox, api):
    url = api["uris"]["GRAPHQL"]
    ok = requests.post(url, json={"query": SEND}, headers={"x-api-key": api["key"]}, verify=sandbox.ca, timeout=10)
    assert ok.status_code == 200
    assert ok.json() == {"data": {"send": {"groupId": "g1", "domain": "d1", "text": "hi"}}}
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    bad = requests.post(url, json={"query": SEND}, headers={"x-api-key": "da2-wrong"}, verify=sandbox.ca, timeout=10)
    assert bad.status_code == 401
    assert bad.json() == {"errors": [{"errorType": "UnauthorizedException", "message": "You are not authorized to make this call."}]}


def _header(key):
    return base64.b64encode(json.dumps({"host": "localhost", "x-api-key": key}).encode()).decode()


async def _recv(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


@pytest.mark.parametrize("carrier", ["query", "subprotocol", "extensions"])
def test_realtime_flow_with_each_auth_carrier(sandbox, api, carrier):
    async def run():
        context = ssl.create_default_context(cafile=sandbox.ca)
        url = api["uris"]["REALTIME"]
        protocols = ["graphql-ws"]
        if carrier == "query":
            url += f"?header={_header(api['key'])}&payload=e30="
        elif carrier == "subprotocol":
            protocols.append("header-" + base64.urlsafe_b64encode(json.dumps({"host": "localhost", "x-api-key": api["key"]}).encode()).decode().rstrip("="))
        async with websockets.connect(url, subprotocols=protocols, ssl=context) as ws:
            assert ws.subprotocol == "graphql-ws"
            await ws.send(json.dumps({"type": "connection_init"}))
            assert await _recv(ws) == {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}}
            assert await _recv(ws) == {"type": "ka"}
            payload = {"data": json.dumps({"query": SUBSCRIPTION, "variables": {}})}
            if carrier == "extensions":
                payload["extensions"] = {"authorization": {"x-api-key": api["key"], "host": "localhost"}}
            await ws.send(json.dumps({"id": "s1", "type": "start", "payload": payload}))
            assert await _recv(ws) == {"id": "s1", "type": "start_ack"}
            await asyncio.to_thread(requests.post, api["uris"]["GRAPHQL"], json={"query": SEND},
                                    headers={"x-api-key": api["key"]}, verify=sandbox.ca, timeout=10)
            assert await _recv(ws) == {"id": "s1", "type": "data", "payload": {"data": {"onMessage": {"groupId": "g1", "domain": "d1", "text": "hi"}}}}
            await ws.send(json.dumps({"id": "s1", "type": "stop"}))
            assert await _recv(ws) == {"id": "s1", "type": "complete"}
    asyncio.run(run())


@pytest.mark.parametrize("path", ["/apis/{id}/graphql/realtime", "/apis/nope/graphql/realtime"])
def test_bad_key_or_unknown_api_gets_connection_error(sandbox, api, path):
    async def run():
        url = f"ws://127.0.0.1:{sandbox.port}{path.format(id=api['id'])}?header={_header('da2-wrong' if 'nope' not in path else api['key'])}"
        async with websockets.connect(url, subprotocols=["graphql-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            message = await _recv(ws)
            assert message["type"] == "connection_error"
            assert message["payload"]["errors"][0]["errorType"] == "UnauthorizedException"
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
    asyncio.run(run())


def test_malformed_and_unknown_frames_get_errors(sandbox, api):
    async def run():
        url = f"ws://127.0.0.1:{sandbox.port}/graphql/realtime?header={_header(api['key'])}"
        async with websockets.connect(url, subprotocols=["graphql-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            await _recv(ws), await _recv(ws)
            await ws.send("not json")
            assert (await _recv(ws))["type"] == "error"
            await ws.send(json.dumps({"type": "subscribe", "id": "x"}))
            reply = await _recv(ws)
            assert reply["type"] == "error"
            assert reply["payload"]["errors"][0]["errorType"] == "UnsupportedOperation"
            await ws.send(json.dumps({"id": "bad", "type": "start", "payload": {"data": json.dumps({"query": "subscription { onMessage(groupId: \"g\") { text } }"})}}))
            reply = await _recv(ws)
            assert reply == {"id": "bad", "type": "error", "payload": {"errors": [{
                "message": "Validation error of type MissingFieldArgument: Missing field argument domain @ 'onMessage'",
                "locations": [{"line": 1, "column": 16, "sourceName": None}]}]}}
    asyncio.run(run())


def test_apis_and_keys_survive_a_kill_9_and_reset_clears_them(make_sandbox, tmp_data):
    import signal
    sandbox = make_sandbox(data_dir=tmp_data)
    client = sandbox.client("appsync")
    api_id = client.create_graphql_api(name="Persisted", authenticationType="API_KEY")["graphqlApi"]["apiId"]
    client.start_schema_creation(apiId=api_id, definition=SDL.encode())
    client.create_data_source(apiId=api_id, name="Local", type="NONE")
    client.create_resolver(apiId=api_id, typeName="Mutation", fieldName="send", dataSourceName="Local")
    key = client.create_api_key(apiId=api_id)["apiKey"]["id"]
    sandbox.restart(sig=signal.SIGKILL)
    url = sandbox.client("appsync").get_graphql_api(apiId=api_id)["graphqlApi"]["uris"]["GRAPHQL"]
    assert url == f"https://localhost:{sandbox.port}/apis/{api_id}/graphql"
    reply = requests.post(f"{sandbox.http}/apis/{api_id}/graphql", json={"query": SEND}, headers={"x-api-key": key}, timeout=10)
    assert reply.json() == {"data": {"send": {"groupId": "g1", "domain": "d1", "text": "hi"}}}
    requests.post(sandbox.http + "/_sandbox/reset", timeout=10).raise_for_status()
    assert sandbox.client("appsync").list_graphql_apis()["graphqlApis"] == []
    gone = requests.post(f"{sandbox.http}/apis/{api_id}/graphql", json={"query": SEND}, headers={"x-api-key": key}, timeout=10)
    assert gone.status_code == 401
