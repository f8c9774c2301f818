"""S3 server access logging: Put/GetBucketLogging and its errors; delivery of records in
S3's format to the target bucket on the fogbank clock, exactly once across restarts."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, unique_bucket
from tests.integration.s3.test_policies import curl
from tests.support.server import ACCOUNT_ID, FogbankServer

# S3's documented fields, in order (the last ones as a regular expression for the line).
RECORD = re.compile(
    r"(?P<owner>\S+) (?P<bucket>\S+) \[(?P<time>[^\]]+)\] (?P<ip>\S+) (?P<requester>\S+) "
    r'(?P<request_id>\S+) (?P<operation>\S+) (?P<key>\S+) "(?P<uri>[^"]*)" (?P<status>\d{3}) '
    r"(?P<error>\S+) (?P<bytes>\S+) (?P<size>\S+) (?P<total>\d+) (?P<turnaround>\S+) "
    r'"(?P<referer>[^"]*)" "(?P<ua>[^"]*)" (?P<version>\S+) (?P<host_id>\S+) (?P<sigv>\S+) '
    r"(?P<cipher>\S+) (?P<auth>\S+) (?P<host>\S+) (?P<tls>\S+) (?P<ap>\S+) (?P<acl>\S+)$"
)


def logging_policy(target: str, prefix: str, source: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "S3ServerAccessLogsPolicy",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{target}/{prefix}*",
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"},
                        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                    },
                }
            ],
        }
    )


def enable(s3: Any, source: str, target: str, prefix: str, **extra: Any) -> None:
    s3.put_bucket_logging(
        Bucket=source,
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": prefix, **extra}
        },
    )


def records(s3: Any, target: str, prefix: str) -> tuple[list[str], list[dict[str, str]]]:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=target, Prefix=prefix).get("Contents", [])]
    out = []
    for key in keys:
        body = s3.get_object(Bucket=target, Key=key)["Body"].read().decode()
        for line in body.splitlines():
            m = RECORD.match(line)
            assert m, line
            out.append(m.groupdict())
    return keys, out


def test_configuration_and_errors(server: FogbankServer) -> None:
    # the shared server: its buckets are its own, the clock stays put, logging ends off
    s3 = server.client("s3")
    source, target, other = unique_bucket(), unique_bucket(), unique_bucket()
    for name in (source, target):
        s3.create_bucket(Bucket=name)
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)

    with pytest.raises(ClientError) as err:
        enable(s3, source, other, "logs/")
    assert code(err) == "InvalidTargetBucketForLogging"
    assert "does not exist" in err.value.response["Error"]["Message"]

    with pytest.raises(ClientError) as err:  # no policy lets the logging service write
        enable(s3, source, target, "logs/")
    assert code(err) == "InvalidTargetBucketForLogging"
    assert "permissions to the logging service" in err.value.response["Error"]["Message"]

    eu = server.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_policy(Bucket=other, Policy=logging_policy(other, "logs/", source))
    with pytest.raises(ClientError) as err:
        enable(s3, source, other, "logs/")
    assert code(err) == "InvalidTargetBucketForLogging"

    s3.put_bucket_policy(Bucket=target, Policy=logging_policy(target, "logs/", source))
    grant = {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
             "Permission": "READ"}  # fmt: skip
    with pytest.raises(ClientError) as err:  # ACLs disabled on the target (the default)
        enable(s3, source, target, "logs/", TargetGrants=[grant])
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    key_format = {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}
    enable(s3, source, target, "logs/", TargetObjectKeyFormat=key_format)
    got = s3.get_bucket_logging(Bucket=source)["LoggingEnabled"]
    assert got["TargetBucket"] == target and got["TargetPrefix"] == "logs/"
    assert got["TargetObjectKeyFormat"] == key_format
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)


def test_records_delivered_once(make_server: Callable[..., FogbankServer]) -> None:
    server = make_server()
    s3 = server.client("s3")
    source, target = unique_bucket(), unique_bucket()
    for name in (source, target):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=target, Policy=logging_policy(target, "logs/", source))
    enable(s3, source, target, "logs/")

    s3.put_object(Bucket=source, Key="dir/hello.txt", Body=b"hello world")
    assert s3.get_object(Bucket=source, Key="dir/hello.txt")["Body"].read() == b"hello world"
    with pytest.raises(ClientError):
        s3.get_object(Bucket=source, Key="missing")
    assert curl(f"{server.endpoint}/{source}/dir/hello.txt")[0] == 403
    time.sleep(1.0)  # the records are written behind the responses
    server.fogbank("clock", "advance", "1h")

    keys, found = records(s3, target, "logs/")
    assert keys and all(re.fullmatch(r"logs/\d{4}(-\d\d){5}-[0-9A-F]{16}", k) for k in keys)
    by_op = {(r["operation"], r["key"], r["status"]): r for r in found}
    put = by_op[("REST.PUT.OBJECT", "dir/hello.txt", "200")]
    assert put["size"] == "11" and put["bucket"] == source and put["sigv"] == "SigV4"
    assert put["uri"].startswith(f"PUT /{source}/dir/hello.txt")
    assert put["requester"] != "-" and put["auth"] == "AuthHeader"
    get = by_op[("REST.GET.OBJECT", "dir/hello.txt", "200")]
    assert get["bytes"] == "11" and get["size"] == "11"
    missing = by_op[("REST.GET.OBJECT", "missing", "404")]
    assert missing["error"] == "NoSuchKey"
    denied = by_op[("REST.GET.OBJECT", "dir/hello.txt", "403")]
    assert denied["requester"] == "-" and denied["error"] == "AccessDenied"
    assert denied["sigv"] == "-" and denied["auth"] == "-"
    count = len(found)

    # Off: no more records. A restart delivers nothing twice.
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    s3.get_object(Bucket=source, Key="dir/hello.txt")
    time.sleep(1.0)
    server.stop()
    server.start()
    s3 = server.client("s3")
    server.fogbank("clock", "advance", "1h")
    _, after = records(s3, target, "logs/")
    assert sorted(r["request_id"] for r in after) == sorted(r["request_id"] for r in found) or (
        len(after) == count + 1  # the PutBucketLogging that turned it off is itself logged
        and [r for r in after if r["operation"] == "REST.PUT.LOGGING_STATUS"]
    )
    assert len({r["request_id"] for r in after}) == len(after)
    assert not [r for r in after if r["operation"] == "REST.GET.OBJECT" and r["status"] == "200"
                and r["request_id"] not in {f["request_id"] for f in found}]  # fmt: skip
