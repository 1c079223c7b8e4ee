"""CloudFormation and SSM through the AWS CLI, as the deploy guide runs them."""
import json
import time

import pytest

TEMPLATE_YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: e2e stack
Parameters:
  Stage:
    Type: String
    Default: stg
    AllowedValues: [stg, prod]
  BootstrapVersion:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /cdk-bootstrap/hnb659fds/version
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Config:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub "/mesh/${Stage}/interval"
      Type: String
      Value: !If [IsProd, "60", "15"]
Outputs:
  ParameterName:
    Value: !Ref Config
    Description: where the interval lives
  RoleArn:
    Value: !GetAtt Role.Arn
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert: !Not [!Contains [["1", "2", "3", "4", "5"], !Ref BootstrapVersion]]
        AssertDescription: CDK bootstrap stack version 6 required.
"""


@pytest.fixture(scope="module")
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfn") / "stack.yaml"
    path.write_text(TEMPLATE_YAML)
    return str(path)


def deploy(sandbox, template_file, *extra, check=True):
    return sandbox.aws("cloudformation", "deploy", "--template-file", template_file, "--stack-name", "E2EStack-stg",
                       "--capabilities", "CAPABILITY_IAM", *extra, check=check)


def test_cdk_bootstrap_check_passes(sandbox):
    out = json.loads(sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "CDKToolkit").stdout)
    assert out["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    version = sandbox.aws("ssm", "get-parameter", "--name", "/cdk-bootstrap/hnb659fds/version",
                          "--query", "Parameter.Value", "--output", "text").stdout.strip()
    assert version == "21"


def test_no_bootstrap_flag_leaves_the_account_unbootstrapped(make_sandbox):
    bare = make_sandbox("--no-bootstrap")
    result = bare.aws("cloudformation", "describe-stacks", "--stack-name", "CDKToolkit", check=False)
    assert result.returncode == 254 or result.returncode != 0
    assert "Stack with id CDKToolkit does not exist" in result.stderr


def test_deploy_then_query_outputs_like_the_guide(sandbox, template_file):
    result = deploy(sandbox, template_file, "--parameter-overrides", "Stage=stg", "--tags", "Project=smalruby", "Stage=stg")
    assert "Successfully created/updated stack - E2EStack-stg" in result.stdout
    name = sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "E2EStack-stg", "--query",
                       "Stacks[0].Outputs[?OutputKey==`ParameterName`].OutputValue", "--output", "text").stdout.strip()
    assert name == "/mesh/stg/interval"
    assert sandbox.aws("ssm", "get-parameter", "--name", name, "--query", "Parameter.Value", "--output", "text").stdout.strip() == "15"
    stack = json.loads(sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "E2EStack-stg").stdout)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {"Key": "Project", "Value": "smalruby"} in stack["Tags"]
    assert stack["Parameters"][1] == {"ParameterKey": "BootstrapVersion", "ParameterValue": "/cdk-bootstrap/hnb659fds/version", "ResolvedValue": "21"}
    assert stack["Outputs"][0]["Description"] == "where the interval lives"
    assert stack["StackId"].startswith("arn:aws:cloudformation:ap-northeast-1:123456789012:stack/E2EStack-stg/")


def test_redeploy_without_changes_and_update(sandbox, template_file):
    time.sleep(1.1)  # the CLI names change sets by the second
    again = deploy(sandbox, template_file, "--parameter-overrides", "Stage=stg", "--tags", "Project=smalruby", "Stage=stg", check=False)
    assert "No changes to deploy. Stack E2EStack-stg is up to date" in again.stdout + again.stderr
    time.sleep(1.1)
    deploy(sandbox, template_file, "--parameter-overrides", "Stage=prod", "--tags", "Project=smalruby", "Stage=stg")
    status = sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "E2EStack-stg", "--query",
                         "Stacks[0].StackStatus", "--output", "text").stdout.strip()
    assert status == "UPDATE_COMPLETE"
    # The parameter was renamed: a new one exists and the old one is gone.
    assert sandbox.aws("ssm", "get-parameter", "--name", "/mesh/prod/interval", "--query", "Parameter.Value", "--output", "text").stdout.strip() == "60"
    missing = sandbox.aws("ssm", "get-parameter", "--name", "/mesh/stg/interval", check=False)
    assert "ParameterNotFound" in missing.stderr
    resources = json.loads(sandbox.aws("cloudformation", "list-stack-resources", "--stack-name", "E2EStack-stg").stdout)
    assert sorted(r["LogicalResourceId"] for r in resources["StackResourceSummaries"]) == ["Config", "Role"]


def test_events_template_and_resources(sandbox):
    events = json.loads(sandbox.aws("cloudformation", "describe-stack-events", "--stack-name", "E2EStack-stg").stdout)["StackEvents"]
    assert events[0]["ResourceStatus"] == "UPDATE_COMPLETE" and events[0]["LogicalResourceId"] == "E2EStack-stg"
    assert any(e["LogicalResourceId"] == "Config" and e["ResourceStatus"] == "CREATE_COMPLETE" for e in events)
    body = json.loads(sandbox.aws("cloudformation", "get-template", "--stack-name", "E2EStack-stg").stdout)["TemplateBody"]
    assert "CheckBootstrapVersion" in body
    resource = json.loads(sandbox.aws("cloudformation", "describe-stack-resource", "--stack-name", "E2EStack-stg",
                                      "--logical-resource-id", "Role").stdout)["StackResourceDetail"]
    assert resource["ResourceType"] == "AWS::IAM::Role" and resource["ResourceStatus"] == "CREATE_COMPLETE"


def test_validate_template_and_summary(sandbox, template_file):
    summary = json.loads(sandbox.aws("cloudformation", "validate-template", "--template-body", f"file://{template_file}").stdout)
    assert [p["ParameterKey"] for p in summary["Parameters"]] == ["Stage", "BootstrapVersion"]
    assert summary["Capabilities"] == ["CAPABILITY_IAM"]
    bad = sandbox.aws("cloudformation", "validate-template", "--template-body", '{"Resources": {}}', check=False)
    assert "Template format error: At least one Resources member must be defined." in bad.stderr


def test_failing_resource_rolls_back_with_its_reason(sandbox):
    template = json.dumps({"Resources": {
        "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/rollback/me", "Type": "String", "Value": "x"}},
        "Queue": {"Type": "AWS::SQS::Queue", "DependsOn": "Param"},
    }})
    sandbox.aws("cloudformation", "create-stack", "--stack-name", "Broken", "--template-body", template)
    # `wait stack-create-complete` fails on a rolled-back stack, as on AWS
    waited = sandbox.aws("cloudformation", "wait", "stack-create-complete", "--stack-name", "Broken", check=False)
    assert waited.returncode != 0 and "terminal failure state" in waited.stderr
    status = sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "Broken", "--query", "Stacks[0].StackStatus", "--output", "text")
    assert status.stdout.strip() == "ROLLBACK_COMPLETE"
    events = json.loads(sandbox.aws("cloudformation", "describe-stack-events", "--stack-name", "Broken").stdout)["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed[0]["LogicalResourceId"] == "Queue"
    assert "AWS::SQS::Queue is not supported by mesh-sandbox" in failed[0]["ResourceStatusReason"]
    # what was created before the failure is gone again
    assert "ParameterNotFound" in sandbox.aws("ssm", "get-parameter", "--name", "/rollback/me", check=False).stderr
    sandbox.aws("cloudformation", "delete-stack", "--stack-name", "Broken")


def test_errors_with_cloudformation_wording(sandbox, template_file):
    missing = sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "Nope", check=False)
    assert "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id Nope does not exist" in missing.stderr
    caps = sandbox.aws("cloudformation", "create-stack", "--stack-name", "NoCaps", "--template-body", f"file://{template_file}", check=False)
    assert "InsufficientCapabilitiesException" in caps.stderr and "Requires capabilities : [CAPABILITY_IAM]" in caps.stderr
    dup = sandbox.aws("cloudformation", "create-stack", "--stack-name", "E2EStack-stg", "--template-body", f"file://{template_file}",
                      "--capabilities", "CAPABILITY_IAM", check=False)
    assert "AlreadyExistsException" in dup.stderr and "Stack [E2EStack-stg] already exists" in dup.stderr
    params = sandbox.aws("cloudformation", "create-stack", "--stack-name", "BadParam", "--template-body", f"file://{template_file}",
                         "--capabilities", "CAPABILITY_IAM", "--parameters", "ParameterKey=Stage,ParameterValue=dev", check=False)
    assert "Parameter 'Stage' must be one of AllowedValues" in params.stderr


def test_delete_stack_like_cdk_destroy(sandbox):
    sandbox.aws("cloudformation", "delete-stack", "--stack-name", "E2EStack-stg")
    sandbox.aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", "E2EStack-stg")
    gone = sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "E2EStack-stg", check=False)
    assert "Stack with id E2EStack-stg does not exist" in gone.stderr
    assert "ParameterNotFound" in sandbox.aws("ssm", "get-parameter", "--name", "/mesh/prod/interval", check=False).stderr
    listed = json.loads(sandbox.aws("cloudformation", "list-stacks", "--stack-status-filter", "DELETE_COMPLETE").stdout)
    assert any(s["StackName"] == "E2EStack-stg" for s in listed["StackSummaries"])


def test_stacks_survive_a_restart(make_sandbox, tmp_path):
    sandbox = make_sandbox(data_dir=tmp_path / "persist")
    template = json.dumps({"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v"}}},
                           "Outputs": {"Name": {"Value": {"Ref": "P"}}}})
    sandbox.aws("cloudformation", "create-stack", "--stack-name", "Keep", "--template-body", template)
    before = json.loads(sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "Keep").stdout)["Stacks"][0]
    sandbox.restart()
    after = json.loads(sandbox.aws("cloudformation", "describe-stacks", "--stack-name", "Keep").stdout)["Stacks"][0]
    assert after["StackId"] == before["StackId"] and after["Outputs"] == before["Outputs"]
    name = after["Outputs"][0]["OutputValue"]
    assert sandbox.aws("ssm", "get-parameter", "--name", name, "--query", "Parameter.Value", "--output", "text").stdout.strip() == "v"
