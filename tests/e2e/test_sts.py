"""STS GetCallerIdentity through the AWS CLI and boto3, over HTTP and HTTPS."""
import json
import xml.etree.ElementTree as ET

import botocore.session
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def test_cli_over_http(sandbox):
    out = json.loads(sandbox.aws("sts", "get-caller-identity").stdout)
    assert out == {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}


def test_cli_with_endpoint_url_flag_over_https_and_ca_bundle(sandbox):
    result = sandbox.aws("sts", "get-caller-identity", "--endpoint-url", sandbox.https, AWS_CA_BUNDLE=sandbox.ca)
    assert json.loads(result.stdout)["Account"] == "123456789012"


def test_cli_over_https_without_trust_fails_verification(sandbox):
    result = sandbox.aws("sts", "get-caller-identity", "--endpoint-url", sandbox.https, check=False)
    assert result.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr or "SSL" in result.stderr


def test_boto3_over_https(sandbox):
    identity = sandbox.client("sts", secure=True).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"
    assert identity["ResponseMetadata"]["RequestId"]


def test_twelve_digit_access_key_selects_the_account(sandbox):
    identity = sandbox.client("sts", aws_access_key_id="000000000042").get_caller_identity()
    assert identity["Account"] == "000000000042"


def test_query_reply_is_aws_shaped_xml(sandbox):
    response = requests.post(sandbox.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15", timeout=5,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = "{https://sts.amazonaws.com/doc/2011-06-15/}"
    assert root.tag == ns + "GetCallerIdentityResponse"
    result = root.find(ns + "GetCallerIdentityResult")
    assert [child.tag[len(ns):] for child in result] == ["UserId", "Account", "Arn"]
    assert root.find(f"{ns}ResponseMetadata/{ns}RequestId").text == response.headers["x-amzn-RequestId"]


def signed_json_request(sandbox, target, key="test", secret="test", body=b"{}"):
    request = AWSRequest(method="POST", url=sandbox.http + "/", data=body, headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(key, secret), "sts", "ap-northeast-1").add_auth(request)
    prepared = request.prepare()
    return requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers), timeout=5)


def test_json_variant_that_newer_sdks_send(sandbox):
    response = signed_json_request(sandbox, "AWSSecurityTokenServiceV20110615.GetCallerIdentity")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert response.json() == {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}
