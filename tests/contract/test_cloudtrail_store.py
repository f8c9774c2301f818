"""CloudTrail's store primitives on SQLite and PostgreSQL alike: claims and cursors, signing
keys, and encrypted trails checked against real KMS keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogbank.services.cloudtrail import signing
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.kms_keys import KmsKeys
from fogbank.services.cloudtrail.provider import CloudTrailService
from fogbank.services.cloudtrail.store import events as event_store
from fogbank.services.cloudtrail.store import keys as key_store
from fogbank.services.kms import schema as kms_schema
from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.engine import Engine as KmsEngine
from fogbank.services.kms.ops import aliases, keys
from fogbank.storage.migrations import migrate
from tests.contract.cloudtrail_support import (
    ACCOUNT,
    REGION,
    CloudTrailKit,
    ct_fixture,  # noqa: F401 - fixture
    run,
)
from tests.support.cloudtrail import cloudtrail_policy


def test_claims_number_events_in_commit_order(ct: CloudTrailKit) -> None:
    assert ct.db.write_sync(event_store.claim) == 0  # nothing to claim yet
    first = [ct.record("sts", "GetCallerIdentity") for _ in range(3)]
    assert ct.db.write_sync(event_store.claim) == 1
    assert ct.db.write_sync(event_store.claim) == 1  # nothing new: same number
    second = [ct.record("sts", "GetCallerIdentity") for _ in range(2)]
    assert ct.db.write_sync(event_store.claim) == 2
    pending = ct.db.read_sync(
        lambda c: event_store.after_cursor(c, ACCOUNT, batch=0, seq=0, limit=100)
    )
    assert [p.batch for p in pending] == [1, 1, 1, 2, 2]
    ids = [json.loads(p.record)["eventID"] for p in pending]
    assert ids == first + second
    cursor = (pending[1].batch, pending[1].seq)
    rest = ct.db.read_sync(
        lambda c: event_store.after_cursor(c, ACCOUNT, batch=cursor[0], seq=cursor[1], limit=2)
    )
    assert [json.loads(p.record)["eventID"] for p in rest] == [first[2], second[0]]
    other = ct.db.read_sync(
        lambda c: event_store.after_cursor(c, "999999999999", batch=0, seq=0, limit=10)
    )
    assert other == []


def test_a_read_past_the_cursor_stops_at_the_first_event_of_a_later_slot(
    ct: CloudTrailKit,
) -> None:
    """In claim order, not time order: an earlier event claimed after the first late one
    waits too (the delivery of a slot stops at the first event that belongs to a later
    one)."""
    now = ct.clock.now()
    ids = [
        ct.record("sts", "GetCallerIdentity", at=now + 1),
        ct.record("sts", "GetCallerIdentity", at=now + 2),
        ct.record("sts", "GetCallerIdentity", at=now + 10),  # the first late one
        ct.record("sts", "GetCallerIdentity", at=now + 3),  # earlier, but claimed after
    ]
    ct.db.write_sync(event_store.claim)

    def read(until: float | None, limit: int = 100) -> list[str]:
        found = ct.db.read_sync(
            lambda c: event_store.after_cursor(
                c, ACCOUNT, batch=0, seq=0, limit=limit, until_time=until
            )
        )
        return [json.loads(p.record)["eventID"] for p in found]

    assert read(None) == ids
    assert read(now + 10) == ids[:2]  # event_time >= until_time stops the read
    assert read(now + 10.5) == ids
    assert read(now + 1) == []
    assert read(now + 10, limit=1) == ids[:1]


def test_signing_keys_one_per_region_and_period(ct: CloudTrailKit) -> None:
    at = ct.clock.now()
    made = run(ct.engine.signing_key(REGION, at))
    again = run(ct.engine.signing_key(REGION, at + 3600))
    assert again.fingerprint == made.fingerprint
    assert made.covers(at) and made.valid_to - made.valid_from == signing.KEY_PERIOD
    later = run(ct.engine.signing_key(REGION, made.valid_to + 1))
    assert later.fingerprint != made.fingerprint
    assert later.valid_from == made.valid_to
    # A second process racing to make the same period's key: the first one stays.
    rival = signing.generate(REGION, at)
    ct.db.write_sync(lambda c: key_store.add(c, rival))
    assert run(ct.engine.signing_key(REGION, at)).fingerprint == made.fingerprint
    found = ct.db.read_sync(
        lambda c: key_store.overlapping(c, REGION, made.valid_from, later.valid_from + 1)
    )
    assert [k.fingerprint for k in found] == [made.fingerprint, later.fingerprint]
    assert ct.db.read_sync(lambda c: key_store.overlapping(c, "eu-west-1", at, at)) == []


@pytest.fixture
def kms_ct(ct: CloudTrailKit, tmp_path: Path) -> tuple[CloudTrailKit, KmsEngine]:
    migrate(ct.db, kms_schema.MIGRATIONS)
    kms = KmsEngine.open(ct.db, ct.clock.clock, tmp_path / "kms")
    engine = Engine(ct.db, ct.clock.clock, destination=ct.dest, keys=KmsKeys(KmsClient(kms)))
    ct.engine = engine
    ct.service = CloudTrailService(engine)
    ct.dest.make_bucket("enc-logs", policy=cloudtrail_policy("enc-logs", ACCOUNT))
    return ct, kms


def key_policy(allow_cloudtrail: bool) -> str:
    statements: list[dict[str, object]] = [
        {
            "Sid": "root",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if allow_cloudtrail:
        statements.append(
            {
                "Sid": "cloudtrail",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": (
                            f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
                        )
                    }
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_encrypted_trails_need_a_key_cloudtrail_may_use(
    kms_ct: tuple[CloudTrailKit, KmsEngine],
) -> None:
    ct, kms = kms_ct
    good = run(keys.create_key(kms, ACCOUNT, REGION, key_policy=key_policy(True)))
    run(aliases.create_alias(kms, ACCOUNT, REGION, "alias/trail-key", good.key_id))
    made = ct.call(
        "CreateTrail", {"Name": "enc", "S3BucketName": "enc-logs", "KmsKeyId": "alias/trail-key"}
    )
    assert made["KmsKeyId"] == good.arn
    closed = run(keys.create_key(kms, ACCOUNT, REGION, key_policy=key_policy(False)))
    ct.fails(
        "CreateTrail",
        {"Name": "enc2", "S3BucketName": "enc-logs", "KmsKeyId": closed.key_id},
        "InsufficientEncryptionPolicyException",
    )
    ct.fails(
        "CreateTrail",
        {"Name": "enc3", "S3BucketName": "enc-logs", "KmsKeyId": "alias/none"},
        "KmsKeyNotFoundException",
    )
    signer = run(
        keys.create_key(
            kms,
            ACCOUNT,
            REGION,
            key_spec="RSA_2048",
            key_usage="SIGN_VERIFY",
            key_policy=key_policy(True),
        )
    )
    ct.fails(
        "CreateTrail",
        {"Name": "enc4", "S3BucketName": "enc-logs", "KmsKeyId": signer.arn},
        "InvalidKmsKeyIdException",
    )
    run(keys.disable_key(kms, ACCOUNT, REGION, good.key_id))
    ct.fails("UpdateTrail", {"Name": "enc", "KmsKeyId": good.key_id}, "KmsException")


def test_without_trails_data_events_are_dropped_and_history_stays(ct: CloudTrailKit) -> None:
    data = ct.record("s3", "PutObject", {"Bucket": "b", "Key": "k"})
    kept = ct.record("s3", "CreateBucket", {"Bucket": "b"})
    ct.deliver()  # no trail: nothing claimed
    unclaimed = ct.db.read_sync(
        lambda c: c.scalar("SELECT COUNT(*) AS n FROM cloudtrail_events WHERE batch IS NULL")
    )
    assert int(str(unclaimed)) == 2
    ct.retain()

    def ids() -> list[str]:
        return ct.db.read_sync(
            lambda c: [str(r["event_id"]) for r in c.all("SELECT event_id FROM cloudtrail_events")]
        )

    assert sorted(ids()) == sorted([data, kept])  # too recent to drop
    ct.clock.advance(61)
    ct.retain()
    assert ids() == [kept]
