"""A small Mesh v2 client for the tests: GraphQL over HTTPS and AppSync real-time over WSS,
both verifying the sandbox CA, as the Smalruby clients and upstream's RSpec helper do."""
import asyncio
import base64
import json
import ssl
import uuid

import requests
import websockets


class Mesh:
    def __init__(self, sandbox, stack="MeshV2Stack-stg"):
        def output(key):
            return sandbox.aws("cloudformation", "describe-stacks", "--stack-name", stack, "--query",
                               f"Stacks[0].Outputs[?OutputKey==`{key}`].OutputValue", "--output", "text").stdout.strip()
        self.sandbox = sandbox
        self.endpoint = output("GraphQLApiEndpoint")
        self.key = output("GraphQLApiKey")

    def gql(self, query, variables=None, key=None, headers=None):
        response = requests.post(self.endpoint, json={"query": query, "variables": variables or {}}, timeout=10,
                                 headers={"x-api-key": key or self.key, **(headers or {})}, verify=self.sandbox.ca)
        return response.json()

    def data(self, query, variables=None, **kwargs):
        body = self.gql(query, variables, **kwargs)
        assert body.get("errors") is None, body
        return body["data"]

    def error(self, query, variables=None):
        body = self.gql(query, variables)
        assert body.get("errors"), body
        return body["errors"][0]

    def subscribe(self, group_id, domain, selection=None):
        return Subscription(self, group_id, domain, selection)


SUBSCRIPTION = """subscription OnMessageInGroup($groupId: ID!, $domain: String!) {
  onMessageInGroup(groupId: $groupId, domain: $domain) {
    groupId domain
    nodeStatus { nodeId groupId domain data { key value } timestamp }
    batchEvent { events { name firedByNodeId groupId domain payload timestamp } firedByNodeId groupId domain timestamp }
    groupDissolve { groupId domain message }
  }
}"""


class Subscription:
    """`async with mesh.subscribe(g, d) as sub: ... await sub.next()` — one subscription on one WSS connection."""

    def __init__(self, mesh, group_id, domain, selection):
        self.mesh, self.group_id, self.domain = mesh, group_id, domain
        self.query = selection or SUBSCRIPTION
        self.id = str(uuid.uuid4())

    async def __aenter__(self):
        host = self.mesh.endpoint.split("/")[2].split(":")[0]
        auth = {"host": host, "x-api-key": self.mesh.key}
        header = base64.b64encode(json.dumps(auth).encode()).decode()
        url = self.mesh.endpoint.replace("https://", "wss://") + "/realtime?header=" + header + "&payload=e30="
        self.ws = await websockets.connect(url, subprotocols=["graphql-ws"], ssl=ssl.create_default_context(cafile=self.mesh.sandbox.ca))
        await self.ws.send(json.dumps({"type": "connection_init"}))
        assert (await self.expect("connection_ack"))["payload"]["connectionTimeoutMs"] == 300000
        await self.ws.send(json.dumps({"id": self.id, "type": "start", "payload": {
            "data": json.dumps({"query": self.query, "variables": {"groupId": self.group_id, "domain": self.domain}}),
            "extensions": {"authorization": auth}}}))
        await self.expect("start_ack")
        return self

    async def expect(self, kind, timeout=5):
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] == "ka":
                continue
            assert message["type"] == kind, message
            return message

    async def next(self, timeout=5):
        message = await self.expect("data", timeout)
        assert message["id"] == self.id
        return message["payload"]

    async def nothing(self, wait=0.5):
        try:
            message = await self.expect("data", wait)
        except asyncio.TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def __aexit__(self, *exc):
        await self.ws.close()
