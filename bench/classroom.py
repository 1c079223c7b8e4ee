#!/usr/bin/env python3
"""The Mesh v2 classroom fan-out benchmark against mesh-sandbox.

G groups × N nodes: each group is created by its host, every node joins and holds an
`onMessageInGroup` subscription over WSS (the sandbox CA verified), each group reports sensor
data RATE times/s and fires event batches EVENTS times/s (the Mesh v2 production profile is
10 × 40, 15/s and 2/s; hosts renew heartbeats). Every subscriber must receive every message of
its group once and in order. The load is `classroom-load` (SwiftNIO, built from
bench/classroom-load): each mutation carries its scheduled send time, so the latency printed is
mutation-to-delivery including any queueing, with no coordinated omission.

`--multiple 1 2 5 10` runs each multiple on a fresh server: `--scale groups` (default) multiplies
the classrooms (10× = 100 groups, 4,000 WSS connections), `--scale rate` the same 10 classrooms
made K× as busy. Prints, per multiple, deliveries, losses, latency percentiles and both
processes' CPU (in all and per delivery: with the client on the same cores, both shares bound the
multiple), then the highest multiple with every delivery made and p99 under 50 ms.
`--stage prod` (default) deploys the production stack, whose API logs at ERROR level without
X-Ray, as production does; `--stage stg` measures stg's ALL-level logging and X-Ray tracing too.
`--idle 1000` instead opens that many idle subscribed connections and reports RSS per 1,000.

Usage: bench/classroom.py [--multiple 1 2 5 10] [--scale groups|rate] [--seconds 30] [--plain] [--in-memory]
                          [--groups 10] [--nodes 40] [--rate 15] [--events 2] [--threads 2]
                          [--idle N] [--binary .build/release/mesh-sandbox]
"""
import argparse
import asyncio
import base64
import json
import os
import resource
import shutil
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
import requests
import websockets
from benchlib import free_port, rss_mib

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIPTION = """subscription($groupId: ID!, $domain: String!) { onMessageInGroup(groupId: $groupId, domain: $domain) {
  groupId domain nodeStatus { nodeId data { key value } timestamp } batchEvent { firedByNodeId events { name payload } } } }"""


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def classroom(args, endpoint, key, ca, server_pid, multiple):
    """One run of the native load client at `multiple`; returns its summary plus the server's CPU and RSS."""
    if args.plain:  # the sandbox serves HTTP and HTTPS on the same port
        endpoint = endpoint.replace("https://", "http://")
    command = [args.load_client, "--endpoint", endpoint, "--api-key", key, "--ca", ca, "--groups", str(args.groups),
               "--nodes", str(args.nodes), "--rate", str(args.rate), "--events", str(args.events), "--seconds", str(args.seconds),
               "--multiple", str(multiple), "--scale", args.scale, "--threads", str(args.threads)]
    # The server's CPU is read when the load starts (subscriptions ready) and when it reports, so
    # set-up (joins, TLS handshakes) is not counted.
    load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    result, cpu_before, cpu_after = None, None, None
    for line in load.stdout:
        line = line.rstrip("\n")
        if line.startswith("RESULT "):
            cpu_after = cpu_seconds(server_pid)
            result = json.loads(line[len("RESULT "):])
        else:
            if "subscriptions ready" in line:
                cpu_before = cpu_seconds(server_pid)
            print("  " + line, flush=True)
    stderr = load.stderr.read()
    load.wait()
    if result is None:
        raise RuntimeError(f"classroom-load failed ({load.returncode}): {stderr[-2000:]}")
    result["server_cpu_s"] = cpu_after - cpu_before
    result["server_rss_mib"] = rss_mib(server_pid)
    return result


async def subscribe_idle(endpoint, key, ca, group, ready, stop):
    host = endpoint.split("/")[2].split(":")[0]
    auth = {"host": host, "x-api-key": key}
    url = endpoint.replace("https://", "wss://") + "/realtime?header=" + base64.b64encode(json.dumps(auth).encode()).decode() + "&payload=e30="
    async with websockets.connect(url, subprotocols=["graphql-ws"], ssl=ssl.create_default_context(cafile=ca)) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.send(json.dumps({"id": "s", "type": "start", "payload": {
            "data": json.dumps({"query": SUBSCRIPTION, "variables": {"groupId": group["id"], "domain": group["domain"]}}),
            "extensions": {"authorization": auth}}}))
        while json.loads(await ws.recv())["type"] != "start_ack":
            pass
        ready.release()
        await stop.wait()


async def idle(args, endpoint, key, ca, server_pid):
    session = requests.Session()
    reply = session.post(endpoint, headers={"x-api-key": key}, verify=ca, timeout=30, json={
        "query": "mutation { createGroup(name: \"idle\", hostId: \"h\", domain: \"idle.example\", useWebSocket: true) { id domain } }"})
    group = reply.json()["data"]["createGroup"]
    before = rss_mib(server_pid)
    ready, stop = asyncio.Semaphore(0), asyncio.Event()
    tasks = [asyncio.create_task(subscribe_idle(endpoint, key, ca, group, ready, stop)) for _ in range(args.idle)]
    for _ in range(args.idle):
        await ready.acquire()
    await asyncio.sleep(2)
    after = rss_mib(server_pid)
    print(f"{args.idle} idle subscribed WSS connections: server RSS {before:.0f} → {after:.0f} MiB, "
          f"{(after - before) * 1000 / args.idle:.1f} MiB per 1,000")
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return True


def start_server(args):
    port, data = free_port(), tempfile.mkdtemp(prefix="bench-classroom-")
    server = subprocess.Popen([args.binary, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning", "--stage", args.stage]
                              + (["--in-memory"] if args.in_memory else []),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    while "For HTTPS" not in server.stdout.readline():
        pass
    cfn = boto3.client("cloudformation", endpoint_url=f"http://127.0.0.1:{port}", region_name="ap-northeast-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="MeshV2Stack" if args.stage == "prod" else f"MeshV2Stack-{args.stage}")["Stacks"][0]["Outputs"]}
    return server, data, outputs["GraphQLApiEndpoint"], outputs["GraphQLApiKey"], str(Path(data) / "ca.pem")


def stop_server(server, data):
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(data, ignore_errors=True)
    os.sync()  # the next run should not share the cores with this one's disk writeback
    time.sleep(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=40)
    parser.add_argument("--rate", type=float, default=15)
    parser.add_argument("--events", type=float, default=2)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--multiple", type=float, nargs="+", default=[1])
    parser.add_argument("--scale", choices=["groups", "rate"], default="groups")
    parser.add_argument("--threads", type=int, default=2, help="event loop threads of the load client")
    parser.add_argument("--stage", default="prod",
                        help="the stage deployed: prod logs ERROR without verbose content and has X-Ray off; stg logs ALL and traces")
    parser.add_argument("--plain", action="store_true",
                        help="HTTP and ws:// instead of HTTPS and wss:// (the same port serves both)")
    parser.add_argument("--in-memory", action="store_true", help="run the sandbox with --in-memory (no database file)")
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "mesh-sandbox"))
    parser.add_argument("--load-client", default=str(ROOT / ".build" / "release" / "classroom-load"))
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    if args.idle:
        server, data, endpoint, key, ca = start_server(args)
        try:
            ok = asyncio.run(idle(args, endpoint, key, ca, server.pid))
        finally:
            stop_server(server, data)
        raise SystemExit(0 if ok else 1)

    print("| multiple | groups × nodes | mutations/s | deliveries/s | lost / out of order / dup | p50 / p90 / p99 / max ms | server CPU | client CPU | server / client µs per delivery |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows, best = [], None
    for multiple in args.multiple:
        server, data, endpoint, key, ca = start_server(args)
        try:
            r = classroom(args, endpoint, key, ca, server.pid, multiple)
        finally:
            stop_server(server, data)
        sustained = r["lost"] == 0 and r["mutation_errors"] == 0 and r["p99_ms"] < 50
        if sustained:
            best = multiple
        print("  worst latency of each second (ms): " + " ".join(str(ms) for ms in r.get("max_ms_by_second", [])), flush=True)
        print(f"  mutations sent late against their schedule (the client's share): p99 {r['send_late_p99_ms']:.1f} ms, "
              f"max {r['send_late_max_ms']:.1f} ms", flush=True)
        print(f"  mutation replies, sent to answered (the mutation path without the fan-out): p50 {r['reply_p50_ms']:.1f} ms, "
              f"p99 {r['reply_p99_ms']:.1f} ms", flush=True)
        print(f"| {multiple:g}× ({args.scale}) | {r['groups']} × {r['nodes']} | {r['mutations_per_s']:.0f} | {r['deliveries_per_s']:,.0f} | "
              f"{r['lost']} / {r['out_of_order']} / {r['duplicated']} | {r['p50_ms']:.1f} / {r['p90_ms']:.1f} / {r['p99_ms']:.1f} / {r['max_ms']:.0f} | "
              f"{r['server_cpu_s'] / r['seconds'] * 100:.0f}% | {r['client_cpu_s'] / r['seconds'] * 100:.0f}% | "
              f"{r['server_cpu_s'] * 1e6 / max(1, r['received']):.1f} / {r['client_cpu_s'] * 1e6 / max(1, r['received']):.1f} |", flush=True)
        rows.append(r)
    print(f"highest multiple sustained (no loss, no errors, p99 < 50 ms): {best if best is not None else 'none'}")
    print("RESULTS " + json.dumps(rows))


if __name__ == "__main__":
    main()
