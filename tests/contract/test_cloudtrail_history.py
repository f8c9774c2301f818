"""LookupEvents over the store, on SQLite and PostgreSQL alike: every lookup attribute, time
ranges, pagination, the 90-day window on the fogbank clock, and what is not in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fogbank.core.principal import Principal, PrincipalKind
from tests.contract.cloudtrail_support import (
    ACCOUNT,
    START,
    CloudTrailKit,
    ct_fixture,  # noqa: F401 - fixture
)

DAY = 86400.0


def when(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def user(name: str, key: str) -> Principal:
    return Principal(
        kind=PrincipalKind.IAM_USER,
        account_id=ACCOUNT,
        arn=f"arn:aws:iam::{ACCOUNT}:user/{name}",
        principal_id=f"AIDA{name.upper():0<16}",
        name=name,
        access_key_id=key,
    )


def lookup(
    ct: CloudTrailKit, key: str | None = None, value: str | None = None, **kw: object
) -> list[dict[str, object]]:
    params: dict[str, object] = dict(kw)
    if key is not None:
        params["LookupAttributes"] = [{"AttributeKey": key, "AttributeValue": value}]
    return list(ct.call("LookupEvents", params)["Events"])


@pytest.fixture
def history(ct: CloudTrailKit) -> dict[str, str]:
    ids: dict[str, str] = {}
    ids["bucket"] = ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.clock.advance(10)
    ids["user"] = ct.record(
        "iam", "CreateUser", {"UserName": "bob"}, principal=user("alice", "AKIAALICE00000000001")
    )
    ct.clock.advance(10)
    ids["list"] = ct.record("iam", "ListUsers", {}, principal=user("carol", "AKIACAROL00000000001"))
    ct.clock.advance(10)
    ids["key"] = ct.record("kms", "CreateKey", {"Description": "k"})
    ct.clock.advance(10)
    ids["denied"] = ct.record(
        "s3",
        "DeleteBucket",
        {"Bucket": "photos"},
        principal=user("mallory", "AKIAMALLORY000000001"),
        error="AccessDenied",
    )
    ct.clock.advance(10)
    ids["data"] = ct.record("s3", "PutObject", {"Bucket": "photos", "Key": "a.jpg"})
    ids["west"] = ct.record("kms", "ListKeys", {}, region="us-west-2")
    ct.clock.advance(10)
    return ids


def test_newest_first_management_events_of_the_region_only(
    ct: CloudTrailKit, history: dict[str, str]
) -> None:
    events = lookup(ct)
    assert [e["EventId"] for e in events] == [
        history["denied"],
        history["key"],
        history["list"],
        history["user"],
        history["bucket"],
    ]
    assert all(e["EventId"] not in (history["data"], history["west"]) for e in events)
    west = ct.call("LookupEvents", {}, region="us-west-2")["Events"]
    assert [e["EventId"] for e in west] == [history["west"]]


def test_event_fields(ct: CloudTrailKit, history: dict[str, str]) -> None:
    (event,) = lookup(ct, "EventId", history["user"])
    assert event["EventName"] == "CreateUser"
    assert event["EventSource"] == "iam.amazonaws.com"
    assert event["ReadOnly"] == "false"
    assert event["Username"] == "alice"
    assert event["AccessKeyId"] == "AKIAALICE00000000001"
    assert event["EventTime"] == when(START + 10)
    assert event["Resources"] == [
        {"ResourceType": "AWS::IAM::User", "ResourceName": f"arn:aws:iam::{ACCOUNT}:user/bob"}
    ]
    assert '"eventName":"CreateUser"' in str(event["CloudTrailEvent"])


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("EventName", "CreateBucket", ["bucket"]),
        ("EventSource", "iam.amazonaws.com", ["list", "user"]),
        ("Username", "alice", ["user"]),
        ("Username", "root", ["key", "bucket"]),
        ("AccessKeyId", "AKIACAROL00000000001", ["list"]),
        ("ReadOnly", "true", ["list"]),
        ("ReadOnly", "false", ["denied", "key", "user", "bucket"]),
        ("ResourceType", "AWS::S3::Bucket", ["denied", "bucket"]),
        ("ResourceName", "photos", ["denied", "bucket"]),
        ("EventName", "NoSuchCall", []),
        ("ReadOnly", "maybe", []),
    ],
)
def test_lookup_by_each_attribute(
    ct: CloudTrailKit, history: dict[str, str], key: str, value: str, expected: list[str]
) -> None:
    found = [e["EventId"] for e in lookup(ct, key, value)]
    assert found == [history[name] for name in expected]


def test_denied_calls_are_in_the_history_with_their_error(
    ct: CloudTrailKit, history: dict[str, str]
) -> None:
    (event,) = lookup(ct, "EventId", history["denied"])
    assert '"errorCode":"AccessDenied"' in str(event["CloudTrailEvent"])


def test_time_range(ct: CloudTrailKit, history: dict[str, str]) -> None:
    found = lookup(ct, StartTime=when(START + 10), EndTime=when(START + 30))
    assert [e["EventId"] for e in found] == [history["key"], history["list"], history["user"]]
    ct.fails(
        "LookupEvents",
        {"StartTime": when(START + 30), "EndTime": when(START + 10)},
        "InvalidTimeRangeException",
    )


def test_pagination(ct: CloudTrailKit) -> None:
    made = []
    for i in range(23):
        made.append(ct.record("sts", "GetCallerIdentity"))
        if i % 3:
            ct.clock.advance(1)  # some events share a second
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params: dict[str, object] = {"MaxResults": 5}
        if token:
            params["NextToken"] = token
        page = ct.call("LookupEvents", params)
        seen += [e["EventId"] for e in page["Events"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 5
    assert seen == list(reversed(made))


def test_next_token_is_bound_to_its_query(ct: CloudTrailKit) -> None:
    for _ in range(3):
        ct.record("sts", "GetCallerIdentity")
    token = ct.call("LookupEvents", {"MaxResults": 1})["NextToken"]
    ct.fails(
        "LookupEvents",
        {
            "MaxResults": 1,
            "NextToken": token,
            "LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "root"}],
        },
        "InvalidNextTokenException",
    )
    ct.fails("LookupEvents", {"NextToken": "not-a-token"}, "InvalidNextTokenException")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"MaxResults": 51}, "InvalidMaxResultsException"),
        ({"MaxResults": 0}, "InvalidMaxResultsException"),
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
            {"LookupAttributes": [{"AttributeKey": "Colour", "AttributeValue": "red"}]},
            "InvalidLookupAttributesException",
        ),
    ],
)
def test_invalid_lookups(ct: CloudTrailKit, params: dict[str, object], code: str) -> None:
    ct.fails("LookupEvents", params, code)


def test_insight_events_are_none(ct: CloudTrailKit, history: dict[str, str]) -> None:
    assert ct.call("LookupEvents", {"EventCategory": "insight"})["Events"] == []


def test_ninety_days_by_the_fogbank_clock(ct: CloudTrailKit) -> None:
    old = ct.record("sts", "GetCallerIdentity")
    ct.clock.advance(89 * DAY)
    recent = ct.record("sts", "GetCallerIdentity")
    assert [e["EventId"] for e in lookup(ct)] == [recent, old]
    ct.clock.advance(2 * DAY)
    assert [e["EventId"] for e in lookup(ct)] == [recent]
    ct.retain()
    remaining = ct.db.read_sync(
        lambda c: [r["event_id"] for r in c.all("SELECT event_id FROM cloudtrail_events")]
    )
    assert remaining == [recent]
