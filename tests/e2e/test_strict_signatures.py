"""--verify-signatures: real SigV4 checking with the errors AWS gives."""
import json

import botocore.exceptions
import pytest
import requests

from test_sts import signed_json_request


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    from conftest import Sandbox
    sandbox = Sandbox(tmp_path_factory.mktemp("strict") / "data",
                      ["--verify-signatures", "--access-key", "AKIDSANDBOX:s3cr3t/with+chars:111111111111"]).start()
    yield sandbox
    sandbox.stop()


def test_correct_signature_is_accepted_and_maps_the_account(strict):
    out = strict.aws("sts", "get-caller-identity", AWS_ACCESS_KEY_ID="AKIDSANDBOX", AWS_SECRET_ACCESS_KEY="s3cr3t/with+chars")
    assert json.loads(out.stdout)["Account"] == "111111111111"
    https = strict.client("sts", secure=True, aws_access_key_id="AKIDSANDBOX", aws_secret_access_key="s3cr3t/with+chars")
    assert https.get_caller_identity()["Account"] == "111111111111"


def test_wrong_secret_is_signature_does_not_match(strict):
    result = strict.aws("sts", "get-caller-identity", check=False, AWS_ACCESS_KEY_ID="AKIDSANDBOX", AWS_SECRET_ACCESS_KEY="wrong")
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    assert "The request signature we calculated does not match the signature you provided" in result.stderr


def test_unknown_key_is_invalid_client_token_id(strict):
    client = strict.client("sts", aws_access_key_id="AKIDUNKNOWN", aws_secret_access_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.get_caller_identity()
    assert info.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_missing_authentication_token(strict):
    response = requests.post(strict.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15", timeout=5,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in response.content


def test_json_protocol_uses_invalid_signature_exception(strict):
    response = signed_json_request(strict, "AWSSecurityTokenServiceV20110615.GetCallerIdentity", key="AKIDSANDBOX", secret="wrong")
    assert response.status_code == 403
    assert response.json()["__type"].endswith("#InvalidSignatureException")
    good = signed_json_request(strict, "AWSSecurityTokenServiceV20110615.GetCallerIdentity", key="AKIDSANDBOX", secret="s3cr3t/with+chars")
    assert good.status_code == 200, good.text


def test_tampered_body_is_rejected(strict):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="POST", url=strict.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials("AKIDSANDBOX", "s3cr3t/with+chars"), "sts", "ap-northeast-1").add_auth(request)
    headers = dict(request.prepare().headers)
    headers.pop("X-Amz-Content-SHA256", None)
    response = requests.post(strict.http + "/", data="Action=GetCallerIdentity&Version=2011-06-15&X=1", headers=headers, timeout=5)
    assert response.status_code == 403
    assert b"SignatureDoesNotMatch" in response.content
