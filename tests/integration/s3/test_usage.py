"""`fogbank s3 usage`: counts, bytes and monthly cost per storage class, over the S3 API.

Expected figures come from what the test uploaded and from the price file itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.s3.conftest import unique_bucket
from tests.support.server import FogbankServer

PRICES = Path(__file__).parents[3] / "src" / "fogbank" / "data" / "s3_prices.json"
KiB = 1024


def test_usage_per_class_with_versions_and_a_lifecycle_move(
    make_server: Callable[..., FogbankServer],
) -> None:
    server = make_server()
    s3 = server.client("s3")
    prices = json.loads(PRICES.read_text())
    versioned, plain = unique_bucket("use"), unique_bucket("plain")
    s3.create_bucket(Bucket=versioned)
    s3.create_bucket(Bucket=plain)
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
    rule = {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": "old/"},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}  # fmt: skip
    s3.put_bucket_lifecycle_configuration(
        Bucket=versioned, LifecycleConfiguration={"Rules": [rule]}
    )
    uploads = [  # key, storage class, size
        ("doc", "STANDARD", 150 * KiB),
        ("doc", "STANDARD", 151 * KiB),  # the first becomes noncurrent
        ("old/log", "STANDARD", 200 * KiB),  # moved to STANDARD_IA by lifecycle
        ("zone", "ONEZONE_IA", 10_000),
        ("cold", "GLACIER", 5_000),
        ("colder", "DEEP_ARCHIVE", 7_000),
        ("auto", "INTELLIGENT_TIERING", 3_000),  # deleted below: noncurrent
        ("ir", "GLACIER_IR", 4_321),
    ]
    for key, cls, size in uploads:
        s3.put_object(Bucket=versioned, Key=key, Body=os.urandom(size), StorageClass=cls)
    s3.delete_object(Bucket=versioned, Key="auto")
    s3.put_object(Bucket=plain, Key="p", Body=os.urandom(1_234))
    server.fogbank("clock", "advance", "31d")
    assert s3.head_object(Bucket=versioned, Key="old/log")["StorageClass"] == "STANDARD_IA"

    # class -> (current objects, current bytes, noncurrent versions, noncurrent bytes)
    expected = {
        "STANDARD": (2, 151 * KiB + 1_234, 1, 150 * KiB),
        "STANDARD_IA": (1, 200 * KiB, 0, 0),
        "ONEZONE_IA": (1, 10_000, 0, 0),
        "GLACIER": (1, 5_000, 0, 0),
        "DEEP_ARCHIVE": (1, 7_000, 0, 0),
        "INTELLIGENT_TIERING": (0, 0, 1, 3_000),
        "GLACIER_IR": (1, 4_321, 0, 0),
    }
    doc = json.loads(server.fogbank("s3", "usage", "--json").stdout)
    assert sorted(doc["buckets"]) == sorted([versioned, plain])
    got = {
        name: (c["current_objects"], c["current_bytes"], c["noncurrent_versions"],
               c["noncurrent_bytes"])
        for name, c in doc["classes"].items()
    }  # fmt: skip
    assert got == expected
    assert doc["delete_markers"] == {"current": 1, "noncurrent": 0}
    total_cost = 0.0
    for name, (_, cur, _, old) in expected.items():
        want = (cur + old) / prices["gb_bytes"] * prices["per_gb_month"][name]
        assert doc["classes"][name]["monthly_cost"] == pytest.approx(want, rel=1e-9)
        total_cost += want
    assert doc["total"]["monthly_cost"] == pytest.approx(total_cost, rel=1e-9)
    assert doc["total"]["current_objects"] == 7
    assert doc["prices"]["taken"] == prices["taken"]
    assert doc["by_bucket"][plain]["classes"]["STANDARD"]["current_bytes"] == 1_234

    one = json.loads(server.fogbank("s3", "usage", plain, "--json").stdout)
    assert one["buckets"] == [plain]
    assert list(one["classes"]) == ["STANDARD"]
    assert one["total"]["current_bytes"] == 1_234
    assert one["delete_markers"] == {"current": 0, "noncurrent": 0}

    table = server.fogbank("s3", "usage").stdout
    for name in expected:
        assert name in table
    assert "Delete markers: 1 current" in table

    missing = server.fogbank("s3", "usage", "no-such-bucket-here", check=False)
    assert missing.returncode != 0
    assert "NoSuchBucket" in missing.stderr
