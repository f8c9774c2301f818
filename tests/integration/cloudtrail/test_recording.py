"""Every request a service answers becomes a CloudTrail event, found with LookupEvents from
real clients (boto3 and the AWS CLI)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.cloudtrail.helpers import (
    cli_lookup,
    lookup_all,
    marked_client,
    records,
    wait_for,
)
from tests.support.server import ACCESS_KEY, ACCOUNT_ID, FogbankServer


def by_name(ct: Any, name: str, token: str) -> list[dict[str, Any]]:
    events = lookup_all(
        ct, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}]
    )
    return [e for e in events if token in json.loads(e["CloudTrailEvent"])["userAgent"]]


def test_a_call_is_recorded_with_who_when_and_where(server: FogbankServer) -> None:
    sts, token = marked_client(server, "sts")
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    sts.get_caller_identity()
    ct = server.client("cloudtrail")
    (event,) = wait_for(lambda: by_name(ct, "GetCallerIdentity", token), lambda f: len(f) == 1)
    assert event["EventSource"] == "sts.amazonaws.com"
    assert event["Username"] == "root"
    assert event["AccessKeyId"] == ACCESS_KEY
    assert event["ReadOnly"] == "true"
    assert event["EventTime"] >= before
    record = json.loads(event["CloudTrailEvent"])
    assert record["userIdentity"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert record["userIdentity"]["type"] == "Root"
    assert record["sourceIPAddress"] == "127.0.0.1"
    assert record["awsRegion"] == "us-east-1"
    assert record["recipientAccountId"] == ACCOUNT_ID
    assert record["eventID"] == event["EventId"]
    assert record["requestID"]
    assert record["eventCategory"] == "Management"


def test_failed_calls_are_recorded_with_their_error(server: FogbankServer) -> None:
    trails, token = marked_client(server, "cloudtrail")
    name = f"missing-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError):
        trails.get_trail_status(Name=name)
    ct = server.client("cloudtrail")
    (event,) = wait_for(lambda: by_name(ct, "GetTrailStatus", token), lambda f: len(f) == 1)
    record = json.loads(event["CloudTrailEvent"])
    assert record["errorCode"] == "TrailNotFoundException"
    assert name in record["errorMessage"]
    assert record["requestParameters"] == {"name": name}
    # The trail it named is a resource of the event: found by ResourceName too.
    arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:trail/{name}"
    found = lookup_all(
        ct, LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": arn}]
    )
    assert [e["EventId"] for e in found] == [event["EventId"]]
    assert found[0]["Resources"] == [
        {"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": arn}
    ]


def test_unauthenticated_requests_are_not_recorded(server: FogbankServer) -> None:
    bad, token = marked_client(server, "sts", aws_secret_access_key="wrong" * 8)
    with pytest.raises(ClientError):
        bad.get_caller_identity()
    request = urllib.request.Request(
        server.endpoint + "/",
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": token},
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=5)
    # A signed call with the same mark, then nothing but it.
    good = server.client("sts", config=bad.meta.config)
    good.get_caller_identity()
    ct = server.client("cloudtrail")
    found = wait_for(lambda: by_name(ct, "GetCallerIdentity", token), lambda f: len(f) >= 1)
    import time

    time.sleep(0.5)  # anything written behind on another worker has landed by now
    found = by_name(ct, "GetCallerIdentity", token)
    assert len(found) == 1
    assert "errorCode" not in json.loads(found[0]["CloudTrailEvent"])


def test_lookup_attributes_time_range_and_pages(server: FogbankServer) -> None:
    trails, _ = marked_client(server, "cloudtrail")
    name = f"lookup-{uuid.uuid4().hex[:8]}"
    for _ in range(7):
        with pytest.raises(ClientError):
            trails.get_trail(Name=name)
    ct = server.client("cloudtrail")
    arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:trail/{name}"
    attribute = [{"AttributeKey": "ResourceName", "AttributeValue": arn}]
    mine = wait_for(lambda: lookup_all(ct, LookupAttributes=attribute), lambda f: len(f) == 7)
    ids = [e["EventId"] for e in mine]
    assert len(set(ids)) == 7
    times = [e["EventTime"] for e in mine]
    assert times == sorted(times, reverse=True)
    # Pages of 3: the same events, newest first, no repeats.
    paged: list[str] = []
    pages = ct.get_paginator("lookup_events").paginate(
        LookupAttributes=attribute, PaginationConfig={"PageSize": 3}
    )
    for page in pages:
        assert len(page["Events"]) <= 3
        paged += [e["EventId"] for e in page["Events"]]
    assert paged == ids
    # Each attribute finds them.
    event_id = ids[0]
    for key, value in (
        ("EventId", event_id),
        ("EventName", "GetTrail"),
        ("EventSource", "cloudtrail.amazonaws.com"),
        ("Username", "root"),
        ("AccessKeyId", ACCESS_KEY),
        ("ReadOnly", "true"),
        ("ResourceType", "AWS::CloudTrail::Trail"),
    ):
        found = lookup_all(
            ct,
            LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}],
            StartTime=min(times) - dt.timedelta(seconds=1),
            EndTime=max(times) + dt.timedelta(seconds=1),
        )
        assert event_id in [e["EventId"] for e in found], key
    # A window after them finds none of them.
    later = lookup_all(
        ct, LookupAttributes=attribute, StartTime=max(times) + dt.timedelta(seconds=5)
    )
    assert later == []


def test_lookup_errors(server: FogbankServer) -> None:
    ct = server.client("cloudtrail")
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {
                "LookupAttributes": [
                    {"AttributeKey": "EventName", "AttributeValue": "A"},
                    {"AttributeKey": "Username", "AttributeValue": "B"},
                ]
            },
            "InvalidLookupAttributesException",
        ),
        (
            {
                "StartTime": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                "EndTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            },
            "InvalidTimeRangeException",
        ),
        ({"NextToken": "garbage"}, "InvalidNextTokenException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            ct.lookup_events(**params)
        assert exc.value.response["Error"]["Code"] == code
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    out = server.aws("cloudtrail", "lookup-events", "--max-results", "51", check=False)
    assert out.returncode != 0
    assert "InvalidMaxResultsException" in out.stderr


def test_with_the_aws_cli(server: FogbankServer) -> None:
    server.aws("sts", "get-caller-identity")

    # Events are written behind: the CLI's call may land after a probe (and the shared
    # server holds other tests' GetCallerIdentity events too), so look until it shows.
    events = wait_for(
        lambda: cli_lookup(server, "GetCallerIdentity", "--max-results", "5"),
        lambda found: any(
            "aws-cli/" in json.loads(e["CloudTrailEvent"])["userAgent"] for e in found
        ),
    )
    assert all(e["EventName"] == "GetCallerIdentity" for e in events)


def test_denied_calls_show_access_denied(server: FogbankServer) -> None:
    """A call by an IAM user without permission is recorded with errorCode AccessDenied."""
    iam = server.client("iam")
    name = f"denied-{uuid.uuid4().hex[:8]}"
    try:
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NotImplemented":
            pytest.skip("IAM users are not implemented yet")
        raise
    user, token = marked_client(
        server,
        "cloudtrail",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    with pytest.raises(ClientError) as exc:
        user.create_trail(Name=f"t-{name}", S3BucketName="whatever-bucket")
    code = exc.value.response["Error"]["Code"]
    assert code in ("AccessDeniedException", "AccessDenied")
    ct = server.client("cloudtrail")
    (event,) = wait_for(lambda: by_name(ct, "CreateTrail", token), lambda f: len(f) == 1)
    record = json.loads(event["CloudTrailEvent"])
    assert record["errorCode"] == code
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == name
    assert event["Username"] == name
    assert key["SecretAccessKey"] not in json.dumps(records(lookup_all(ct)), default=str)


def test_secrets_never_reach_the_records(server: FogbankServer) -> None:
    import base64

    kms, token = marked_client(server, "kms")
    key_id = kms.create_key(Description="cloudtrail redaction")["KeyMetadata"]["KeyId"]
    secret = b"the plaintext nobody may log 0123456789"
    kms.encrypt(KeyId=key_id, Plaintext=secret, EncryptionContext={"app": "audit"})
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["Plaintext"]
    ct = server.client("cloudtrail")

    def mine() -> list[dict[str, Any]]:
        events = lookup_all(
            ct,
            LookupAttributes=[
                {"AttributeKey": "EventSource", "AttributeValue": "kms.amazonaws.com"}
            ],
        )
        return [e for e in events if token in json.loads(e["CloudTrailEvent"])["userAgent"]]

    found = wait_for(mine, lambda f: len(f) == 3)
    text = json.dumps(found, default=str)
    for needle in (secret, data_key):
        assert base64.b64encode(needle).decode() not in text
        assert needle.hex() not in text
    assert "the plaintext nobody" not in text
    by_name = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in found}
    encrypt = by_name["Encrypt"]
    assert encrypt["requestParameters"] == {"keyId": key_id, "encryptionContext": {"app": "audit"}}
    assert encrypt["readOnly"] is True and encrypt["managementEvent"] is True
    assert encrypt["resources"][0]["type"] == "AWS::KMS::Key"
    assert encrypt["resources"][0]["ARN"].endswith(f":key/{key_id}")
    assert by_name["GenerateDataKey"]["responseElements"] is None
    created = by_name["CreateKey"]
    assert created["responseElements"]["keyMetadata"]["keyId"] == key_id
