#!/usr/bin/env python3
"""How long deploying the Mesh v2 stack takes: create-stack of a stage's fixture template
(table, API, schema, key, data sources, 10 functions, 15 resolvers, domain, records…) timed
until CREATE_COMPLETE, then an update with a changed parameter, then a redeploy with no changes
(`aws cloudformation deploy` semantics: nothing to do). Median of --runs, each on a fresh sandbox.

Usage: bench/deploy.py [--runs 5] [--binary .build/release/mesh-sandbox]
"""
import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
import botocore.exceptions
from benchlib import free_port

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "mesh-sandbox"))
    args = parser.parse_args()
    body = (ROOT / "fixtures" / "templates" / "MeshV2Stack-stg.template.json").read_text()
    create, update, unchanged = [], [], []
    for _ in range(args.runs):
        port, data = free_port(), tempfile.mkdtemp(prefix="bench-deploy-")
        server = subprocess.Popen([args.binary, "serve", "--port", str(port), "--data-dir", data, "--no-stacks", "--log-level", "warning"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            while "For HTTPS" not in server.stdout.readline():
                pass
            cfn = boto3.client("cloudformation", endpoint_url=f"http://127.0.0.1:{port}", region_name="ap-northeast-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
            common = dict(StackName="MeshV2Stack-stg", TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
            start = time.perf_counter()
            cfn.create_stack(**common, Parameters=[{"ParameterKey": "ApiKeyExpires", "ParameterValue": str(int(time.time()) + 86400 * 300)}])
            assert cfn.describe_stacks(StackName="MeshV2Stack-stg")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
            create.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            cfn.update_stack(**common, Parameters=[{"ParameterKey": "ApiKeyExpires", "ParameterValue": str(int(time.time()) + 86400 * 200)}])
            assert cfn.describe_stacks(StackName="MeshV2Stack-stg")["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
            update.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            try:
                cfn.update_stack(**common, Parameters=[{"ParameterKey": "ApiKeyExpires", "UsePreviousValue": True}])
                raise AssertionError("expected 'No updates are to be performed.'")
            except botocore.exceptions.ClientError as error:
                assert "No updates are to be performed." in str(error)
            unchanged.append((time.perf_counter() - start) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=30)
            shutil.rmtree(data, ignore_errors=True)
    resources = body.count('"Type": "AWS::')
    print(f"Mesh v2 stg template: {len(body):,} bytes, {resources} resources; {args.runs} runs, boto3 round trip included")
    for name, values in (("create-stack to CREATE_COMPLETE", create), ("update-stack (API key expiry)", update), ("update-stack, no changes", unchanged)):
        print(f"{name:<34} p50 {statistics.median(values):7.1f} ms   min {min(values):7.1f}   max {max(values):7.1f}")


if __name__ == "__main__":
    main()
