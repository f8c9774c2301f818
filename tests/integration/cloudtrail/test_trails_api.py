"""Trail operations through real clients: what works without a bucket, and the errors."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_trail_errors(server: FogbankServer) -> None:
    ct = server.client("cloudtrail")
    missing = f"no-such-bucket-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError) as exc:
        ct.create_trail(Name="trail-x1", S3BucketName=missing)
    assert code_of(exc) == "S3BucketDoesNotExistException"
    for name in ("ab", "-leading", "two..dots", "has space"):
        with pytest.raises(ClientError) as exc:
            ct.create_trail(Name=name, S3BucketName=missing)
        assert code_of(exc) == "InvalidTrailNameException", name
    with pytest.raises(ClientError) as exc:
        ct.get_trail(Name="arn:aws:cloudtrail:us-east-1:12:trail/x")
    assert code_of(exc) == "CloudTrailARNInvalidException"
    for call in (ct.start_logging, ct.stop_logging, ct.delete_trail, ct.get_trail_status):
        with pytest.raises(ClientError) as exc:
            call(Name=f"ghost-{uuid.uuid4().hex[:6]}")
        assert code_of(exc) == "TrailNotFoundException"
    with pytest.raises(ClientError) as exc:
        ct.get_event_selectors(TrailName="ghost-trail")
    assert code_of(exc) == "TrailNotFoundException"


def test_list_public_keys_gives_pkcs1_keys(server: FogbankServer) -> None:
    import rsa

    keys = server.client("cloudtrail").list_public_keys()["PublicKeyList"]
    assert keys
    for key in keys:
        rsa.PublicKey.load_pkcs1(key["Value"], format="DER")
        assert len(key["Fingerprint"]) == 32
        assert key["ValidityStartTime"] < key["ValidityEndTime"]
