"""AWS protocol routing and error envelopes, and bad input that must not hurt the server."""
import json
import socket
import ssl
import xml.etree.ElementTree as ET

import botocore.exceptions
import pytest
import requests

SIGNED_SCOPE = "AWS4-HMAC-SHA256 Credential=test/20261129/ap-northeast-1/{service}/aws4_request, SignedHeaders=host, Signature=00"


def json_call(sandbox, target, body, version="1.0"):
    return requests.post(sandbox.http + "/", data=body, timeout=5, headers={
        "X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"})


def test_awsjson_unknown_service_is_501_not_implemented_json(sandbox):
    response = json_call(sandbox, "Unknown_20200101.DoThing", "{}")
    assert response.status_code == 501
    body = response.json()
    assert body["__type"].endswith("NotImplemented")
    assert "Unknown_20200101.DoThing" in body["message"]


def test_awsjson_unknown_operation_names_the_operation(sandbox):
    response = json_call(sandbox, "AWSSecurityTokenServiceV20110615.FlyToTheMoon", "{}")
    assert response.status_code == 400
    body = response.json()
    assert body["__type"] == "com.amazon.coral.service#UnknownOperationException"
    assert "FlyToTheMoon" in body["message"]


@pytest.mark.parametrize("payload, fragment", [
    (b"{not json", "Unexpected character 'n' at offset 1"),
    (b'{"a": "\xc3\x28"}', "Invalid UTF-8"),
    (b"[" * 5000 + b"]" * 5000, "JSON nesting deeper than 128 levels"),
    (b'"just a string"', "must be a JSON object"),
])
def test_malformed_json_is_a_serialization_exception(sandbox, payload, fragment):
    response = json_call(sandbox, "AWSSecurityTokenServiceV20110615.GetCallerIdentity", payload)
    assert response.status_code == 400
    body = response.json()
    assert body["__type"].endswith("#SerializationException")
    assert fragment in body["message"]


def test_awsquery_error_envelope(sandbox):
    response = requests.post(sandbox.http + "/", data="Action=FlyToTheMoon&Version=2011-06-15", timeout=5, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": SIGNED_SCOPE.format(service="sts")})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/xml"
    root = ET.fromstring(response.content)
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert root.tag == "{https://sts.amazonaws.com/doc/2011-06-15/}ErrorResponse"
    assert root.find("s:Error/s:Type", ns).text == "Sender"
    assert root.find("s:Error/s:Code", ns).text == "InvalidAction"
    assert root.find("s:Error/s:Message", ns).text == "Could not find operation FlyToTheMoon for version 2011-06-15"
    assert root.find("s:RequestId", ns).text == response.headers["x-amzn-RequestId"]


def test_awsquery_for_an_unknown_service_is_501(sandbox):
    response = requests.post(sandbox.http + "/", data="Action=SendMessage&Version=2012-11-05", timeout=5, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": SIGNED_SCOPE.format(service="sqs")})
    assert response.status_code == 501
    assert b"<Code>NotImplemented</Code>" in response.content


def test_restjson_unknown_path_is_501_with_error_type_header(sandbox):
    response = requests.get(sandbox.http + "/2015-03-31/functions/", timeout=5,
                            headers={"Authorization": SIGNED_SCOPE.format(service="lambda")})
    assert response.status_code == 501
    assert response.headers["x-amzn-ErrorType"] == "NotImplemented"
    assert "/2015-03-31/functions/" in response.json()["message"]


def test_sdk_sees_unsupported_service_as_a_clear_client_error(sandbox):
    sqs = sandbox.client("sqs")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        sqs.list_queues()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "mesh-sandbox does not emulate" in str(info.value)


def test_cli_reports_unsupported_operations_by_name(sandbox):
    result = sandbox.aws("lambda", "list-functions", "--endpoint-url", sandbox.http, check=False)
    assert result.returncode != 0
    assert "NotImplemented" in result.stderr
    assert sandbox.alive()


def test_oversized_body_gets_413_in_protocol_shape_and_server_keeps_serving(make_sandbox):
    small = make_sandbox("--max-body-bytes", "1024")
    big = b"{" + b'"a":"' + b"x" * 4096 + b'"}'
    response = json_call(small, "AWSSecurityTokenServiceV20110615.GetCallerIdentity", big)
    assert response.status_code == 413
    assert response.json()["__type"].endswith("RequestEntityTooLarge")
    form = requests.post(small.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15&Pad=" + "x" * 4096, timeout=5,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413
    assert b"<Code>RequestEntityTooLarge</Code>" in form.content
    # A chunked body without Content-Length is cut off at the limit too.
    chunked = requests.post(small.http + "/", data=iter([b"x" * 1000] * 5), timeout=5,
                            headers={"X-Amz-Target": "AWSSecurityTokenServiceV20110615.GetCallerIdentity"})
    assert chunked.status_code == 413
    assert small.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_oversized_headers_are_rejected_and_server_keeps_serving(sandbox):
    response = requests.get(sandbox.http + "/", headers={"X-Big": "x" * 100_000}, timeout=5)
    assert response.status_code in (400, 431)
    assert requests.get(sandbox.http + "/", timeout=5).status_code == 200


@pytest.mark.parametrize("garbage", [b"\x00\x01\x02 not http\r\n\r\n", b"\x16\x03\x01\x00\x05hello", b"GET / HTTP/9.9\r\n\r\n"])
def test_garbage_on_the_socket_does_not_hurt_the_server(sandbox, garbage):
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as s:
        s.sendall(garbage)
        try:
            s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
    assert requests.get(sandbox.http + "/", timeout=5).status_code == 200
    assert sandbox.alive()


def test_half_open_connections_do_not_block_others(sandbox):
    idle = [socket.create_connection(("127.0.0.1", sandbox.port)) for _ in range(20)]
    try:
        assert requests.get(sandbox.http + "/_sandbox/health", timeout=5).status_code == 200
        context = ssl.create_default_context(cafile=sandbox.ca)
        assert requests.get(sandbox.https + "/", verify=sandbox.ca, timeout=5).status_code == 200
    finally:
        for s in idle:
            s.close()
