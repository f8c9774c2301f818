"""A second account (`fogbank account create`) and cross-account access to a bucket: a user
of account B reads account A's bucket only when A's bucket policy and B's identity policy
both allow it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code
from tests.support import forkrun
from tests.support.server import ACCOUNT_ID, FogbankServer


def new_account(server: FogbankServer, *args: str) -> dict[str, str]:
    out = server.fogbank("account", "create", "--json", *args)
    doc = json.loads(out.stdout)
    assert isinstance(doc, dict)
    return doc


def test_account_create_and_list(server: FogbankServer) -> None:
    made = new_account(server, "--name", "team-b")
    assert len(made["AccountId"]) == 12 and made["AccountId"].isdigit()
    assert made["Name"] == "team-b"
    listed = json.loads(server.fogbank("account", "list", "--json").stdout)
    ids = [a["AccountId"] for a in listed]
    assert ACCOUNT_ID in ids and made["AccountId"] in ids

    again = server.fogbank("account", "create", "--id", made["AccountId"], check=False)
    assert again.returncode != 0 and "AccountAlreadyExists" in again.stderr
    bad = server.fogbank("account", "create", "--id", "12345", check=False)
    assert bad.returncode != 0 and "12 digits" in bad.stderr

    sts = server.client(
        "sts",
        aws_access_key_id=made["AccessKeyId"],
        aws_secret_access_key=made["SecretAccessKey"],
    )
    ident = sts.get_caller_identity()
    assert ident["Account"] == made["AccountId"]
    assert ident["Arn"] == f"arn:aws:iam::{made['AccountId']}:root"


def test_admin_call_needs_default_root(server: FogbankServer) -> None:
    made = new_account(server)
    env = server.cli_env(
        AWS_ACCESS_KEY_ID=made["AccessKeyId"], AWS_SECRET_ACCESS_KEY=made["SecretAccessKey"]
    )
    out = forkrun.run(forkrun.fogbank_cli(), ["account", "list"], env=env, check=False)
    assert out.returncode != 0 and "AccessDenied" in out.stderr


def _clients(server: FogbankServer, key: dict[str, str], service: str) -> Any:
    return server.client(
        service,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def test_cross_account_needs_both_sides(server: FogbankServer, s3: Any, bucket: str) -> None:
    b = new_account(server, "--name", "reader-account")
    b_id = b["AccountId"]
    iam_b = _clients(server, b, "iam")
    iam_b.create_user(UserName="reader")
    key = iam_b.create_access_key(UserName="reader")["AccessKey"]
    reader = server.client(
        "s3",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"from A")
    # Each account sees its own buckets only.
    b_s3 = _clients(server, b, "s3")
    assert bucket not in [x["Name"] for x in b_s3.list_buckets()["Buckets"]]

    def read() -> str:
        try:
            return reader.get_object(Bucket=bucket, Key="shared.txt")["Body"].read().decode()
        except ClientError as exc:
            assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403
            return str(exc.response["Error"]["Code"])

    # Neither side allows.
    assert read() == "AccessDenied"
    # Only B's identity policy allows.
    iam_b.put_user_policy(
        UserName="reader",
        PolicyName="read-a",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )
    assert read() == "AccessDenied"
    # Both allow.
    grant = {
        "Sid": "ReaderInB",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{b_id}:user/reader"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]})
    )
    assert read() == "from A"
    # Only A's bucket policy allows.
    iam_b.delete_user_policy(UserName="reader", PolicyName="read-a")
    assert read() == "AccessDenied"
    # A grant to the account B delegates to B's identity policies; B's root needs none.
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{**grant, "Principal": {"AWS": b_id}}]}
        ),
    )
    assert read() == "AccessDenied"
    assert b_s3.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"from A"
    # What the policy does not grant stays denied, and B cannot touch A's policy.
    with pytest.raises(ClientError) as exc:
        b_s3.put_object(Bucket=bucket, Key="from-b.txt", Body=b"x")
    assert code(exc) == "AccessDenied"
    with pytest.raises(ClientError) as exc:
        b_s3.get_bucket_policy(Bucket=bucket)
    assert code(exc) == "AccessDenied"
