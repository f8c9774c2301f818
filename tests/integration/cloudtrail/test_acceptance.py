"""The issue's acceptance session, end to end with the AWS CLI: history, a validating trail,
`fogbank clock advance 2h`, `aws cloudtrail validate-logs` on untouched and altered logs.

The trail's bucket lets CloudTrail in with a bucket policy, as in AWS."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from tests.integration.cloudtrail.helpers import cli_lookup, lookup_all, wait_for
from tests.support.server import ACCOUNT_ID, FogbankServer

BUCKET = "trail-acceptance-logs"


def policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{bucket}",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT_ID}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                },
            ],
        }
    )


def test_acceptance_session(make_server: Callable[..., FogbankServer]) -> None:
    server = make_server()
    s3 = server.client("s3")
    ct = server.client("cloudtrail")
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)

    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy(BUCKET))
    trail = ct.create_trail(Name="audit", S3BucketName=BUCKET, EnableLogFileValidation=True)
    ct.start_logging(Name="audit")

    # The scripted session: create a bucket, put an object, create a user, a denied call.
    s3.create_bucket(Bucket="acceptance-data")
    s3.put_object(Bucket="acceptance-data", Key="hello.txt", Body=b"hello")
    iam = server.client("iam")
    user_key = None
    try:
        iam.create_user(UserName="acceptance-user")
        user_key = iam.create_access_key(UserName="acceptance-user")["AccessKey"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotImplemented":
            raise
    if user_key is not None:  # a user with no policy: denied
        denied = server.client(
            "s3",
            aws_access_key_id=user_key["AccessKeyId"],
            aws_secret_access_key=user_key["SecretAccessKey"],
        )
        with pytest.raises(ClientError) as exc:
            denied.create_bucket(Bucket="acceptance-denied")
        assert exc.value.response["Error"]["Code"] == "AccessDenied"
    else:  # before IAM users exist: a failing call as root (AWS: InvalidLocationConstraint)
        with pytest.raises(ClientError):
            s3.create_bucket(
                Bucket="acceptance-data-2",
                CreateBucketConfiguration={"LocationConstraint": "us-east-1"},
            )

    def created() -> list[dict[str, object]]:
        return [json.loads(e["CloudTrailEvent"]) for e in cli_lookup(server, "CreateBucket")]

    found = wait_for(created, lambda f: len(f) >= 3)
    made = [r for r in found if r["requestParameters"].get("bucketName") == "acceptance-data"]
    assert made, found
    assert made[0]["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert made[0]["sourceIPAddress"] == "127.0.0.1"
    assert "errorCode" not in made[0]
    failed = [r for r in found if "errorCode" in r]
    assert failed, found
    if user_key is not None:
        assert failed[0]["errorCode"] == "AccessDenied"
        assert failed[0]["userIdentity"]["userName"] == "acceptance-user"

    server.fogbank("clock", "advance", "2h")
    keys = wait_for(
        lambda: s3.list_objects_v2(Bucket=BUCKET).get("Contents", []),
        lambda c: (
            any("CloudTrail-Digest" in o["Key"] for o in c)
            and any("/CloudTrail/" in o["Key"] for o in c)
        ),
    )
    log_keys = [o["Key"] for o in keys if "/CloudTrail/" in o["Key"]]

    validate = (
        "cloudtrail",
        "validate-logs",
        "--trail-arn",
        trail["TrailARN"],
        "--start-time",
        started.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    ok = server.aws(*validate, "--verbose", check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "INVALID" not in ok.stdout + ok.stderr
    assert " valid" in ok.stdout

    # Overwrite one log file with altered content.
    target = log_keys[0]
    body = json.loads(gzip.decompress(s3.get_object(Bucket=BUCKET, Key=target)["Body"].read()))
    body["Records"][0]["sourceIPAddress"] = "203.0.113.66"
    s3.put_object(Bucket=BUCKET, Key=target, Body=gzip.compress(json.dumps(body).encode()))
    bad = server.aws(*validate, check=False)
    assert bad.returncode == 1
    assert f"{target}\tINVALID" in bad.stderr
    # A deleted log file is reported too.
    s3.delete_object(Bucket=BUCKET, Key=target)
    gone = server.aws(*validate, check=False)
    assert gone.returncode == 1
    assert f"{target}\tINVALID: not found" in gone.stderr
    assert lookup_all(ct)  # the history is still there
    assert user_key is None or user_key["SecretAccessKey"] not in json.dumps(
        lookup_all(ct), default=str
    )
