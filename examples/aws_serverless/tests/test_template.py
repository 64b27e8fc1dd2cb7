"""template.yaml, read as CloudFormation reads it (intrinsic-function tags included), must keep its
security properties: encryption, no public access, TLS only, least-privilege roles, a DLQ,
tracing. cfn-lint (installed with moto[server]) also validates it after the SAM transform."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

import handler
from conftest import EXAMPLE_DIR, in_ci

TEMPLATE = EXAMPLE_DIR / "template.yaml"
# Where a resource-level ARN cannot be given, AWS requires "*": the key policy's own resource
# ("this key"), and the Rekognition/Textract actions, which have no resource types.
STAR_RESOURCE_ALLOWED = {"AccountAdministersKey", "KycAwsBackends"}
NO_RESOURCE_LEVEL_ACTIONS = {"rekognition:CompareFaces", "rekognition:DetectFaces",
                             "textract:AnalyzeID"}


class CfnLoader(yaml.SafeLoader):
    """YAML with !Ref, !GetAtt, !Sub, !If, ... turned into their JSON-form dictionaries."""


def _intrinsic(loader, tag_suffix, node):
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template():
    return yaml.load(TEMPLATE.read_text(), Loader=CfnLoader)


def resources_of(template, kind):
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def refers_to(node, logical_id) -> bool:
    """Whether an intrinsic expression points at a resource (Ref, GetAtt, or ${Id...} in a Sub)."""
    if isinstance(node, dict):
        if node.get("Ref") == logical_id:
            return True
        if "Fn::GetAtt" in node and node["Fn::GetAtt"][0] == logical_id:
            return True
        if "Fn::Sub" in node and isinstance(node["Fn::Sub"], str):
            return "${" + logical_id in node["Fn::Sub"]
        return any(refers_to(v, logical_id) for v in node.values())
    if isinstance(node, list):
        return any(refers_to(v, logical_id) for v in node)
    return False


def as_list(x):
    return x if isinstance(x, list) else [x]


def all_statements(node, path=""):
    """Every IAM statement anywhere in the template: (where, statement)."""
    if isinstance(node, dict):
        if "Statement" in node and isinstance(node["Statement"], list):
            for s in node["Statement"]:
                yield path, s
        for k, v in node.items():
            yield from all_statements(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_statements(v, f"{path}[{i}]")


def function(template, name):
    """A function's properties with the Globals applied (maps such as variables are merged, as
    SAM merges them)."""
    globals_ = template["Globals"]["Function"]
    own = template["Resources"][name]["Properties"]
    props = {**globals_, **own}
    env = {**globals_.get("Environment", {}).get("Variables", {}),
           **own.get("Environment", {}).get("Variables", {})}
    props["Environment"] = {"Variables": env}
    return props


def test_is_a_sam_template(template):
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert set(resources_of(template, "AWS::Serverless::Function")) == {"ProcessFunction",
                                                                       "ApiFunction"}


def test_bucket_is_encrypted_private_and_tls_only(template):
    [(name, bucket)] = resources_of(template, "AWS::S3::Bucket").items()
    props = bucket["Properties"]
    [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert refers_to(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"], "KycKey")
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True}
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    [notification] = props["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert refers_to(notification["Queue"], "UploadQueue")
    assert bucket["DependsOn"] == "UploadQueuePolicy"

    [policy] = resources_of(template, "AWS::S3::BucketPolicy").values()
    assert refers_to(policy["Properties"]["Bucket"], name)
    denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"]
              if s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false"]
    assert len(denies) == 1 and denies[0]["Principal"] == "*" and denies[0]["Action"] == "s3:*"
    resources = as_list(denies[0]["Resource"])
    assert any(refers_to(r, name) and "/*" not in str(r) for r in resources)  # the bucket
    assert any(refers_to(r, name) and "/*" in str(r) for r in resources)      # its objects


def test_key_table_topic_and_queues(template):
    key = template["Resources"]["KycKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    table = template["Resources"]["ResultsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]  # processor.py's key
    assert refers_to(template["Resources"]["ResultsTopic"]["Properties"]["KmsMasterKeyId"], "KycKey")

    queue = template["Resources"]["UploadQueue"]["Properties"]
    assert refers_to(queue["RedrivePolicy"]["deadLetterTargetArn"], "UploadDeadLetterQueue")
    assert 1 <= queue["RedrivePolicy"]["maxReceiveCount"] <= 10
    timeout = function(template, "ProcessFunction")["Timeout"]
    assert queue["VisibilityTimeout"] >= 6 * timeout  # AWS guidance for Lambda event sources
    for q in ("UploadQueue", "UploadDeadLetterQueue"):
        assert template["Resources"][q]["Properties"]["SqsManagedSseEnabled"] is True
    dlq = template["Resources"]["UploadDeadLetterQueue"]["Properties"]
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
    alarm = template["Resources"]["DeadLetterAlarm"]["Properties"]
    assert refers_to(alarm["Dimensions"], "UploadDeadLetterQueue")

    [statement] = template["Resources"]["UploadQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    # The condition names exactly the upload bucket (its ARN is built from the same name).
    bucket_name = template["Resources"]["UploadBucket"]["Properties"]["BucketName"]["Fn::Sub"]
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"].endswith(":::" + bucket_name)


def test_no_wildcards_where_aws_allows_a_resource(template):
    allows = [(where, s) for where, s in all_statements(template["Resources"]) if s["Effect"] == "Allow"]
    assert len(allows) >= 6
    for where, s in allows:
        for action in as_list(s["Action"]):
            if s.get("Sid") != "AccountAdministersKey":
                assert action != "*" and not action.endswith(":*"), (where, s)
        if s.get("Resource") == "*" or "*" in as_list(s.get("Resource")):
            assert s.get("Sid") in STAR_RESOURCE_ALLOWED, (where, s)
            if s["Sid"] == "KycAwsBackends":
                assert set(as_list(s["Action"])) <= NO_RESOURCE_LEVEL_ACTIONS
    # The admin statement is the key policy's mandatory one, for this account's root only.
    [(where, admin)] = [(w, s) for w, s in allows if s.get("Sid") == "AccountAdministersKey"]
    assert "KeyPolicy" in where and ":root" in admin["Principal"]["AWS"]["Fn::Sub"]


def _inline_statements(props):
    out = []
    for policy in props["Policies"]:
        if "Fn::If" in policy:
            condition, then, _ = policy["Fn::If"]
            assert condition == "UseAwsBackend"
            policy = then
        if "Statement" in policy:
            out.extend(policy["Statement"])
    return out


def test_process_function_least_privilege(template):
    props = function(template, "ProcessFunction")
    statements = {s["Sid"]: s for s in _inline_statements(props)}
    actions = {a for s in statements.values() for a in as_list(s["Action"])}
    assert actions == {"s3:GetObject", "s3:GetObjectVersion", "dynamodb:GetItem",
                       "dynamodb:PutItem", "dynamodb:UpdateItem", "sns:Publish", "kms:Decrypt",
                       "kms:GenerateDataKey"} | NO_RESOURCE_LEVEL_ACTIONS
    read = statements["ReadUploads"]["Resource"]
    assert refers_to(read, "UploadBucket") and read["Fn::Sub"].endswith("/*")
    assert refers_to(statements["WriteResults"]["Resource"], "ResultsTable")
    assert refers_to(statements["Notify"]["Resource"], "ResultsTopic")
    assert refers_to(statements["UseKycKey"]["Resource"], "KycKey")
    [poller] = [p["SQSPollerPolicy"] for p in props["Policies"] if "SQSPollerPolicy" in p]
    assert refers_to(poller["QueueName"], "UploadQueue")
    assert len(props["Policies"]) == 3  # nothing else: no managed policy added by hand


def test_api_function_only_reads_results(template):
    props = function(template, "ApiFunction")
    [statement] = _inline_statements(props)
    assert statement["Action"] == "dynamodb:GetItem"
    assert refers_to(statement["Resource"], "ResultsTable")
    [event] = props["Events"].values()
    assert event["Type"] == "HttpApi" and event["Properties"]["Method"] == "GET"
    assert event["Properties"]["Path"] == "/results/{id}"
    assert refers_to(event["Properties"]["ApiId"], "ResultsApi")
    auth = template["Resources"]["ResultsApi"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "AWS_IAM"


def test_functions_images_tracing_concurrency_and_trigger(template):
    for name, entry in (("ProcessFunction", handler.handler), ("ApiFunction", handler.api_handler)):
        props = function(template, name)
        assert props["PackageType"] == "Image" and props["Tracing"] == "Active"
        [command] = props["ImageConfig"]["Command"]
        module, attr = command.split(".")
        assert module == "handler" and getattr(handler, attr) is entry
        metadata = template["Resources"][name]["Metadata"]
        context = (TEMPLATE.parent / metadata["DockerContext"]).resolve()
        assert (context / metadata["Dockerfile"]).is_file()
        assert (context / "CMakeLists.txt").is_file()  # the context is the repository root
        env = props["Environment"]["Variables"]
        assert refers_to(env["RESULTS_TABLE"], "ResultsTable")
        assert refers_to(env["RESULTS_TOPIC_ARN"], "ResultsTopic")

    props = function(template, "ProcessFunction")
    assert props["ReservedConcurrentExecutions"] == {"Ref": "ReservedConcurrency"}
    [event] = props["Events"].values()
    assert event["Type"] == "SQS"
    assert refers_to(event["Properties"]["Queue"], "UploadQueue")
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "ReservedConcurrency"}
    batch = event["Properties"]["BatchSize"]
    assert batch * 2.0 * 3 < props["Timeout"]  # 3x the measured ~2 s per package, per message


def test_outputs(template):
    assert {"UploadBucketName", "ResultsTableName", "ResultsTopicArn", "ResultsApiUrl",
            "DeadLetterQueueUrl"} <= set(template["Outputs"])


def test_cfn_lint_accepts_the_template():
    try:
        import cfnlint  # noqa: F401  (installed by moto[server])
    except ImportError:
        if in_ci():
            pytest.fail("cfn-lint is not installed (pip install 'moto[server]')", pytrace=False)
        pytest.skip("cfn-lint is not installed (pip install 'moto[server]')")
    # cfn-lint's own entry point (the cfn-lint script), in this interpreter.
    run = subprocess.run([sys.executable, "-c", "import sys; from cfnlint.runner import main; "
                          "sys.exit(main())", str(TEMPLATE)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
