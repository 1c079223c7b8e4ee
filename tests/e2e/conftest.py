"""Spawns the real `mesh-sandbox` binary and drives it like a user would.

The binary is `$MESH_SANDBOX_BIN`, else `.build/debug/mesh-sandbox` (build it first:
`swift build`). Every sandbox listens on a free loopback port with its own data directory.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("MESH_SANDBOX_BIN", ROOT / ".build" / "debug" / "mesh-sandbox"))


class Sandbox:
    """One running `mesh-sandbox serve` process."""

    def __init__(self, data_dir, extra_args=(), stacks=False):
        """`stacks=False` starts an empty sandbox (`--no-stacks`); True keeps the default Mesh v2 stg stack."""
        self.data_dir = Path(data_dir)
        self.extra_args = list(extra_args)
        if not stacks and not any(a in ("--stage", "--env-file", "--no-stacks") for a in self.extra_args):
            self.extra_args.append("--no-stacks")
        self.proc = None
        self.port = None
        self.ready_text = ""
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".log")

    def start(self, timeout=20):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(BINARY), "serve", "--port", "0", "--data-dir", str(self.data_dir), *self.extra_args]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        lines = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"mesh-sandbox exited early ({self.proc.wait()}); log: {self.log_path.read_text()}")
            lines.append(line)
            if line.startswith("For HTTPS"):
                lines.append(self.proc.stdout.readline())
                break
        self.ready_text = "".join(lines)
        match = re.search(r"endpoint:\s+http://127\.0\.0\.1:(\d+)", self.ready_text)
        assert match, self.ready_text
        self.port = int(match.group(1))
        return self

    @property
    def http(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def https(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca(self):
        return str(self.data_dir / "ca.pem")

    def env(self, **overrides):
        """Environment for AWS CLI / boto3 subprocesses pointed at this sandbox."""
        env = dict(os.environ)
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE"):
            env.pop(key, None)
        env.update({
            "AWS_ENDPOINT_URL": self.http,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "ap-northeast-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })
        env.update(overrides)
        return env

    def aws(self, *args, check=True, **env_overrides):
        """Runs the AWS CLI against the sandbox; returns the CompletedProcess."""
        aws = shutil.which("aws", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        result = subprocess.run([aws, *args], env=self.env(**env_overrides), capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def client(self, service, secure=False, **kwargs):
        import boto3
        params = dict(
            endpoint_url=self.https if secure else self.http,
            region_name="ap-northeast-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        if secure:
            params["verify"] = self.ca
        params.update(kwargs)
        return boto3.client(service, **params)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.log.close()
        self.proc = None

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        return self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not BINARY.exists():
        pytest.exit(f"{BINARY} not found: run `swift build` first (or set MESH_SANDBOX_BIN)", returncode=2)


@pytest.fixture
def tmp_data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def make_sandbox(tmp_path):
    """Factory: make_sandbox(*extra_args, data_dir=None) → started Sandbox, stopped at teardown."""
    started = []

    def make(*extra_args, data_dir=None, stacks=False):
        sandbox = Sandbox(data_dir or tmp_path / f"data{len(started)}", extra_args, stacks=stacks).start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A sandbox shared by the tests of one module."""
    instance = Sandbox(tmp_path_factory.mktemp("sandbox") / "data").start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def stack_sandbox(tmp_path_factory):
    """A sandbox as `serve` starts by default (the Mesh v2 stg stack deployed), shared by the tests of one module."""
    instance = Sandbox(tmp_path_factory.mktemp("stack") / "data", stacks=True).start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def mesh(stack_sandbox):
    """The stg stack's GraphQL API, as a Mesh v2 client."""
    from mesh import Mesh
    return Mesh(stack_sandbox)
