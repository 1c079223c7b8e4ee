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
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchlib import free_port, wait_ready, rss_mib

ROOT = Path(__file__).resolve().parents[1]


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
