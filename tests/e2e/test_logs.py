"""CloudWatch Logs through the AWS CLI, and AWS::Logs::LogGroup in a stack."""
import json
import signal
import time

import pytest
import requests


def test_log_groups_streams_events_and_filters(sandbox):
    group = "/aws/appsync/apis/e2e"
    sandbox.aws("logs", "create-log-group", "--log-group-name", group, "--tags", "Stage=stg")
    again = sandbox.aws("logs", "create-log-group", "--log-group-name", group, check=False)
    assert "ResourceAlreadyExistsException" in again.stderr and "The specified log group already exists" in again.stderr
    sandbox.aws("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s1")
    now = int(time.time() * 1000)
    sandbox.aws("logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "s1", "--log-events",
                f"timestamp={now},message=ERROR request failed", f"timestamp={now + 1},message=INFO all good",
                f"timestamp={now + 2},message=ERROR timeout ignored")
    groups = json.loads(sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/appsync/apis").stdout)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [group]
    assert groups[0]["arn"] == f"arn:aws:logs:ap-northeast-1:123456789012:log-group:{group}:*"
    errors = json.loads(sandbox.aws("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "ERROR -ignored").stdout)
    assert [e["message"] for e in errors["events"]] == ["ERROR request failed"]
    assert errors["events"][0]["logStreamName"] == "s1"
    phrase = json.loads(sandbox.aws("logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", '"all good"').stdout)
    assert [e["message"] for e in phrase["events"]] == ["INFO all good"]
    events = json.loads(sandbox.aws("logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "s1").stdout)["events"]
    assert len(events) == 3 and events[0]["timestamp"] == now
    sandbox.aws("logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "7")
    assert json.loads(sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix", group).stdout)["logGroups"][0]["retentionInDays"] == 7
    assert json.loads(sandbox.aws("logs", "list-tags-log-group", "--log-group-name", group).stdout) == {"tags": {"Stage": "stg"}}
    sandbox.aws("logs", "delete-log-group", "--log-group-name", group)
    missing = sandbox.aws("logs", "delete-log-group", "--log-group-name", group, check=False)
    assert "ResourceNotFoundException" in missing.stderr and "The specified log group does not exist." in missing.stderr


def test_log_group_resource_in_a_stack(sandbox):
    template = json.dumps({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/mesh/stack", "RetentionInDays": 14}}},
                           "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}}})
    sandbox.aws("cloudformation", "create-stack", "--stack-name", "LogsStack", "--template-body", template, "--tags", "Key=Stage,Value=stg")
    groups = json.loads(sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/mesh/stack").stdout)["logGroups"]
    assert groups[0]["retentionInDays"] == 14
    assert json.loads(sandbox.aws("logs", "list-tags-log-group", "--log-group-name", "/mesh/stack").stdout)["tags"] == {"Stage": "stg"}
    sandbox.aws("cloudformation", "delete-stack", "--stack-name", "LogsStack")
    assert json.loads(sandbox.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/mesh/stack").stdout)["logGroups"] == []


def test_log_events_survive_a_kill_9_and_reset_clears_them(make_sandbox, tmp_data):
    sandbox = make_sandbox(data_dir=tmp_data)
    group = "/aws/appsync/apis/persisted"
    sandbox.aws("logs", "create-log-group", "--log-group-name", group)
    sandbox.aws("logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s1")
    now = int(time.time() * 1000)
    sandbox.aws("logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "s1", "--log-events", f"timestamp={now},message=kept")
    sandbox.restart(sig=signal.SIGKILL)
    assert (tmp_data / "logs.db").exists()  # the logs' own database, beside sandbox.db
    events = json.loads(sandbox.aws("logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "s1").stdout)["events"]
    assert [e["message"] for e in events] == ["kept"]
    requests.post(sandbox.http + "/_sandbox/reset", timeout=10).raise_for_status()
    assert json.loads(sandbox.aws("logs", "describe-log-groups").stdout)["logGroups"] == []
