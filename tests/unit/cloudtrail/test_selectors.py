"""Event selectors: validation as PutEventSelectors does it, and matching at delivery."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.cloudtrail import selectors
from fogbank.services.cloudtrail.models import default_selectors


def record(
    source: str = "s3.amazonaws.com",
    name: str = "CreateBucket",
    *,
    read_only: bool = False,
    management: bool = True,
    resources: list[tuple[str, str]] | None = None,
    user_arn: str = "arn:aws:iam::111122223333:user/alice",
) -> dict[str, object]:
    return {
        "eventSource": source,
        "eventName": name,
        "readOnly": read_only,
        "managementEvent": management,
        "eventCategory": "Management" if management else "Data",
        "eventType": "AwsApiCall",
        "userIdentity": {"arn": user_arn},
        "resources": [{"type": t, "ARN": a} for t, a in resources or []],
    }


def put_object(bucket: str, key: str) -> dict[str, object]:
    return record(
        name="PutObject",
        management=False,
        resources=[
            ("AWS::S3::Bucket", f"arn:aws:s3:::{bucket}"),
            ("AWS::S3::Object", f"arn:aws:s3:::{bucket}/{key}"),
        ],
    )


def test_default_selectors_log_all_management_events_and_no_data_events() -> None:
    chosen = default_selectors()
    assert selectors.matches(chosen, record())
    assert selectors.matches(chosen, record(read_only=True))
    assert selectors.matches(chosen, record("kms.amazonaws.com", "Decrypt", read_only=True))
    assert not selectors.matches(chosen, put_object("b", "k"))


def basic(**selector: object) -> dict[str, object]:
    return {"basic": selectors.check_basic([selector])}


def test_read_write_type() -> None:
    reads = basic(ReadWriteType="ReadOnly")
    assert selectors.matches(reads, record(read_only=True))
    assert not selectors.matches(reads, record(read_only=False))
    writes = basic(ReadWriteType="WriteOnly")
    assert selectors.matches(writes, record(read_only=False))
    assert not selectors.matches(writes, record(read_only=True))


def test_excluded_management_sources() -> None:
    chosen = basic(ExcludeManagementEventSources=["kms.amazonaws.com"])
    assert not selectors.matches(chosen, record("kms.amazonaws.com", "Encrypt"))
    assert selectors.matches(chosen, record("iam.amazonaws.com", "CreateUser"))


def test_no_management_events() -> None:
    chosen = basic(IncludeManagementEvents=False)
    assert not selectors.matches(chosen, record())


def test_s3_data_resources_by_bucket_and_prefix() -> None:
    chosen = basic(
        IncludeManagementEvents=False,
        DataResources=[
            {
                "Type": "AWS::S3::Object",
                "Values": ["arn:aws:s3:::photos/", "arn:aws:s3:::docs/2026/"],
            }
        ],
    )
    assert selectors.matches(chosen, put_object("photos", "any/key"))
    assert selectors.matches(chosen, put_object("docs", "2026/report.pdf"))
    assert not selectors.matches(chosen, put_object("docs", "2025/report.pdf"))
    assert not selectors.matches(chosen, put_object("photosx", "a"))
    listing = record(
        name="ListObjectsV2",
        read_only=True,
        management=False,
        resources=[("AWS::S3::Bucket", "arn:aws:s3:::photos")],
    )
    assert selectors.matches(chosen, listing)


def test_s3_data_resources_for_all_buckets() -> None:
    chosen = basic(DataResources=[{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}])
    assert selectors.matches(chosen, put_object("anything", "k"))


@pytest.mark.parametrize(
    "selector",
    [
        {"ReadWriteType": "Sometimes"},
        {"DataResources": [{"Type": "AWS::S3::Bucket", "Values": ["arn:aws:s3:::b/"]}]},
        {"DataResources": [{"Type": "AWS::S3::Object", "Values": ["s3://b/"]}]},
        {"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b"]}]},
        {"ExcludeManagementEventSources": ["iam.amazonaws.com"]},
    ],
)
def test_invalid_basic_selectors(selector: dict[str, object]) -> None:
    with pytest.raises(AwsError) as exc:
        selectors.check_basic([selector])
    assert exc.value.code == "InvalidEventSelectorsException"


def test_too_many_basic_selectors() -> None:
    with pytest.raises(AwsError):
        selectors.check_basic([{"ReadWriteType": "All"}] * 6)


def advanced(*fields: dict[str, object]) -> dict[str, object]:
    return {"advanced": selectors.check_advanced([{"Name": "s", "FieldSelectors": list(fields)}])}


def test_advanced_management_write_events_without_kms() -> None:
    chosen = advanced(
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["false"]},
        {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
    )
    assert selectors.matches(chosen, record())
    assert not selectors.matches(chosen, record(read_only=True))
    assert not selectors.matches(chosen, record("kms.amazonaws.com", "CreateKey"))
    assert not selectors.matches(chosen, put_object("b", "k"))


def test_advanced_s3_data_events_by_arn_prefix() -> None:
    chosen = advanced(
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::photos/raw/"]},
        {"Field": "eventName", "NotStartsWith": ["Get", "Head"]},
    )
    assert selectors.matches(chosen, put_object("photos", "raw/1.jpg"))
    assert not selectors.matches(chosen, put_object("photos", "web/1.jpg"))
    get = put_object("photos", "raw/1.jpg") | {"eventName": "GetObject", "readOnly": True}
    assert not selectors.matches(chosen, get)
    assert not selectors.matches(chosen, record())


def test_advanced_selectors_are_ored() -> None:
    chosen = {
        "advanced": selectors.check_advanced(
            [
                {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {"Field": "userIdentity.arn", "EndsWith": [":user/alice"]},
                    ]
                },
            ]
        )
    }
    assert selectors.matches(chosen, record())
    assert selectors.matches(chosen, put_object("b", "k"))
    bob = put_object("b", "k") | {"userIdentity": {"arn": "arn:aws:iam::1:user/bob"}}
    assert not selectors.matches(chosen, bob)


@pytest.mark.parametrize(
    "fields",
    [
        [{"Field": "readOnly", "Equals": ["true"]}],  # no eventCategory
        [{"Field": "eventCategory", "Equals": ["Insight"]}],
        [{"Field": "eventCategory", "Equals": ["Data"]}],  # data needs resources.type
        [{"Field": "eventCategory", "StartsWith": ["Man"]}],  # Equals only
        [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "colour", "Equals": ["x"]},
        ],
        [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventName"}],
    ],
)
def test_invalid_advanced_selectors(fields: list[dict[str, object]]) -> None:
    with pytest.raises(AwsError) as exc:
        selectors.check_advanced([{"FieldSelectors": fields}])
    assert exc.value.code == "InvalidEventSelectorsException"
