#!/usr/bin/env python3
"""DynamoDB throughput and latency: mesh-sandbox and moto_server side by side, driven by wrk.

For each server: PutItem (new items), GetItem (random preloaded items) and Query (first page of
one partition), each for --seconds with --connections concurrent connections, reporting
requests/s and p50/p99 latency from wrk, then the mesh-sandbox/moto ratio. Then, on
mesh-sandbox only, the same Query timed on a 1k-item and a --big-item table (Query should cost
O(log n + page)).

Needs: wrk (Debian package `wrk`), boto3, the release binary (swift build -c release), and
moto_server for the comparison (pip install "moto[server]"; --no-moto skips it).
Usage: bench/dynamodb.py [--seconds 5] [--connections 64] [--threads 1] [--big 1000000] [--no-moto]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
from benchlib import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "wrk" / "dynamodb.lua"


def client(port):
    return boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="ap-northeast-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def create_table(ddb, name="bench"):
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])


def batch_put(ddb, items, table="bench"):
    for i in range(0, len(items), 25):
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}} for item in items[i:i + 25]]})


def preload(ddb, keys):
    batch_put(ddb, [{"pk": {"S": f"g{i}"}, "sk": {"S": "s"}, "data": {"S": "x" * 180}} for i in range(keys)])
    batch_put(ddb, [{"pk": {"S": "q"}, "sk": {"S": f"{i:05d}"}, "data": {"S": "x" * 180}} for i in range(100)])


def wrk(port, mode, seconds, connections, keys, threads):
    env = dict(os.environ, MODE=mode, KEYS=str(keys))
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), f"http://127.0.0.1:{port}/"],
                         env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), int(errors.group(1)) if errors else 0


def time_query(ddb, table, runs=200):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        ddb.query(TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "q"}}, Limit=10)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    # One wrk thread leaves the second core to the server under test.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "mesh-sandbox"))
    parser.add_argument("--no-moto", action="store_true")
    args = parser.parse_args()

    servers = []
    data = tempfile.mkdtemp(prefix="bench-ddb-")
    port = free_port()
    servers.append(("mesh-sandbox", port, subprocess.Popen(
        [args.binary, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning", "--no-bootstrap"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    moto = shutil.which("moto_server")
    if moto and not args.no_moto:
        mport = free_port()
        servers.append(("moto_server", mport, subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(mport)],
                                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    results = {}
    try:
        for name, port, _ in servers:
            wait_ready(port)
            ddb = client(port)
            create_table(ddb)
            preload(ddb, args.keys)
            for mode in ("put", "get", "query"):
                results[(name, mode)] = wrk(port, mode, args.seconds, args.connections, args.keys, args.threads)
        print(f"{'server':<14} {'op':<8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for (name, mode), (rps, p50, p99, errors) in results.items():
            print(f"{name:<14} {mode:<8} {rps:>10.0f} {p50:>8.2f} {p99:>8.2f} {errors:>8}")
        if len(servers) > 1:
            for mode in ("put", "get", "query"):
                ratio = results[("mesh-sandbox", mode)][0] / max(results[("moto_server", mode)][0], 1)
                print(f"ratio mesh-sandbox/moto {mode}: {ratio:.1f}x")

        # Query cost against table size, mesh-sandbox only.
        _, port, _ = servers[0]
        ddb = client(port)
        for name, size in (("small", 1000), ("big", args.big)):
            create_table(ddb, name)
            started = time.monotonic()
            batch_put(ddb, [{"pk": {"S": "q"}, "sk": {"S": f"{i:05d}"}} for i in range(100)], table=name)
            filler = [{"pk": {"S": f"f{i}"}, "sk": {"S": "s"}} for i in range(size)]
            batch_put(ddb, filler, table=name)
            load = time.monotonic() - started
            print(f"Query p50 on {size:>9,}-item table: {time_query(ddb, name):.3f} ms (loaded in {load:.0f} s)")
    finally:
        for _, _, proc in servers:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
