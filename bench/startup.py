#!/usr/bin/env python3
"""Time-to-ready and idle memory of `mesh-sandbox serve` (and of moto_server, side by side).

Time-to-ready: from spawning the process until its port answers `GET /` with 200 (the same
probe for both servers), median of N runs with a fresh data directory each run. Idle RSS: the
process's VmRSS after it is ready and has answered one request, then 2 s idle.

Usage: bench/startup.py [--runs 10] [--binary .build/release/mesh-sandbox] [--no-moto]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.002)
    raise RuntimeError("not ready in time")


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(command_for, runs):
    times, rss = [], []
    for _ in range(runs):
        port = free_port()
        data = tempfile.mkdtemp(prefix="bench-startup-")
        start = time.monotonic()
        proc = subprocess.Popen(command_for(port, data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(port, proc)
            times.append((time.monotonic() - start) * 1000)
            time.sleep(2)
            rss.append(rss_mib(proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            shutil.rmtree(data, ignore_errors=True)
    return statistics.median(times), min(times), max(times), statistics.median(rss)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "mesh-sandbox"))
    parser.add_argument("--no-moto", action="store_true")
    args = parser.parse_args()

    rows = [("mesh-sandbox", *measure(lambda port, data: [args.binary, "serve", "--port", str(port), "--data-dir", data,
                                                          "--log-level", "warning"], args.runs))]
    moto = shutil.which("moto_server")
    if moto and not args.no_moto:
        rows.append(("moto_server", *measure(lambda port, data: [moto, "-H", "127.0.0.1", "-p", str(port)], max(3, args.runs // 3))))
    print(f"{'server':<14} {'ready p50 ms':>13} {'min':>8} {'max':>8} {'idle RSS MiB':>13}")
    for name, p50, lo, hi, rss in rows:
        print(f"{name:<14} {p50:>13.1f} {lo:>8.1f} {hi:>8.1f} {rss:>13.1f}")
    print(f"binary: {args.binary} ({os.path.getsize(args.binary) / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
