"""ListObjects v1 and v2: prefixes, delimiters, markers, tokens, url encoding, any UTF-8
key, key order, and pages that stay put while keys are added."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code

KEYS = ["a", "a/b", "a/c/d", "a/c/e", "b/x", "b/y/z", "c", "d/"]


@pytest.fixture
def filled(s3: Any, bucket: str) -> str:
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def keys_of(page: dict[str, Any]) -> list[str]:
    return [o["Key"] for o in page.get("Contents", [])]


def prefixes_of(page: dict[str, Any]) -> list[str]:
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


def test_v2_delimiter_and_prefix(s3: Any, filled: str) -> None:
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert keys_of(top) == ["a", "c"]
    assert prefixes_of(top) == ["a/", "b/", "d/"]
    assert top["KeyCount"] == 5
    inner = s3.list_objects_v2(Bucket=filled, Delimiter="/", Prefix="a/")
    assert keys_of(inner) == ["a/b"]
    assert prefixes_of(inner) == ["a/c/"]
    assert keys_of(s3.list_objects_v2(Bucket=filled, Prefix="b/")) == ["b/x", "b/y/z"]
    assert keys_of(s3.list_objects_v2(Bucket=filled, Prefix="zzz")) == []
    other = s3.list_objects_v2(Bucket=filled, Delimiter="c")
    assert prefixes_of(other) == ["a/c", "c"]


def test_v2_pages(s3: Any, filled: str) -> None:
    got: list[str] = []
    kwargs: dict[str, Any] = {"MaxKeys": 3}
    while True:
        page = s3.list_objects_v2(Bucket=filled, **kwargs)
        assert page["KeyCount"] <= 3
        got += keys_of(page)
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        kwargs = {"MaxKeys": 3, "ContinuationToken": page["NextContinuationToken"]}
    assert got == sorted(KEYS)
    after = s3.list_objects_v2(Bucket=filled, StartAfter="a/c/d")
    assert keys_of(after) == ["a/c/e", "b/x", "b/y/z", "c", "d/"]
    assert after["StartAfter"] == "a/c/d"
    exact = s3.list_objects_v2(Bucket=filled, MaxKeys=len(KEYS))
    assert not exact["IsTruncated"]
    zero = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert zero["KeyCount"] == 0


def test_v2_pages_with_delimiter(s3: Any, filled: str) -> None:
    items: list[str] = []
    kwargs: dict[str, Any] = {"MaxKeys": 2, "Delimiter": "/"}
    while True:
        page = s3.list_objects_v2(Bucket=filled, **kwargs)
        items += keys_of(page) + prefixes_of(page)
        if not page["IsTruncated"]:
            break
        kwargs = {**kwargs, "ContinuationToken": page["NextContinuationToken"]}
    assert sorted(items) == ["a", "a/", "b/", "c", "d/"]
    assert len(items) == 5  # each common prefix once


def test_v1_markers(s3: Any, filled: str) -> None:
    page = s3.list_objects(Bucket=filled, MaxKeys=2, Delimiter="/")
    assert keys_of(page) == ["a"] and prefixes_of(page) == ["a/"]
    assert page["IsTruncated"] and page["NextMarker"] == "a/"
    nxt = s3.list_objects(Bucket=filled, MaxKeys=2, Delimiter="/", Marker=page["NextMarker"])
    assert prefixes_of(nxt) == ["b/"] and keys_of(nxt) == ["c"]
    assert "Owner" in s3.list_objects(Bucket=filled)["Contents"][0]
    plain = s3.list_objects(Bucket=filled, Marker="b/x")
    assert keys_of(plain) == ["b/y/z", "c", "d/"]
    assert not plain["IsTruncated"]
    paged = [
        k
        for p in s3.get_paginator("list_objects").paginate(
            Bucket=filled, PaginationConfig={"PageSize": 3}
        )
        for k in keys_of(p)
    ]
    assert paged == sorted(KEYS)


def test_fetch_owner(s3: Any, filled: str) -> None:
    assert "Owner" not in s3.list_objects_v2(Bucket=filled)["Contents"][0]
    owner = s3.list_objects_v2(Bucket=filled, FetchOwner=True)["Contents"][0]["Owner"]
    assert len(owner["ID"]) == 64


WEIRD = [
    "space key", "new\nline", "tab\tkey", "per%cent", "plus+sign", "amp&er", "quote\"s",
    "lt<gt>", "ünïcödé/ключ/鍵", "emoji/😀", "../../up", "q?uery", "hash#tag", "semi;colon",
    "back\\slash", "trailing/", "//double",
]  # fmt: skip


def test_any_utf8_key_round_trips_and_sorts_bytewise(s3: Any, bucket: str) -> None:
    for k in WEIRD:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    for k in WEIRD:
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode()
    listed = [
        k for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for k in keys_of(p)
    ]
    assert listed == sorted(WEIRD, key=lambda k: k.encode("utf-8"))
    v1 = keys_of(s3.list_objects(Bucket=bucket))
    assert v1 == listed


def test_url_encoding_type(server: Any, bucket: str) -> None:
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from tests.support.server import ACCESS_KEY, SECRET_KEY

    s3 = server.client("s3")
    s3.put_object(Bucket=bucket, Key="a b/c+d", Body=b"x")
    url = f"{server.endpoint}/{bucket}?list-type=2&encoding-type=url&delimiter=%2F"
    request = AWSRequest(
        method="GET", url=url, headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(request)
    prepared = request.prepare()
    with urllib.request.urlopen(
        urllib.request.Request(prepared.url, headers=dict(prepared.headers)), timeout=10
    ) as r:
        body = r.read().decode()
    assert f"<Prefix>{quote('a b/', safe='/')}</Prefix>" in body
    assert "<EncodingType>url</EncodingType>" in body
    # botocore decodes what it asked to be encoded
    assert prefixes_of(s3.list_objects_v2(Bucket=bucket, Delimiter="/")) == ["a b/"]


def test_pages_are_stable_while_keys_are_added(s3: Any, bucket: str) -> None:
    for i in range(0, 40, 2):
        s3.put_object(Bucket=bucket, Key=f"k{i:03d}", Body=b"")
    seen: list[str] = []
    token = None
    added = 1
    while True:
        kwargs: dict[str, Any] = {"MaxKeys": 5}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(Bucket=bucket, **kwargs)
        seen += keys_of(page)
        # keys added before and after the position: earlier ones never show up again
        s3.put_object(Bucket=bucket, Key=f"k{added:03d}", Body=b"")
        added += 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert {f"k{i:03d}" for i in range(0, 40, 2)} <= set(seen)


def test_bad_continuation_token(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="!!!")
    assert code(exc) == "InvalidArgument"


def test_many_keys_listed_in_order(s3: Any, bucket: str) -> None:
    keys = [f"dir{i % 7}/file{i:04d}" for i in range(2100)]
    s3.delete_objects  # noqa: B018 - only to show the client is used below
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b""), keys))
    listed = [
        k for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for k in keys_of(p)
    ]
    assert listed == sorted(keys)
    grouped = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert prefixes_of(grouped) == [f"dir{i}/" for i in range(7)]
