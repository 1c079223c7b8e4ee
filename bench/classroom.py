#!/usr/bin/env python3
"""Replays a Mesh v2 classroom against mesh-sandbox and checks that nothing is lost.

GROUPS groups × NODES nodes: each group is created by its host, every node joins and holds an
`onMessageInGroup` subscription over WSS (the sandbox CA verified), hosts and members send
their heartbeats, and each group reports sensor data RATE times/s and fires event batches
EVENTS times/s (the Mesh v2 production profile is 10 × 40, 15/s and 2/s) for SECONDS. Every
subscriber must receive every message of its group, in order. Prints mutation-to-delivery
latency percentiles, counts of lost / out-of-order / duplicated messages, and the server's RSS.

`--multiple K` scales both rates by K (the fan-out benchmark: find the highest K with p99 under
50 ms). `--idle 1000` instead opens that many idle subscribed connections and reports RSS per
1,000. The client is Python on the same 2 cores, so at high multiples it, not the server, may
be the limit: the script prints its own CPU time beside the server's.

Usage: bench/classroom.py [--groups 10] [--nodes 40] [--rate 15] [--events 2] [--seconds 60]
                          [--multiple 1] [--idle N] [--binary .build/release/mesh-sandbox]
"""
import argparse
import asyncio
import base64
import json
import os
import resource
import shutil
import ssl
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import boto3
import requests
import websockets
from benchlib import free_port, rss_mib

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIPTION = """subscription($groupId: ID!, $domain: String!) { onMessageInGroup(groupId: $groupId, domain: $domain) {
  groupId domain nodeStatus { nodeId data { key value } timestamp } batchEvent { firedByNodeId events { name payload } } } }"""
REPORT = """mutation($g: ID!, $d: String!, $n: ID!, $data: [SensorDataInput!]!) { reportDataByNode(groupId: $g, domain: $d, nodeId: $n, data: $data) {
  groupId domain nodeStatus { nodeId data { key value } timestamp } batchEvent { firedByNodeId } } }"""
FIRE = """mutation($g: ID!, $d: String!, $n: ID!, $events: [EventInput!]!) { fireEventsByNode(groupId: $g, domain: $d, nodeId: $n, events: $events) {
  groupId domain batchEvent { firedByNodeId events { name payload } } } }"""


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    """GraphQL over HTTPS with one keep-alive session per thread."""

    def __init__(self, endpoint, key, ca):
        self.endpoint, self.key, self.ca = endpoint, key, ca
        self.local = threading.local()

    def gql(self, query, variables):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            session.verify = self.ca
            session.headers["x-api-key"] = self.key
        # verify per request: a session-level verify loses to REQUESTS_CA_BUNDLE from the environment
        body = session.post(self.endpoint, json={"query": query, "variables": variables}, timeout=30, verify=self.ca).json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]


class Subscriber:
    def __init__(self, group, node):
        self.group, self.node = group, node
        self.latencies = []
        self.last_seq = -1
        self.received = self.out_of_order = self.duplicates = 0
        self.seen = set()

    def on_message(self, message, now):
        payload = message["onMessageInGroup"]
        if payload["nodeStatus"]:
            values = {d["key"]: d["value"] for d in payload["nodeStatus"]["data"]}
        else:
            seq, sent = payload["batchEvent"]["events"][0]["payload"].split("|")
            values = {"seq": seq, "t": sent}
        seq = int(values["seq"])
        if seq in self.seen:
            self.duplicates += 1
            return
        self.seen.add(seq)
        if seq < self.last_seq:
            self.out_of_order += 1
        self.last_seq = max(self.last_seq, seq)
        self.received += 1
        self.latencies.append((now - float(values["t"])) * 1000)


async def subscribe(endpoint, key, ca, subscriber, ready, stop):
    host = endpoint.split("/")[2].split(":")[0]
    auth = {"host": host, "x-api-key": key}
    url = endpoint.replace("https://", "wss://") + "/realtime?header=" + base64.b64encode(json.dumps(auth).encode()).decode() + "&payload=e30="
    async with websockets.connect(url, subprotocols=["graphql-ws"], ssl=ssl.create_default_context(cafile=ca), max_queue=None) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.send(json.dumps({"id": "s", "type": "start", "payload": {
            "data": json.dumps({"query": SUBSCRIPTION, "variables": {"groupId": subscriber.group["id"], "domain": subscriber.group["domain"]}}),
            "extensions": {"authorization": auth}}}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "start_ack":
                ready.release()
                break
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except asyncio.TimeoutError:
                continue
            message = json.loads(raw)
            if message["type"] == "data":
                subscriber.on_message(message["payload"]["data"], time.time())


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


async def classroom(args, endpoint, key, ca, server_pid):
    client = Client(endpoint, key, ca)
    loop = asyncio.get_running_loop()
    run = lambda *a: loop.run_in_executor(None, client.gql, *a)
    groups = []
    for g in range(args.groups):
        created = await run("mutation($d: String!, $h: ID!) { createGroup(name: \"class\", hostId: $h, domain: $d, useWebSocket: true) { id domain } }",
                            {"d": f"school-{g}.example", "h": f"host-{g}"})
        groups.append(created["createGroup"])
    joins = [run("mutation($g: ID!, $d: String!, $n: ID!) { joinGroup(groupId: $g, domain: $d, nodeId: $n) { id } }",
                 {"g": group["id"], "d": group["domain"], "n": f"n{g}-{n}"}) for g, group in enumerate(groups) for n in range(args.nodes)]
    await asyncio.gather(*joins)
    subscribers = [Subscriber(group, f"n{g}-{n}") for g, group in enumerate(groups) for n in range(args.nodes)]
    ready, stop = asyncio.Semaphore(0), asyncio.Event()
    tasks = [asyncio.create_task(subscribe(endpoint, key, ca, s, ready, stop)) for s in subscribers]
    for _ in subscribers:
        await ready.acquire()
    print(f"{len(subscribers)} subscriptions ready; server RSS {rss_mib(server_pid):.0f} MiB")

    sent = [0] * len(groups)
    errors = 0
    cpu_before, client_before = cpu_seconds(server_pid), time.process_time()

    async def drive(g, group):
        nonlocal errors
        interval_report, interval_event = 1 / (args.rate * args.multiple), 1 / (args.events * args.multiple)
        next_report = next_event = next_beat = time.monotonic()
        end = time.monotonic() + args.seconds
        pending = set()
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_beat:
                pending.add(run("mutation($g: ID!, $d: String!, $h: ID!) { renewHeartbeat(groupId: $g, domain: $d, hostId: $h) { groupId } }",
                                {"g": group["id"], "d": group["domain"], "h": f"host-{g}"}))
                next_beat += 15
            if now >= next_report or now >= next_event:
                seq = sent[g]
                sent[g] += 1
                node = f"n{g}-{seq % args.nodes}"
                if now >= next_report:
                    data = [{"key": "seq", "value": str(seq)}, {"key": "t", "value": repr(time.time())}]
                    pending.add(run(REPORT, {"g": group["id"], "d": group["domain"], "n": node, "data": data}))
                    next_report += interval_report
                else:
                    events = [{"eventName": "tick", "payload": f"{seq}|{time.time()!r}", "firedAt": "2026-01-01T00:00:00.000Z"}]
                    pending.add(run(FIRE, {"g": group["id"], "d": group["domain"], "n": node, "events": events}))
                    next_event += interval_event
                # Keep each group's mutations in order: wait for this one before the next.
                done, pending = await asyncio.wait(pending)
                for task in done:
                    if task.exception():
                        errors += 1
            await asyncio.sleep(max(0, min(next_report, next_event) - time.monotonic()))

    started = time.monotonic()
    await asyncio.gather(*(drive(g, group) for g, group in enumerate(groups)))
    elapsed = time.monotonic() - started
    await asyncio.sleep(2)  # let the last deliveries arrive
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    expected = sum(sent[g] for g in range(len(groups))) * args.nodes
    received = sum(s.received for s in subscribers)
    latencies = [l for s in subscribers for l in s.latencies]
    print(f"profile: {args.groups} groups x {args.nodes} nodes, {args.rate * args.multiple:g} reports/s + {args.events * args.multiple:g} event batches/s per group, {elapsed:.0f} s")
    print(f"mutations sent: {sum(sent)} ({sum(sent) / elapsed:.0f}/s), mutation errors: {errors}")
    print(f"deliveries expected {expected}, received {received}, lost {expected - received}, "
          f"out of order {sum(s.out_of_order for s in subscribers)}, duplicated {sum(s.duplicates for s in subscribers)}")
    print(f"mutation-to-delivery latency ms: p50 {percentile(latencies, 50):.1f}  p90 {percentile(latencies, 90):.1f}  "
          f"p99 {percentile(latencies, 99):.1f}  max {max(latencies, default=float('nan')):.1f}")
    print(f"server CPU {cpu_seconds(server_pid) - cpu_before:.1f} s, client CPU {time.process_time() - client_before:.1f} s over the run; "
          f"server RSS {rss_mib(server_pid):.0f} MiB")
    return expected == received


async def idle(args, endpoint, key, ca, server_pid):
    client = Client(endpoint, key, ca)
    group = client.gql("mutation { createGroup(name: \"idle\", hostId: \"h\", domain: \"idle.example\", useWebSocket: true) { id domain } }", {})["createGroup"]
    before = rss_mib(server_pid)
    ready, stop = asyncio.Semaphore(0), asyncio.Event()
    tasks = [asyncio.create_task(subscribe(endpoint, key, ca, Subscriber(group, f"i{i}"), ready, stop)) for i in range(args.idle)]
    for _ in range(args.idle):
        await ready.acquire()
    await asyncio.sleep(2)
    after = rss_mib(server_pid)
    print(f"{args.idle} idle subscribed WSS connections: server RSS {before:.0f} → {after:.0f} MiB, "
          f"{(after - before) * 1000 / args.idle:.1f} MiB per 1,000")
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=40)
    parser.add_argument("--rate", type=float, default=15)
    parser.add_argument("--events", type=float, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--multiple", type=float, default=1)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "mesh-sandbox"))
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    port, data = free_port(), tempfile.mkdtemp(prefix="bench-classroom-")
    server = subprocess.Popen([args.binary, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        while "For HTTPS" not in server.stdout.readline():
            pass
        cfn = boto3.client("cloudformation", endpoint_url=f"http://127.0.0.1:{port}", region_name="ap-northeast-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="MeshV2Stack-stg")["Stacks"][0]["Outputs"]}
        ca = str(Path(data) / "ca.pem")
        scenario = idle if args.idle else classroom
        ok = asyncio.run(scenario(args, outputs["GraphQLApiEndpoint"], outputs["GraphQLApiKey"], ca, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
