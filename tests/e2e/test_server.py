"""The server itself: one port for HTTP, HTTPS and WebSocket, its own endpoints, its limits."""
import asyncio
import http.client
import json
import socket
import ssl
import subprocess

import pytest
import requests
import websockets

from conftest import BINARY


def test_help_explains_serve_and_its_options():
    out = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True).stdout
    assert "serve" in out and "ca" in out
    serve = subprocess.run([str(BINARY), "serve", "--help"], capture_output=True, text=True).stdout
    for option in ("--port", "--host", "--data-dir", "--in-memory", "--tls-name", "--verify-signatures", "--access-key", "--log-level"):
        assert option in serve


def test_bad_option_is_a_clear_usage_error():
    result = subprocess.run([str(BINARY), "serve", "--log-level", "loud"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "--log-level must be one of" in result.stderr


def test_ready_message_tells_what_to_do_next(sandbox):
    text = sandbox.ready_text
    assert "ready in" in text
    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{sandbox.port}" in text
    assert f"CA certificate: {sandbox.ca}" in text
    assert f"AWS_CA_BUNDLE={sandbox.ca}" in text


def test_root_and_health_answer_over_http_and_https(sandbox):
    root = requests.get(sandbox.http + "/", timeout=5)
    assert root.status_code == 200 and root.json()["status"] == "running"
    health = requests.get(sandbox.https + "/_sandbox/health", verify=sandbox.ca, timeout=5).json()
    assert health["ready"] is True
    assert health["services"] == sorted(health["services"]) or "sts" in health["services"]
    assert "sts" in health["services"]
    assert health["persistent"] is True
    assert health["uptimeSeconds"] >= 0
    assert health["version"]


def test_ca_certificate_is_served_and_verifies_tls(sandbox):
    pem = requests.get(sandbox.http + "/_sandbox/ca.pem", timeout=5).text
    assert pem == open(sandbox.ca).read()
    context = ssl.create_default_context(cafile=sandbox.ca)
    for host in ("localhost", "127.0.0.1"):
        with socket.create_connection(("127.0.0.1", sandbox.port)) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
    # curl, as the guide's users run it
    out = subprocess.run(["curl", "-sS", "--cacert", sandbox.ca, sandbox.https + "/_sandbox/health"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ready"] is True


def test_untrusted_clients_are_refused_by_tls_verification(sandbox):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sandbox.https + "/", timeout=5)  # system CAs only


def test_http_keep_alive_reuses_one_connection(sandbox):
    conn = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    conn.request("GET", "/_sandbox/health")
    first = conn.getresponse()
    first.read()
    sock = conn.sock
    for _ in range(3):
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200
        response.read()
    assert conn.sock is sock
    conn.close()


def test_unknown_sandbox_endpoint_is_a_404_that_lists_known_ones(sandbox):
    response = requests.get(sandbox.http + "/_sandbox/nope", timeout=5)
    assert response.status_code == 404
    assert "/_sandbox/health" in response.json()["message"]


def test_reset_endpoint(sandbox):
    response = requests.post(sandbox.http + "/_sandbox/reset", timeout=5)
    assert response.status_code == 200 and response.json() == {"reset": True}


@pytest.mark.parametrize("secure", [False, True])
def test_websocket_echo_over_ws_and_wss(sandbox, secure):
    async def run():
        url = (f"wss://localhost:{sandbox.port}" if secure else f"ws://127.0.0.1:{sandbox.port}") + "/_sandbox/echo"
        context = ssl.create_default_context(cafile=sandbox.ca) if secure else None
        async with websockets.connect(url, ssl=context) as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
            await ws.send(b"\x00\x01")
            assert await ws.recv() == b"\x00\x01"
    asyncio.run(run())


def test_every_reply_carries_a_request_id(sandbox):
    for response in (
        requests.post(sandbox.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=5),
        requests.post(sandbox.http + "/", data="{}", headers={"X-Amz-Target": "Nope_1.Op"}, timeout=5),
        requests.get(sandbox.http + "/v1/nothing", timeout=5),
    ):
        assert response.headers["x-amzn-RequestId"]
        assert response.headers["x-amz-request-id"] == response.headers["x-amzn-RequestId"]


def test_sigterm_stops_promptly_despite_silent_and_vanished_connections(make_sandbox):
    import signal
    import subprocess
    sandbox = make_sandbox()
    vanished = [socket.create_connection(("127.0.0.1", sandbox.port)) for _ in range(5)]
    for s in vanished:
        s.close()  # closed before sending a byte
    silent = [socket.create_connection(("127.0.0.1", sandbox.port)) for _ in range(5)]  # open, never sending
    try:
        assert requests.get(sandbox.http + "/", timeout=5).status_code == 200
        sandbox.proc.send_signal(signal.SIGTERM)
        assert sandbox.proc.wait(timeout=8) == 0
    finally:
        for s in silent:
            s.close()
