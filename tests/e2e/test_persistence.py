"""State and the CA survive restarts, including kill -9; --in-memory keeps nothing; one sandbox per data directory."""
import signal
import subprocess

import requests


def health(sandbox):
    return requests.get(sandbox.http + "/_sandbox/health", timeout=5).json()


def test_restart_keeps_identity_and_ca(make_sandbox, tmp_data):
    sandbox = make_sandbox(data_dir=tmp_data)
    first = health(sandbox)
    ca_before = open(sandbox.ca).read()
    assert first["startCount"] == 1
    sandbox.restart()
    second = health(sandbox)
    assert second["instanceId"] == first["instanceId"]
    assert second["startCount"] == 2
    assert open(sandbox.ca).read() == ca_before
    # a client that trusted the CA before the restart still verifies
    assert requests.get(sandbox.https + "/", verify=sandbox.ca, timeout=5).status_code == 200


def test_acknowledged_writes_survive_kill_9(make_sandbox, tmp_data):
    sandbox = make_sandbox(data_dir=tmp_data)
    before = health(sandbox)
    sandbox.restart(sig=signal.SIGKILL)
    after = health(sandbox)
    assert after["instanceId"] == before["instanceId"]
    assert after["startCount"] == before["startCount"] + 1


def test_in_memory_keeps_nothing_but_the_ca(make_sandbox, tmp_data):
    sandbox = make_sandbox("--in-memory", data_dir=tmp_data)
    first = health(sandbox)
    assert first["persistent"] is False
    ca = open(sandbox.ca).read()
    sandbox.restart()
    second = health(sandbox)
    assert second["instanceId"] != first["instanceId"]
    assert second["startCount"] == 1
    assert open(sandbox.ca).read() == ca
    assert not (tmp_data / "sandbox.db").exists()
    assert not (tmp_data / "logs.db").exists()


def test_a_second_sandbox_on_the_same_data_directory_is_refused(make_sandbox, tmp_data):
    from conftest import BINARY

    first = make_sandbox(data_dir=tmp_data)
    second = subprocess.run([str(BINARY), "serve", "--port", "0", "--data-dir", str(tmp_data), "--no-stacks"],
                            capture_output=True, text=True, timeout=60)
    assert second.returncode != 0
    assert "in use by another process" in second.stderr + second.stdout
    # the first keeps its database and serves on
    assert health(first)["startCount"] == 1
