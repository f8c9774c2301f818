"""Trails over the store, on SQLite and PostgreSQL alike: create/update/delete/get/describe,
logging state and status, selectors, tags, and the errors CloudTrail answers."""

from __future__ import annotations

import pytest

from tests.contract.cloudtrail_support import (
    ACCOUNT,
    REGION,
    START,
    CloudTrailKit,
    ct_fixture,  # noqa: F401 - fixture
)
from tests.support.cloudtrail import cloudtrail_policy

ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/audit"


@pytest.fixture
def bucket(ct: CloudTrailKit) -> str:
    ct.dest.make_bucket("trail-logs", policy=cloudtrail_policy("trail-logs", ACCOUNT))
    return "trail-logs"


def test_create_then_get_and_describe(ct: CloudTrailKit, bucket: str) -> None:
    created = ct.call(
        "CreateTrail",
        {"Name": "audit", "S3BucketName": bucket, "EnableLogFileValidation": True},
    )
    assert created == {
        "Name": "audit",
        "S3BucketName": bucket,
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": False,
        "TrailARN": ARN,
        "LogFileValidationEnabled": True,
        "IsOrganizationTrail": False,
    }
    trail = ct.call("GetTrail", {"Name": "audit"})["Trail"]
    assert trail["HomeRegion"] == REGION
    assert trail["HasCustomEventSelectors"] is False
    assert trail["HasInsightSelectors"] is False
    assert ct.call("GetTrail", {"Name": ARN})["Trail"]["Name"] == "audit"
    listed = ct.call("DescribeTrails", {})["trailList"]
    assert [t["TrailARN"] for t in listed] == [ARN]
    assert ct.call("DescribeTrails", {"trailNameList": ["nope"]})["trailList"] == []
    assert ct.call("ListTrails", {})["Trails"] == [
        {"TrailARN": ARN, "Name": "audit", "HomeRegion": REGION}
    ]
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["IsLogging"] is False


def test_create_errors(ct: CloudTrailKit, bucket: str) -> None:
    ct.fails("CreateTrail", {"Name": "ab", "S3BucketName": bucket}, "InvalidTrailNameException")
    ct.fails("CreateTrail", {"Name": "-abc", "S3BucketName": bucket}, "InvalidTrailNameException")
    ct.fails("CreateTrail", {"Name": "a..b", "S3BucketName": bucket}, "InvalidTrailNameException")
    ct.fails("CreateTrail", {"Name": "a b c", "S3BucketName": bucket}, "InvalidTrailNameException")
    ct.fails(
        "CreateTrail", {"Name": "10.0.0.1", "S3BucketName": bucket}, "InvalidTrailNameException"
    )
    ct.fails(
        "CreateTrail", {"Name": "ok1", "S3BucketName": "Bad_Bucket"}, "InvalidS3BucketNameException"
    )
    ct.fails(
        "CreateTrail",
        {"Name": "ok1", "S3BucketName": "missing-bucket"},
        "S3BucketDoesNotExistException",
    )
    ct.fails(
        "CreateTrail",
        {
            "Name": "ok1",
            "S3BucketName": bucket,
            "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": False,
        },
        "InvalidParameterCombinationException",
    )
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    err = ct.fails(
        "CreateTrail", {"Name": "audit", "S3BucketName": bucket}, "TrailAlreadyExistsException"
    )
    assert err.message == f"Trail audit already exists for customer: {ACCOUNT}"


def test_bucket_policy_must_let_cloudtrail_write(ct: CloudTrailKit) -> None:
    ct.dest.make_bucket("no-policy")
    ct.fails(
        "CreateTrail",
        {"Name": "t1x", "S3BucketName": "no-policy"},
        "InsufficientS3BucketPolicyException",
    )
    ct.dest.make_bucket("other-acct", policy=cloudtrail_policy("other-acct", "999999999999"))
    ct.fails(
        "CreateTrail",
        {"Name": "t1x", "S3BucketName": "other-acct"},
        "InsufficientS3BucketPolicyException",
    )
    ct.dest.make_bucket("prefixed", policy=cloudtrail_policy("prefixed", ACCOUNT, prefix="ct"))
    ct.fails(
        "CreateTrail",
        {"Name": "t1x", "S3BucketName": "prefixed"},
        "InsufficientS3BucketPolicyException",
    )
    made = ct.call("CreateTrail", {"Name": "t1x", "S3BucketName": "prefixed", "S3KeyPrefix": "ct"})
    assert made["S3KeyPrefix"] == "ct"


def test_update_trail(ct: CloudTrailKit, bucket: str) -> None:
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    ct.dest.make_bucket("second", policy=cloudtrail_policy("second", ACCOUNT))
    updated = ct.call(
        "UpdateTrail",
        {
            "Name": "audit",
            "S3BucketName": "second",
            "IsMultiRegionTrail": True,
            "EnableLogFileValidation": True,
            "KmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
        },
    )
    assert updated["S3BucketName"] == "second"
    assert updated["IsMultiRegionTrail"] is True
    assert updated["LogFileValidationEnabled"] is True
    assert updated["KmsKeyId"] == (
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    again = ct.call("UpdateTrail", {"Name": "audit", "KmsKeyId": ""})
    assert "KmsKeyId" not in again
    ct.fails(
        "UpdateTrail",
        {"Name": "audit", "S3BucketName": "missing-bucket"},
        "S3BucketDoesNotExistException",
    )
    ct.fails("UpdateTrail", {"Name": "nosuch"}, "TrailNotFoundException")


def test_multi_region_trails_are_shadows_elsewhere(ct: CloudTrailKit, bucket: str) -> None:
    ct.call(
        "CreateTrail", {"Name": "everywhere", "S3BucketName": bucket, "IsMultiRegionTrail": True}
    )
    ct.call("CreateTrail", {"Name": "local", "S3BucketName": bucket})
    west = ct.call("DescribeTrails", {}, region="eu-west-1")["trailList"]
    assert [t["Name"] for t in west] == ["everywhere"]
    assert west[0]["HomeRegion"] == REGION
    assert (
        ct.call("DescribeTrails", {"includeShadowTrails": False}, region="eu-west-1")["trailList"]
        == []
    )
    assert ct.call("GetTrail", {"Name": "everywhere"}, region="eu-west-1")["Trail"][
        "IsMultiRegionTrail"
    ]
    ct.fails("GetTrail", {"Name": "local"}, "TrailNotFoundException", region="eu-west-1")
    ct.fails(
        "StopLogging", {"Name": "everywhere"}, "InvalidHomeRegionException", region="eu-west-1"
    )
    ct.fails(
        "DeleteTrail", {"Name": "everywhere"}, "InvalidHomeRegionException", region="eu-west-1"
    )
    ct.fails(
        "CreateTrail",
        {"Name": "everywhere", "S3BucketName": bucket},
        "TrailAlreadyExistsException",
        region="eu-west-1",
    )


def test_arn_names_must_be_well_formed(ct: CloudTrailKit, bucket: str) -> None:
    ct.fails(
        "GetTrail",
        {"Name": "arn:aws:cloudtrail:us-east-1:123:trail/x"},
        "CloudTrailARNInvalidException",
    )
    ct.fails(
        "GetTrail",
        {"Name": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/none"},
        "TrailNotFoundException",
    )
    other = "arn:aws:cloudtrail:us-east-1:999999999999:trail/audit"
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    ct.fails("GetTrail", {"Name": other}, "TrailNotFoundException")


def test_logging_state(ct: CloudTrailKit, bucket: str) -> None:
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    ct.call("StartLogging", {"Name": "audit"})
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["IsLogging"] is True
    assert status["StartLoggingTime"].timestamp() == START
    assert status["TimeLoggingStarted"] == "2026-01-01T00:00:00Z"
    ct.clock.advance(60)
    ct.call("StopLogging", {"Name": "audit"})
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["IsLogging"] is False
    assert status["StopLoggingTime"].timestamp() == START + 60
    assert status["TimeLoggingStopped"] == "2026-01-01T00:01:00Z"


def test_delete_trail(ct: CloudTrailKit, bucket: str) -> None:
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    ct.call("DeleteTrail", {"Name": ARN})
    ct.fails("GetTrail", {"Name": "audit"}, "TrailNotFoundException")
    ct.fails("DeleteTrail", {"Name": "audit"}, "TrailNotFoundException")
    assert ct.call("DescribeTrails", {})["trailList"] == []
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})  # the name is free again


def test_five_trails_per_region(ct: CloudTrailKit, bucket: str) -> None:
    for i in range(5):
        ct.call("CreateTrail", {"Name": f"trail-{i}", "S3BucketName": bucket})
    ct.fails(
        "CreateTrail",
        {"Name": "trail-5", "S3BucketName": bucket},
        "MaximumNumberOfTrailsExceededException",
    )
    ct.call("CreateTrail", {"Name": "trail-5", "S3BucketName": bucket}, region="eu-west-1")


def test_event_selectors(ct: CloudTrailKit, bucket: str) -> None:
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    default = ct.call("GetEventSelectors", {"TrailName": "audit"})
    assert default == {
        "TrailARN": ARN,
        "EventSelectors": [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [],
                "ExcludeManagementEventSources": [],
            }
        ],
    }
    put = ct.call(
        "PutEventSelectors",
        {
            "TrailName": "audit",
            "EventSelectors": [
                {
                    "ReadWriteType": "WriteOnly",
                    "DataResources": [
                        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::photos/"]}
                    ],
                }
            ],
        },
    )
    assert put["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
    assert put["EventSelectors"][0]["IncludeManagementEvents"] is True
    assert ct.call("GetTrail", {"Name": "audit"})["Trail"]["HasCustomEventSelectors"] is True
    advanced = [
        {
            "Name": "writes",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        }
    ]
    ct.call("PutEventSelectors", {"TrailName": "audit", "AdvancedEventSelectors": advanced})
    got = ct.call("GetEventSelectors", {"TrailName": "audit"})
    assert got == {"TrailARN": ARN, "AdvancedEventSelectors": advanced}
    ct.fails(
        "PutEventSelectors",
        {"TrailName": "audit", "EventSelectors": [], "AdvancedEventSelectors": advanced},
        "InvalidEventSelectorsException",
    )
    ct.fails(
        "PutEventSelectors",
        {
            "TrailName": "audit",
            "AdvancedEventSelectors": [
                {"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}
            ],
        },
        "InvalidEventSelectorsException",
    )
    ct.fails("GetEventSelectors", {"TrailName": "nosuch"}, "TrailNotFoundException")


def test_insight_selectors_are_stored(ct: CloudTrailKit, bucket: str) -> None:
    ct.call("CreateTrail", {"Name": "audit", "S3BucketName": bucket})
    ct.fails("GetInsightSelectors", {"TrailName": "audit"}, "InsightNotEnabledException")
    put = ct.call(
        "PutInsightSelectors",
        {"TrailName": "audit", "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}]},
    )
    assert put == {"TrailARN": ARN, "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}]}
    assert ct.call("GetInsightSelectors", {"TrailName": "audit"})["InsightSelectors"] == [
        {"InsightType": "ApiCallRateInsight"}
    ]
    assert ct.call("GetTrail", {"Name": "audit"})["Trail"]["HasInsightSelectors"] is True
    ct.fails(
        "PutInsightSelectors",
        {"TrailName": "audit", "InsightSelectors": [{"InsightType": "Guesswork"}]},
        "InvalidInsightSelectorsException",
    )
    ct.call("PutInsightSelectors", {"TrailName": "audit", "InsightSelectors": []})
    ct.fails("GetInsightSelectors", {"TrailName": "audit"}, "InsightNotEnabledException")


def test_tags(ct: CloudTrailKit, bucket: str) -> None:
    ct.call(
        "CreateTrail",
        {"Name": "audit", "S3BucketName": bucket, "TagsList": [{"Key": "team", "Value": "sec"}]},
    )
    ct.call("AddTags", {"ResourceId": ARN, "TagsList": [{"Key": "env", "Value": "prod"}]})
    listed = ct.call("ListTags", {"ResourceIdList": [ARN]})["ResourceTagList"]
    assert listed == [
        {
            "ResourceId": ARN,
            "TagsList": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "sec"}],
        }
    ]
    ct.call("RemoveTags", {"ResourceId": ARN, "TagsList": [{"Key": "team"}]})
    listed = ct.call("ListTags", {"ResourceIdList": [ARN]})["ResourceTagList"]
    assert listed[0]["TagsList"] == [{"Key": "env", "Value": "prod"}]
    ct.fails("AddTags", {"ResourceId": "audit", "TagsList": []}, "CloudTrailARNInvalidException")
    ct.fails(
        "ListTags",
        {"ResourceIdList": [f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/none"]},
        "ResourceNotFoundException",
    )
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    ct.fails("AddTags", {"ResourceId": ARN, "TagsList": many}, "TagsLimitExceededException")


def test_public_keys(ct: CloudTrailKit) -> None:
    keys = ct.call("ListPublicKeys", {})["PublicKeyList"]
    assert len(keys) == 1
    key = keys[0]
    assert key["ValidityStartTime"].timestamp() <= START < key["ValidityEndTime"].timestamp()
    assert len(key["Fingerprint"]) == 32
    import rsa

    loaded = rsa.PublicKey.load_pkcs1(key["Value"], format="DER")
    assert loaded.n.bit_length() == 2048
    again = ct.call("ListPublicKeys", {})["PublicKeyList"]
    assert again == keys  # the same current key
    other = ct.call("ListPublicKeys", {}, region="eu-west-1")["PublicKeyList"]
    assert other[0]["Fingerprint"] != key["Fingerprint"]  # one key pair per region
    from datetime import UTC, datetime

    ct.fails(
        "ListPublicKeys",
        {
            "StartTime": datetime.fromtimestamp(START + 10, UTC),
            "EndTime": datetime.fromtimestamp(START, UTC),
        },
        "InvalidTimeRangeException",
    )
