"""CloudTrail records built from what the gateway saw: fields, identities, classification,
resources, and secrets that never reach a record."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fogbank.audit.record import RecordBuilder, SpecsPlans
from fogbank.audit.redaction import HIDDEN
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.protocol.specs import Specs
from tests.unit.cloudtrail.conftest import (
    ACCOUNT,
    OWNER,
    MakeEvent,
    anonymous,
    assumed_role,
    iam_user,
)


def record_of(builder: RecordBuilder, event: object) -> dict[str, object]:
    row = builder.build(event)  # type: ignore[arg-type]
    assert row is not None
    doc = json.loads(row.record)
    assert isinstance(doc, dict)
    return doc


def test_fields_of_a_successful_write(builder: RecordBuilder, make_event: MakeEvent) -> None:
    event = make_event(
        "cloudtrail",
        "CreateTrail",
        {"Name": "audit", "S3BucketName": "logs", "IsMultiRegionTrail": True},
        {"Name": "audit", "TrailARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit"},
    )
    row = builder.build(event)
    assert row is not None
    rec = json.loads(row.record)
    assert list(rec)[:8] == [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
    ]
    assert rec["eventVersion"] == "1.11"
    assert rec["eventTime"] == "2026-01-01T00:00:00Z"
    assert rec["eventSource"] == "cloudtrail.amazonaws.com"
    assert rec["eventName"] == "CreateTrail"
    assert rec["sourceIPAddress"] == "192.0.2.10"
    assert rec["userAgent"] == "aws-cli/1.46.3"
    assert rec["requestParameters"] == {
        "name": "audit",
        "s3BucketName": "logs",
        "isMultiRegionTrail": True,
    }
    assert rec["responseElements"]["trailARN"].endswith(":trail/audit")
    assert rec["requestID"] == "REQ0000000000001"
    assert rec["eventID"] == row.event_id
    assert rec["readOnly"] is False
    assert rec["eventType"] == "AwsApiCall"
    assert rec["managementEvent"] is True
    assert rec["eventCategory"] == "Management"
    assert rec["recipientAccountId"] == ACCOUNT
    assert "errorCode" not in rec and "tlsDetails" not in rec
    assert rec["resources"] == [
        {
            "accountId": ACCOUNT,
            "type": "AWS::CloudTrail::Trail",
            "ARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit",
        }
    ]
    assert row.username == "root"
    assert row.access_key_id == "AKIAROOTKEY000000001"
    assert row.management and not row.read_only
    assert [(r.type, r.name) for r in row.resources] == [
        ("AWS::CloudTrail::Trail", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit")
    ]


def test_reads_record_no_response_elements(builder: RecordBuilder, make_event: MakeEvent) -> None:
    rec = record_of(
        builder,
        make_event("cloudtrail", "DescribeTrails", {}, {"trailList": [{"Name": "secretive"}]}),
    )
    assert rec["readOnly"] is True
    assert rec["responseElements"] is None
    assert rec["requestParameters"] is None


def test_failures_carry_error_code_and_message(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    rec = record_of(
        builder,
        make_event(
            "cloudtrail",
            "StopLogging",
            {"Name": "gone"},
            error=("TrailNotFoundException", "Unknown trail: gone"),
        ),
    )
    assert rec["errorCode"] == "TrailNotFoundException"
    assert rec["errorMessage"] == "Unknown trail: gone"
    assert rec["responseElements"] is None
    keys = list(rec)
    assert keys.index("errorCode") == keys.index("userAgent") + 1


def test_unauthenticated_and_unrouted_requests_are_not_recorded(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    from dataclasses import replace

    event = make_event("sts", "GetCallerIdentity")
    assert builder.build(replace(event, principal=None)) is None
    assert builder.build(replace(event, service=None)) is None
    assert builder.build(replace(event, operation=None)) is None


# -- identities --------------------------------------------------------------------------


def test_iam_user_identity(builder: RecordBuilder, make_event: MakeEvent) -> None:
    event = make_event("sts", "GetCallerIdentity", principal=iam_user("alice"))
    row = builder.build(event)
    assert row is not None
    identity = json.loads(row.record)["userIdentity"]
    assert identity == {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEUSER00001",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAUSERKEY000000001",
        "userName": "alice",
    }
    assert row.username == "alice"


def test_assumed_role_identity_has_session_context(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    row = builder.build(make_event("sts", "GetCallerIdentity", principal=assumed_role()))
    assert row is not None
    identity = json.loads(row.record)["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/build-42"
    assert identity["principalId"] == "AROAEXAMPLEROLE00001:build-42"
    assert identity["accessKeyId"] == "ASIATEMPKEY000000001"
    assert "userName" not in identity
    context = identity["sessionContext"]
    assert context["sessionIssuer"] == {
        "type": "Role",
        "principalId": "AROAEXAMPLEROLE00001",
        "arn": f"arn:aws:iam::{ACCOUNT}:role/deployer",
        "accountId": ACCOUNT,
        "userName": "deployer",
    }
    assert context["attributes"] == {
        "creationDate": "2026-01-01T00:00:00Z",
        "mfaAuthenticated": "false",
    }
    assert context["sourceIdentity"] == "ci-runner"
    assert row.username == "build-42"


def test_anonymous_calls_go_to_the_resource_owner(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    event = make_event(
        "s3",
        "GetObject",
        {"Bucket": "public-site", "Key": "index.html"},
        principal=anonymous(),
        auth_method="anonymous",
        resource_account="555566667777",
    )
    row = builder.build(event)
    assert row is not None
    rec = json.loads(row.record)
    assert rec["userIdentity"] == {
        "type": "AWSAccount",
        "principalId": "",
        "accountId": "ANONYMOUS_PRINCIPAL",
    }
    assert rec["recipientAccountId"] == "555566667777"
    assert row.account_id == "555566667777"
    assert row.username is None
    assert "additionalEventData" not in rec
    # Without a known owner the installation's default account receives it.
    other = make_event("s3", "GetObject", {"Bucket": "b", "Key": "k"}, principal=anonymous())
    row2 = builder.build(other)
    assert row2 is not None and row2.account_id == OWNER


def test_service_principal_identity(builder: RecordBuilder, make_event: MakeEvent) -> None:
    service = Principal(
        kind=PrincipalKind.SERVICE,
        account_id=ACCOUNT,
        arn="cloudtrail.amazonaws.com",
        principal_id="cloudtrail.amazonaws.com",
        name="cloudtrail.amazonaws.com",
    )
    rec = record_of(builder, make_event("sts", "GetCallerIdentity", principal=service))
    assert rec["userIdentity"] == {
        "type": "AWSService",
        "invokedBy": "cloudtrail.amazonaws.com",
    }


# -- classification ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "read_only", "category"),
    [
        ("s3", "CreateBucket", False, "Management"),
        ("s3", "GetBucketPolicy", True, "Management"),
        ("s3", "ListBuckets", True, "Management"),
        ("s3", "PutObject", False, "Data"),
        ("s3", "GetObject", True, "Data"),
        ("s3", "HeadObject", True, "Data"),
        ("s3", "DeleteObjects", False, "Data"),
        ("s3", "ListObjectsV2", True, "Data"),
        ("kms", "Encrypt", True, "Management"),
        ("kms", "Decrypt", True, "Management"),
        ("kms", "GenerateDataKey", True, "Management"),
        ("kms", "CreateKey", False, "Management"),
        ("kms", "ScheduleKeyDeletion", False, "Management"),
        ("iam", "CreateUser", False, "Management"),
        ("iam", "ListUsers", True, "Management"),
        ("iam", "GenerateCredentialReport", False, "Management"),
        ("sts", "AssumeRole", True, "Management"),
        ("cloudtrail", "LookupEvents", True, "Management"),
        ("rds", "DescribeDBInstances", True, "Management"),
        ("rds", "CreateDBInstance", False, "Management"),
    ],
)
def test_read_only_and_category(
    builder: RecordBuilder,
    make_event: MakeEvent,
    service: str,
    operation: str,
    read_only: bool,
    category: str,
) -> None:
    row = builder.build(make_event(service, operation, {}))
    assert row is not None
    rec = json.loads(row.record)
    assert rec["readOnly"] is read_only
    assert rec["eventCategory"] == category
    assert rec["managementEvent"] is (category == "Management")
    assert row.management is (category == "Management")


def test_global_service_events_are_recorded_in_us_east_1(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    row = builder.build(make_event("iam", "ListUsers", {}, region="eu-west-1"))
    assert row is not None and row.region == "us-east-1"
    row = builder.build(make_event("kms", "ListKeys", {}, region="eu-west-1"))
    assert row is not None and row.region == "eu-west-1"


def test_tls_details_over_https(builder: RecordBuilder, make_event: MakeEvent) -> None:
    rec = record_of(
        builder,
        make_event("sts", "GetCallerIdentity", secure=True, headers={"host": "localhost:4566"}),
    )
    assert rec["tlsDetails"] == {
        "tlsVersion": "TLSv1.3",
        "clientProvidedHostHeader": "localhost:4566",
    }


# -- resources -------------------------------------------------------------------------


def test_s3_parameters_and_resources(builder: RecordBuilder, make_event: MakeEvent) -> None:
    event = make_event(
        "s3",
        "PutObject",
        {
            "Bucket": "photos",
            "Key": "2026/cat.jpg",
            "ACL": "private",
            "Body": b"\xff\xd8 jpeg bytes",
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": "c2VjcmV0LWN1c3RvbWVyLWtleS0zMi1ieXRlcy0hISE=",
            "SSECustomerKeyMD5": "kV6WcXWD6gNQ0Z+oe1v4ZQ==",
        },
        {"VersionId": "v1", "ServerSideEncryption": "AES256"},
        headers={"host": "127.0.0.1:4566"},
    )
    row = builder.build(event)
    assert row is not None
    rec = json.loads(row.record)
    params = rec["requestParameters"]
    assert params["bucketName"] == "photos"
    assert params["key"] == "2026/cat.jpg"
    assert params["x-amz-acl"] == "private"
    assert params["Host"] == "127.0.0.1:4566"
    assert params["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    assert "x-amz-server-side-encryption-customer-key" not in params
    assert "SSECustomerKey" not in row.record and "c2VjcmV0" not in row.record
    assert "jpeg bytes" not in row.record
    assert rec["responseElements"] == {
        "x-amz-version-id": "v1",
        "x-amz-server-side-encryption": "AES256",
    }
    assert rec["additionalEventData"] == {
        "SignatureVersion": "SigV4",
        "AuthenticationMethod": "AuthHeader",
    }
    assert rec["resources"] == [
        {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::photos"},
        {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::photos/2026/cat.jpg"},
    ]
    assert rec["eventCategory"] == "Data"


def test_resources_reported_by_the_operation_win(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    rec = record_of(
        builder,
        make_event("kms", "DisableKey", {"KeyId": "alias/app"}, resources=[("AWS::KMS::Key", arn)]),
    )
    assert rec["resources"] == [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": arn}]


@pytest.mark.parametrize(
    ("service", "operation", "params", "output", "expected"),
    [
        (
            "iam",
            "CreateUser",
            {"UserName": "bob"},
            {},
            [("AWS::IAM::User", f"arn:aws:iam::{ACCOUNT}:user/bob")],
        ),
        (
            "kms",
            "Encrypt",
            {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
            {},
            [
                (
                    "AWS::KMS::Key",
                    f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                )
            ],
        ),
        (
            "kms",
            "CreateKey",
            {"Description": "x"},
            {"KeyMetadata": {"Arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1", "KeyId": "k1"}},
            [("AWS::KMS::Key", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1")],
        ),
        (
            "sts",
            "AssumeRole",
            {"RoleArn": f"arn:aws:iam::{OWNER}:role/x", "RoleSessionName": "s"},
            {},
            [("AWS::IAM::Role", f"arn:aws:iam::{OWNER}:role/x")],
        ),
        (
            "rds",
            "DeleteDBInstance",
            {"DBInstanceIdentifier": "db1"},
            {},
            [("AWS::RDS::DBInstance", f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:db1")],
        ),
    ],
)
def test_resources_from_parameters(
    builder: RecordBuilder,
    make_event: MakeEvent,
    service: str,
    operation: str,
    params: dict[str, object],
    output: dict[str, object],
    expected: list[tuple[str, str]],
) -> None:
    row = builder.build(make_event(service, operation, params, output, region="eu-west-1"))
    assert row is not None
    found = [(r["type"], r["ARN"]) for r in json.loads(row.record)["resources"]]
    assert found == expected


# -- secrets ---------------------------------------------------------------------------


def test_iam_access_key_secret_is_left_out(builder: RecordBuilder, make_event: MakeEvent) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    row = builder.build(
        make_event(
            "iam",
            "CreateAccessKey",
            {"UserName": "bob"},
            {
                "AccessKey": {
                    "UserName": "bob",
                    "AccessKeyId": "AKIANEWKEY0000000001",
                    "Status": "Active",
                    "SecretAccessKey": secret,
                    "CreateDate": datetime(2026, 1, 1, tzinfo=UTC),
                }
            },
        )
    )
    assert row is not None
    assert secret not in row.record
    elements = json.loads(row.record)["responseElements"]
    assert elements == {
        "accessKey": {
            "userName": "bob",
            "accessKeyId": "AKIANEWKEY0000000001",
            "status": "Active",
            "createDate": "2026-01-01T00:00:00Z",
        }
    }


def test_iam_passwords_are_left_out(builder: RecordBuilder, make_event: MakeEvent) -> None:
    row = builder.build(
        make_event(
            "iam",
            "CreateLoginProfile",
            {"UserName": "bob", "Password": "Tr0ub4dor&3-horse", "PasswordResetRequired": True},
            {},
        )
    )
    assert row is not None
    assert "Tr0ub4dor" not in row.record
    assert json.loads(row.record)["requestParameters"] == {
        "userName": "bob",
        "passwordResetRequired": True,
    }


def test_sts_credentials_keep_only_the_access_key_id(
    builder: RecordBuilder, make_event: MakeEvent, specs: Specs
) -> None:
    row = builder.build(
        make_event(
            "sts",
            "GetSessionToken",
            {"DurationSeconds": 900},
            {
                "Credentials": {
                    "AccessKeyId": "ASIANEWSESSION000001",
                    "SecretAccessKey": "session-secret-key-value-0000000000000",
                    "SessionToken": "FwoGZXIvYXdzEXAMPLETOKENVALUE",
                    "Expiration": datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
                }
            },
        )
    )
    assert row is not None
    assert "session-secret-key" not in row.record
    assert "FwoGZXIvYXdz" not in row.record
    # GetSessionToken is a read (responseElements null); the rendering itself is checked
    # on a write that returns credentials:
    assume = make_event(
        "sts",
        "AssumeRole",
        {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r", "RoleSessionName": "s"},
        {
            "Credentials": {
                "AccessKeyId": "ASIANEWSESSION000002",
                "SecretAccessKey": "another-secret-value-00000000000000000",
                "SessionToken": "FwoGZXIvYXdzSECONDTOKEN",
                "Expiration": datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
            }
        },
    )
    from fogbank.audit.params import Renderer

    renderer = Renderer("sts")
    plan = SpecsPlans(specs).plan("sts", "AssumeRole")
    assert plan is not None
    elements = renderer.response(plan.output, assume.output or {})
    assert elements == {
        "credentials": {
            "accessKeyId": "ASIANEWSESSION000002",
            "expiration": "2026-01-01T01:00:00Z",
        }
    }


def test_kms_plaintexts_and_data_keys_are_left_out(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    row = builder.build(
        make_event(
            "kms",
            "Encrypt",
            {
                "KeyId": "alias/app",
                "Plaintext": b"top secret plaintext",
                "EncryptionContext": {"Department": "Engineering"},
            },
            {"CiphertextBlob": b"\x01\x02cipher", "KeyId": "arn:aws:kms:us-east-1:1:key/x"},
        )
    )
    assert row is not None
    rec = json.loads(row.record)
    assert rec["requestParameters"] == {
        "keyId": "alias/app",
        "encryptionContext": {"Department": "Engineering"},
    }
    assert "top secret" not in row.record
    row = builder.build(
        make_event(
            "kms",
            "GenerateDataKey",
            {"KeyId": "alias/app", "KeySpec": "AES_256"},
            {"Plaintext": b"k" * 32, "CiphertextBlob": b"c" * 64, "KeyId": "arn:x"},
        )
    )
    assert row is not None
    assert json.loads(row.record)["responseElements"] is None


def test_rds_master_password_is_masked(builder: RecordBuilder, make_event: MakeEvent) -> None:
    row = builder.build(
        make_event(
            "rds",
            "CreateDBInstance",
            {
                "DBInstanceIdentifier": "db1",
                "Engine": "postgres",
                "MasterUsername": "admin",
                "MasterUserPassword": "correct-horse-battery",
                "DBInstanceClass": "db.t3.micro",
            },
            {},
        )
    )
    assert row is not None
    params = json.loads(row.record)["requestParameters"]
    assert params["masterUserPassword"] == HIDDEN
    assert params["masterUsername"] == "admin"
    assert "correct-horse" not in row.record


def test_secrets_echoed_in_error_messages_are_masked(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    row = builder.build(
        make_event(
            "iam",
            "CreateLoginProfile",
            {"UserName": "bob", "Password": "hunter2-but-longer"},
            error=(
                "PasswordPolicyViolation",
                "Password hunter2-but-longer does not conform to the account password policy.",
            ),
        )
    )
    assert row is not None
    assert "hunter2" not in row.record
    assert json.loads(row.record)["errorMessage"] == (
        f"Password {HIDDEN} does not conform to the account password policy."
    )


def test_model_sensitive_members_without_a_table_entry_are_masked(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    # EC2's ImportKeyPair is not in any table; the model marks nothing sensitive there,
    # but RDS's TdeCredentialPassword and EC2 UserData are (table: masked).
    row = builder.build(
        make_event(
            "ec2",
            "RunInstances",
            {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "UserData": "c2VjcmV0IHNjcmlwdA=="},
            {},
        )
    )
    assert row is not None
    assert "c2VjcmV0IHNjcmlwdA" not in row.record


def test_anonymous_calls_outside_s3_are_authentication_failures(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    event = make_event(
        "sts", "GetCallerIdentity", principal=anonymous(), error=("AccessDenied", "x")
    )
    assert builder.build(event) is None


def test_huge_parameters_are_omitted_with_their_size(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    policy = json.dumps({"Statement": [{"Sid": "x" * 200_000}]})
    rec = record_of(
        builder,
        make_event(
            "iam",
            "PutUserPolicy",
            {"UserName": "bob", "PolicyName": "p", "PolicyDocument": policy},
            {},
        ),
    )
    params = rec["requestParameters"]
    assert params["omitted"] is True
    assert params["originalSize"] > 200_000


def test_event_ids_are_uuids_that_grow_with_time() -> None:
    """Version 7 UUIDs: the event history's index on them is appended at its end."""
    import uuid

    from fogbank.audit.record import event_id

    earlier = [event_id(1_700_000_000_000_000_000 + i * 1_000_000) for i in range(50)]
    later = event_id(1_700_000_000_050_000_000)
    for text in [*earlier, later]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    assert sorted(earlier) == earlier
    assert max(earlier) < later
    assert int(later.replace("-", "")[:12], 16) == 1_700_000_000_050  # Unix milliseconds
    same_ms = {event_id(1_700_000_000_000_000_000) for _ in range(1000)}
    assert len(same_ms) == 1000  # 74 random bits apart within one millisecond
