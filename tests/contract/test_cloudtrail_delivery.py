"""Log delivery and digests, on SQLite and PostgreSQL alike, checked with the AWS CLI's own
``validate-logs`` code running over the delivered files (a directory stands in for S3)."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.contract.cloudtrail_support import (
    ACCOUNT,
    REGION,
    START,
    CloudTrailKit,
    ct_fixture,  # noqa: F401 - fixture
)
from tests.support.cloudtrail import cloudtrail_policy, validate_logs

BUCKET = "trail-logs"
ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/audit"
HOUR = 3600.0
LOG_KEY = re.compile(
    rf"^AWSLogs/{ACCOUNT}/CloudTrail/([a-z0-9-]+)/(\d{{4}})/(\d{{2}})/(\d{{2}})/"
    rf"{ACCOUNT}_CloudTrail_([a-z0-9-]+)_(\d{{8}}T\d{{4}}Z)_([A-Za-z0-9]{{16}})\.json\.gz$"
)
DIGEST_KEY = re.compile(
    rf"^AWSLogs/{ACCOUNT}/CloudTrail-Digest/([a-z0-9-]+)/\d{{4}}/\d{{2}}/\d{{2}}/"
    rf"{ACCOUNT}_CloudTrail-Digest_([a-z0-9-]+)_audit_{REGION}_(\d{{8}}T\d{{6}}Z)\.json\.gz$"
)


def when(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


@pytest.fixture
def trail(ct: CloudTrailKit) -> str:
    ct.dest.make_bucket(BUCKET, policy=cloudtrail_policy(BUCKET, ACCOUNT))
    ct.call(
        "CreateTrail",
        {"Name": "audit", "S3BucketName": BUCKET, "EnableLogFileValidation": True},
    )
    ct.call("StartLogging", {"Name": "audit"})
    return ARN


def logs(ct: CloudTrailKit) -> list[str]:
    return [k for k in ct.dest.keys(BUCKET) if "/CloudTrail/" in k]


def digests(ct: CloudTrailKit) -> list[str]:
    return [k for k in ct.dest.keys(BUCKET) if "/CloudTrail-Digest/" in k]


def read_gz(ct: CloudTrailKit, key: str) -> dict[str, object]:
    data = json.loads(gzip.decompress((ct.dest.root / BUCKET / key).read_bytes()))
    assert isinstance(data, dict)
    return data


def records(ct: CloudTrailKit) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for key in logs(ct):
        out += read_gz(ct, key)["Records"]  # type: ignore[arg-type]
    return out


def test_log_files_arrive_on_the_five_minute_grid(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(30)
    made = ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.deliver()
    assert logs(ct) == []  # not before the slot
    ct.deliver(advance=270)
    (key,) = logs(ct)
    m = LOG_KEY.match(key)
    assert m is not None, key
    assert m.group(1) == m.group(5) == REGION
    assert (m.group(2), m.group(3), m.group(4)) == ("2026", "01", "01")
    assert m.group(6) == "20260101T0005Z"
    doc = read_gz(ct, key)
    assert list(doc) == ["Records"]
    (record,) = doc["Records"]  # type: ignore[misc]
    assert record["eventID"] == made
    assert record["eventName"] == "CreateBucket"
    # Nothing is delivered twice.
    ct.deliver(advance=600)
    assert len(logs(ct)) == 1
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["LatestDeliveryTime"] == when(START + 300)
    assert "LatestDeliveryError" not in status


def test_clock_jump_then_digests_validate_with_the_aws_cli(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.record("iam", "CreateUser", {"UserName": "bob"})
    ct.clock.advance(400)
    ct.record("sts", "GetCallerIdentity")
    ct.deliver(advance=2 * HOUR)  # `fogbank clock advance 2h`
    assert len(logs(ct)) == 2  # two slots (IAM's global events are us-east-1's too)
    assert sorted(r["eventName"] for r in records(ct)) == [  # type: ignore[type-var]
        "CreateBucket",
        "CreateUser",
        "GetCallerIdentity",
    ]
    keys = digests(ct)
    assert [DIGEST_KEY.match(k).group(3) for k in keys if REGION in k.split("/")[3]] == [  # type: ignore[union-attr]
        "20260101T010000Z",
        "20260101T020000Z",
    ]
    first = read_gz(ct, keys[0])
    assert first["previousDigestSignature"] is None
    assert first["previousDigestS3Object"] is None
    assert first["digestStartTime"] == "2026-01-01T00:00:00Z"
    assert first["digestEndTime"] == "2026-01-01T01:00:00Z"
    assert first["digestSignatureAlgorithm"] == "SHA256withRSA"
    assert first["digestS3Bucket"] == BUCKET and first["digestS3Object"] == keys[0]
    second = read_gz(ct, keys[1])
    assert second["previousDigestS3Object"] == keys[0]
    assert second["previousDigestHashAlgorithm"] == "SHA-256"
    assert second["logFiles"] == []  # a digest every hour, even with nothing delivered
    meta = json.loads((ct.dest.root / BUCKET / (keys[1] + ".meta")).read_text())["metadata"]
    assert set(meta) == {"signature", "signature-algorithm"}
    assert (
        second["previousDigestSignature"]
        == json.loads((ct.dest.root / BUCKET / (keys[0] + ".meta")).read_text())["metadata"][
            "signature"
        ]
    )

    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 3 * HOUR))
    assert result.exit_code == 0, result.stderr
    assert "2/2 digest files valid" in result.stdout
    assert "2/2 log files valid" in result.stdout
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["LatestDigestDeliveryTime"] == when(START + 2 * HOUR)


def test_validation_reports_a_modified_log_file(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.deliver(advance=2 * HOUR)
    (key,) = logs(ct)
    path = ct.dest.root / BUCKET / key
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["Records"][0]["sourceIPAddress"] = "203.0.113.99"  # a forged record
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 3 * HOUR))
    assert result.exit_code == 1
    assert f"s3://{BUCKET}/{key}\tINVALID: hash value doesn't match" in result.stderr


def test_validation_reports_deleted_files_and_forged_digests(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.clock.advance(HOUR)
    ct.record("s3", "DeleteBucket", {"Bucket": "photos"})
    ct.deliver(advance=2 * HOUR)
    first_log = logs(ct)[0]
    (ct.dest.root / BUCKET / first_log).unlink()
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 4 * HOUR))
    assert result.exit_code == 1
    assert f"s3://{BUCKET}/{first_log}\tINVALID: not found" in result.stderr

    # A deleted digest breaks the chain (found by following the newest one back).
    middle = digests(ct)[1]
    (ct.dest.root / BUCKET / middle).unlink()
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 4 * HOUR))
    assert result.exit_code == 1
    assert f"s3://{BUCKET}/{middle}\tINVALID: not found" in result.stderr

    # A digest rewritten by someone without the private key fails its signature.
    newest = digests(ct)[-1]
    path = ct.dest.root / BUCKET / newest
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["logFiles"] = []
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 4 * HOUR))
    assert result.exit_code == 1
    assert f"s3://{BUCKET}/{newest}\tINVALID: signature verification failed" in result.stderr


def test_stop_logging_delivers_the_rest_and_a_final_digest(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(100)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.clock.advance(20)
    ct.call("StopLogging", {"Name": "audit"})
    ct.record("cloudtrail", "StopLogging", {"Name": "audit"})
    ct.clock.advance(30)
    ct.record("s3", "DeleteBucket", {"Bucket": "photos"})  # after the stop: not logged
    ct.deliver()
    names = sorted(r["eventName"] for r in records(ct))  # type: ignore[type-var]
    assert names == ["CreateBucket", "StopLogging"]
    (key,) = logs(ct)
    assert "_20260101T0002Z_" in key  # delivered at the stop
    (final,) = digests(ct)
    doc = read_gz(ct, final)
    assert doc["digestEndTime"] == "2026-01-01T00:02:00Z"
    assert [f["s3Object"] for f in doc["logFiles"]] == [key]  # type: ignore[index]
    ct.deliver(advance=3 * HOUR)
    assert len(digests(ct)) == 1 and len(logs(ct)) == 1  # stopped: nothing more
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + HOUR))
    assert result.exit_code == 0, result.stderr

    # Logging again starts a new chain (a starting digest: no previous fields).
    ct.call("StartLogging", {"Name": "audit"})
    ct.deliver(advance=HOUR + 10)
    restarted = read_gz(ct, digests(ct)[-1])
    assert restarted["previousDigestSignature"] is None


def test_failed_writes_are_retried_with_the_same_bytes(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.dest.fail_with = "ServiceUnavailable"
    ct.deliver(advance=300)
    assert logs(ct) == []
    status = ct.call("GetTrailStatus", {"Name": "audit"})
    assert status["LatestDeliveryError"] == "ServiceUnavailable"
    ct.dest.fail_with = None
    ct.deliver(advance=300)
    assert len(logs(ct)) == 1
    assert len(records(ct)) == 1
    assert "LatestDeliveryError" not in ct.call("GetTrailStatus", {"Name": "audit"})
    ct.deliver(advance=2 * HOUR)
    result = validate_logs(ct.dest, ct.answers(), ARN, when(START - 60), when(START + 3 * HOUR))
    assert result.exit_code == 0, result.stderr
    assert "1/1 log files valid" in result.stdout


def test_a_bucket_policy_taken_away_stops_delivery(ct: CloudTrailKit, trail: str) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.dest.set_policy(BUCKET, None)
    ct.deliver(advance=300)
    assert logs(ct) == []
    assert ct.call("GetTrailStatus", {"Name": "audit"})["LatestDeliveryError"] == "AccessDenied"
    ct.dest.set_policy(BUCKET, cloudtrail_policy(BUCKET, ACCOUNT))
    ct.deliver(advance=300)
    assert len(logs(ct)) == 1


def test_multi_region_trails_deliver_and_digest_per_region(ct: CloudTrailKit, trail: str) -> None:
    ct.call("UpdateTrail", {"Name": "audit", "IsMultiRegionTrail": True})
    ct.clock.advance(5)
    ct.record("kms", "CreateKey", {}, region="eu-west-1")
    ct.record("kms", "CreateKey", {}, region=REGION)
    ct.deliver(advance=2 * HOUR)
    regions = sorted({LOG_KEY.match(k).group(1) for k in logs(ct)})  # type: ignore[union-attr]
    assert regions == ["eu-west-1", REGION]
    eu = [k for k in digests(ct) if "/CloudTrail-Digest/eu-west-1/" in k]
    assert eu and all(f"_CloudTrail-Digest_eu-west-1_audit_{REGION}_" in k for k in eu)
    result = validate_logs(
        ct.dest,
        ct.answers(region="eu-west-1"),
        ARN,
        when(START - 60),
        when(START + 3 * HOUR),
        region="eu-west-1",
    )
    assert result.exit_code == 0, result.stderr
    assert "1/1 log files valid" in result.stdout


def test_data_events_only_for_the_chosen_buckets(ct: CloudTrailKit, trail: str) -> None:
    ct.call(
        "PutEventSelectors",
        {
            "TrailName": "audit",
            "EventSelectors": [
                {
                    "IncludeManagementEvents": False,
                    "DataResources": [
                        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::photos/raw/"]}
                    ],
                }
            ],
        },
    )
    ct.clock.advance(5)
    ct.record("s3", "PutObject", {"Bucket": "photos", "Key": "raw/1.jpg"})
    ct.record("s3", "PutObject", {"Bucket": "photos", "Key": "web/1.jpg"})
    ct.record("s3", "PutObject", {"Bucket": "other", "Key": "raw/1.jpg"})
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.deliver(advance=300)
    got = records(ct)
    assert [(r["eventName"], r["requestParameters"]["key"]) for r in got] == [  # type: ignore[index]
        ("PutObject", "raw/1.jpg")
    ]
    assert got[0]["eventCategory"] == "Data" and got[0]["managementEvent"] is False
    # Data events every trail has passed are dropped from the store (not in the history).
    ct.retain()
    left = ct.db.read_sync(
        lambda c: [r["event_name"] for r in c.all("SELECT event_name FROM cloudtrail_events")]
    )
    assert sorted(left) == ["CreateBucket"]


def test_encrypted_trails_write_log_files_with_their_key(ct: CloudTrailKit, trail: str) -> None:
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    ct.call("UpdateTrail", {"Name": "audit", "KmsKeyId": key})
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.deliver(advance=2 * HOUR)
    by_key = {w.key: w.sse_kms_key for w in ct.dest.writes}
    for log in logs(ct):
        assert by_key[log] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"
    for digest in digests(ct):
        assert by_key[digest] is None  # digests are SSE-S3


def test_prefixed_trails(ct: CloudTrailKit) -> None:
    ct.dest.make_bucket("pre", policy=cloudtrail_policy("pre", ACCOUNT, prefix="team/a"))
    ct.call(
        "CreateTrail",
        {
            "Name": "audit",
            "S3BucketName": "pre",
            "S3KeyPrefix": "team/a",
            "EnableLogFileValidation": True,
        },
    )
    ct.call("StartLogging", {"Name": "audit"})
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.deliver(advance=2 * HOUR)
    keys = ct.dest.keys("pre")
    assert keys and all(k.startswith(f"team/a/AWSLogs/{ACCOUNT}/") for k in keys)
    answers = ct.answers()
    result = validate_logs(ct.dest, answers, ARN, when(START - 60), when(START + 3 * HOUR))
    assert result.exit_code == 0, result.stderr
    assert "1/1 log files valid" in result.stdout


def test_deleting_a_logging_trail_delivers_its_last_events(
    ct: CloudTrailKit, trail: str, tmp_path: Path
) -> None:
    ct.clock.advance(5)
    ct.record("s3", "CreateBucket", {"Bucket": "photos"})
    ct.call("DeleteTrail", {"Name": "audit"})
    ct.deliver(advance=10)
    assert len(logs(ct)) == 1
    assert len(digests(ct)) == 1
    left = ct.db.read_sync(lambda c: c.scalar("SELECT COUNT(*) AS n FROM cloudtrail_trails"))
    assert int(str(left)) == 0
