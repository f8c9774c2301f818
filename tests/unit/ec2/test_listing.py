"""Filters (wildcards, tags, unknown names) and pagination tokens."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.ec2 import regions
from fogbank.services.ec2.filters import Fields, Filter, parse, pattern
from fogbank.services.ec2.paging import page

ITEMS = [
    {"id": "vpc-a", "cidr": "10.0.0.0/16", "tags": {"Name": "prod-db"}},
    {"id": "vpc-b", "cidr": "10.1.0.0/16", "tags": {"Name": "dev-db", "team": "x"}},
    {"id": "vpc-c", "cidr": "172.31.0.0/16", "tags": {}},
]
FIELDS: Fields[dict[str, object]] = Fields(
    {"vpc-id": lambda i: [str(i["id"])], "cidr": lambda i: [str(i["cidr"])]},
    tags=lambda i: i["tags"],  # type: ignore[arg-type,return-value]
)


def ids(filters: list[Filter]) -> list[object]:
    return [i["id"] for i in FIELDS.apply(filters, ITEMS)]


def test_values_are_ored_and_filters_anded() -> None:
    assert ids([Filter("vpc-id", ("vpc-a", "vpc-c"))]) == ["vpc-a", "vpc-c"]
    assert ids([Filter("vpc-id", ("vpc-a", "vpc-c")), Filter("cidr", ("10.*",))]) == ["vpc-a"]


def test_wildcards_and_escapes() -> None:
    assert ids([Filter("cidr", ("10.?.0.0/16",))]) == ["vpc-a", "vpc-b"]
    assert pattern(r"a\*b").fullmatch("a*b")
    assert not pattern(r"a\*b").fullmatch("axb")
    assert not pattern("10.0").fullmatch("10x0")  # a dot is a dot


def test_tag_filters() -> None:
    assert ids([Filter("tag:Name", ("*-db",))]) == ["vpc-a", "vpc-b"]
    assert ids([Filter("tag-key", ("team",))]) == ["vpc-b"]
    assert ids([Filter("tag-value", ("prod-db",))]) == ["vpc-a"]
    assert ids([Filter("tag:Missing", ("*",))]) == []


def test_unknown_filter() -> None:
    with pytest.raises(AwsError) as exc:
        ids([Filter("nope", ("x",))])
    assert exc.value.code == "InvalidParameterValue"
    assert exc.value.message == "The filter 'nope' is invalid"


def test_parse_needs_names() -> None:
    assert parse({"Filters": [{"Name": "a", "Values": ["1", "2"]}]}) == [Filter("a", ("1", "2"))]
    with pytest.raises(AwsError):
        parse({"Filters": [{"Values": ["1"]}]})


def test_pages_follow_tokens_to_the_end() -> None:
    items = [f"sg-{n:02d}" for n in range(12)]
    seen: list[str] = []
    token: str | None = None
    rounds = 0
    while True:
        params: dict[str, object] = {"MaxResults": 5}
        if token:
            params["NextToken"] = token
        shown, token = page(items, lambda s: s, params)
        seen += shown
        rounds += 1
        if token is None:
            break
    assert seen == items and rounds == 3


@pytest.mark.parametrize("value", [4, 1001])
def test_max_results_bounds(value: int) -> None:
    with pytest.raises(AwsError) as exc:
        page([], lambda s: s, {"MaxResults": value})
    assert exc.value.message == (
        f"Value ( {value} ) for parameter maxResults is invalid. "
        "Parameter must be between 5 and 1000."
    )


def test_bad_token() -> None:
    with pytest.raises(AwsError) as exc:
        page(["a"], lambda s: s, {"NextToken": "garbage!"})
    assert exc.value.code == "InvalidPaginationToken"


@pytest.mark.parametrize(
    ("region", "first_zone_id"),
    [
        ("us-east-1", "use1-az1"),
        ("us-west-2", "usw2-az1"),
        ("eu-central-1", "euc1-az1"),
        ("ap-southeast-2", "apse2-az1"),
        ("ap-northeast-1", "apne1-az1"),
        ("sa-east-1", "sae1-az1"),
    ],
)
def test_zone_ids(region: str, first_zone_id: str) -> None:
    zones = regions.zones(region)
    assert [z.name for z in zones] == [f"{region}a", f"{region}b", f"{region}c"]
    assert zones[0].zone_id == first_zone_id
    assert zones[2].zone_id == first_zone_id[:-1] + "3"
