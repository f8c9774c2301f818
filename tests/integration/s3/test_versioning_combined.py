"""Versioning together with server-side encryption and bucket policies: every version
keeps its own encryption (on disk, on GET by version id, through a lifecycle transition
to the cold tier and a restore), and the versioning operations are authorized like the
others (s3:GetObjectVersion, s3:ListBucketVersions, s3:PutBucketVersioning,
s3:PutLifecycleConfiguration, s3:RestoreObject, the s3:versionid condition key)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.iam.support import User, allow, doc, error, unique
from tests.integration.s3.conftest import code, unique_bucket
from tests.support.server import FogbankServer

KiB = 1024


def marker(label: str) -> bytes:
    """A recognisable plaintext run that must never appear on disk."""
    text = f"FOGBANK-VERSION-{label}-".encode() + os.urandom(8).hex().encode()
    return (text * 4)[:64]


def files_containing(root: Path, needle: bytes) -> list[Path]:
    found = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                if needle in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def files_under(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path)) if path.exists() else 0


def delete_everything(s3: Any, bucket: str) -> None:
    """Empty a versioned bucket (every version and delete marker) and delete it."""
    with contextlib.suppress(ClientError):
        s3.delete_bucket_policy(Bucket=bucket)
    with contextlib.suppress(ClientError):
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            items = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            for item in items:
                s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
        s3.delete_bucket(Bucket=bucket)


def customer(key: bytes) -> dict[str, str]:
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}  # type: ignore[dict-item]


def key_md5(key: bytes) -> str:
    return base64.b64encode(hashlib.md5(key).digest()).decode()


@pytest.fixture
def versioned(s3: Any) -> Iterator[str]:
    name = unique_bucket("ver")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    delete_everything(s3, name)


def test_versions_under_default_sse_kms_are_each_encrypted(
    server: FogbankServer, s3: Any, versioned: str
) -> None:
    key_arn = server.client("kms").create_key(Description="versions")["KeyMetadata"]["Arn"]
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                   "KMSMasterKeyID": key_arn}}  # fmt: skip
    s3.put_bucket_encryption(Bucket=versioned, ServerSideEncryptionConfiguration={"Rules": [rule]})
    first_mark, second_mark = marker("one"), marker("two")
    first = os.urandom(70 * KiB) + first_mark + os.urandom(100)  # past a 64 KiB chunk
    second = second_mark + os.urandom(10)  # small: packed into a segment
    v1 = s3.put_object(Bucket=versioned, Key="doc", Body=first)
    v2 = s3.put_object(Bucket=versioned, Key="doc", Body=second)
    for put in (v1, v2):
        assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key_arn
    assert v1["VersionId"] != v2["VersionId"]

    for mark in (first_mark, second_mark):
        assert files_containing(server.data_dir, mark) == []

    old = s3.get_object(Bucket=versioned, Key="doc", VersionId=v1["VersionId"])
    assert old["Body"].read() == first
    assert old["VersionId"] == v1["VersionId"]
    assert old["ServerSideEncryption"] == "aws:kms" and old["SSEKMSKeyId"] == key_arn
    assert s3.get_object(Bucket=versioned, Key="doc")["Body"].read() == second
    by_id = s3.get_object(Bucket=versioned, Key="doc", VersionId=v2["VersionId"])
    assert by_id["Body"].read() == second and by_id["SSEKMSKeyId"] == key_arn
    part = s3.get_object(Bucket=versioned, Key="doc", VersionId=v1["VersionId"],
                         Range="bytes=71660-71700")  # fmt: skip
    assert part["Body"].read() == first[71660:71701]

    # Copying the old version over the key makes a third version, encrypted as the
    # request says (SSE-S3 here), while the two others keep their own settings.
    v3 = s3.copy_object(
        Bucket=versioned, Key="doc", ServerSideEncryption="AES256",
        CopySource={"Bucket": versioned, "Key": "doc", "VersionId": v1["VersionId"]},
    )  # fmt: skip
    assert v3["CopySourceVersionId"] == v1["VersionId"]
    assert v3["ServerSideEncryption"] == "AES256"
    latest = s3.get_object(Bucket=versioned, Key="doc")
    assert latest["Body"].read() == first and latest["ServerSideEncryption"] == "AES256"
    head = s3.head_object(Bucket=versioned, Key="doc", VersionId=v2["VersionId"])
    assert head["ServerSideEncryption"] == "aws:kms" and head["ContentLength"] == len(second)

    # A delete marker hides the key; each version still reads (and decrypts) by id.
    marker_id = s3.delete_object(Bucket=versioned, Key="doc")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="doc")
    assert code(exc) == "NoSuchKey"
    assert (
        s3.get_object(Bucket=versioned, Key="doc", VersionId=v1["VersionId"])["Body"].read()
        == first
    )
    listed = s3.list_object_versions(Bucket=versioned, Prefix="doc")
    assert [v["VersionId"] for v in listed["Versions"]] == [
        v3["VersionId"], v2["VersionId"], v1["VersionId"]
    ]  # fmt: skip
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [marker_id]
    for mark in (first_mark, second_mark):
        assert files_containing(server.data_dir, mark) == []


def test_sse_c_versions_need_their_own_customer_key(s3: Any, versioned: str) -> None:
    key_a, key_b = os.urandom(32), os.urandom(32)
    body_a, body_b = os.urandom(5000), os.urandom(6000)
    va = s3.put_object(Bucket=versioned, Key="c", Body=body_a, **customer(key_a))["VersionId"]
    vb = s3.put_object(Bucket=versioned, Key="c", Body=body_b, **customer(key_b))["VersionId"]

    missing = error(s3.get_object, Bucket=versioned, Key="c", VersionId=va)
    assert (missing["code"], missing["status"]) == ("InvalidRequest", 400)
    wrong = error(s3.get_object, Bucket=versioned, Key="c", VersionId=va, **customer(key_b))
    assert (wrong["code"], wrong["status"]) == ("AccessDenied", 403)
    got = s3.get_object(Bucket=versioned, Key="c", VersionId=va, **customer(key_a))
    assert got["Body"].read() == body_a and got["SSECustomerKeyMD5"] == key_md5(key_a)
    latest = s3.get_object(Bucket=versioned, Key="c", **customer(key_b))
    assert latest["Body"].read() == body_b and latest["VersionId"] == vb
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="c", VersionId=vb, **customer(key_a))
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_policy_denies_older_versions_to_a_user(
    server: FogbankServer, s3: Any, versioned: str
) -> None:
    old = s3.put_object(Bucket=versioned, Key="report", Body=b"draft")["VersionId"]
    new = s3.put_object(Bucket=versioned, Key="report", Body=b"final")["VersionId"]
    user = User(server, unique("ver-reader"))
    bucket_arn, objects = f"arn:aws:s3:::{versioned}", f"arn:aws:s3:::{versioned}/*"
    server.client("iam").put_user_policy(
        UserName=user.name, PolicyName="read",
        PolicyDocument=doc(
            allow(["s3:GetObject", "s3:GetObjectVersion"], objects),
            allow(["s3:ListBucket", "s3:ListBucketVersions"], bucket_arn),
        ),
    )  # fmt: skip
    s3.put_bucket_policy(
        Bucket=versioned,
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Latest", "Effect": "Allow", "Principal": {"AWS": user.arn},
             "Action": "s3:GetObject", "Resource": objects},
            {"Sid": "NoHistory", "Effect": "Deny", "Principal": {"AWS": user.arn},
             "Action": ["s3:GetObjectVersion", "s3:ListBucketVersions"],
             "Resource": [objects, bucket_arn]},
        ]}),
    )  # fmt: skip
    theirs = user.client("s3")

    assert theirs.get_object(Bucket=versioned, Key="report")["Body"].read() == b"final"
    denied = error(theirs.get_object, Bucket=versioned, Key="report", VersionId=old)
    assert (denied["code"], denied["status"]) == ("AccessDenied", 403)
    assert "s3:GetObjectVersion" in denied["message"]
    assert "explicit deny in a resource-based policy" in denied["message"]
    # by id, even the latest version is a GetObjectVersion
    assert error(theirs.get_object, Bucket=versioned, Key="report", VersionId=new)["status"] == 403
    with pytest.raises(ClientError) as exc:
        theirs.head_object(Bucket=versioned, Key="report", VersionId=old)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    listing = error(theirs.list_object_versions, Bucket=versioned)
    assert listing["code"] == "AccessDenied" and "s3:ListBucketVersions" in listing["message"]
    keys = [o["Key"] for o in theirs.list_objects_v2(Bucket=versioned)["Contents"]]
    assert keys == ["report"]
    # the owner's root is not named by the policy: it reads every version
    assert s3.get_object(Bucket=versioned, Key="report", VersionId=old)["Body"].read() == b"draft"


def test_versionid_condition_key(server: FogbankServer, s3: Any, versioned: str) -> None:
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"old")["VersionId"]
    pinned = s3.put_object(Bucket=versioned, Key="k", Body=b"pinned")["VersionId"]
    user = User(server, unique("ver-pinned"))
    server.client("iam").put_user_policy(
        UserName=user.name, PolicyName="pinned",
        PolicyDocument=doc({
            "Effect": "Allow", "Action": "s3:GetObjectVersion",
            "Resource": f"arn:aws:s3:::{versioned}/k",
            "Condition": {"StringEquals": {"s3:versionid": pinned}},
        }),
    )  # fmt: skip
    theirs = user.client("s3")
    got = theirs.get_object(Bucket=versioned, Key="k", VersionId=pinned)
    assert got["Body"].read() == b"pinned"
    denied = error(theirs.get_object, Bucket=versioned, Key="k", VersionId=old)
    assert denied["code"] == "AccessDenied" and "s3:GetObjectVersion" in denied["message"]
    plain = error(theirs.get_object, Bucket=versioned, Key="k")
    assert plain["code"] == "AccessDenied" and "s3:GetObject " in plain["message"]


def test_versioning_operations_need_their_iam_actions(
    server: FogbankServer, s3: Any, versioned: str
) -> None:
    s3.put_object(Bucket=versioned, Key="cold", Body=b"c" * 100, StorageClass="GLACIER")
    user = User(server, unique("ver-none"))
    server.client("iam").put_user_policy(
        UserName=user.name, PolicyName="get",
        PolicyDocument=doc(allow("s3:GetObject", f"arn:aws:s3:::{versioned}/*")),
    )  # fmt: skip
    theirs = user.client("s3")
    bucket_res = f'"arn:aws:s3:::{versioned}"'
    calls: list[tuple[str, str, Callable[[], Any]]] = [
        ("s3:PutBucketVersioning", bucket_res, lambda: theirs.put_bucket_versioning(
            Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})),
        ("s3:GetBucketVersioning", bucket_res,
         lambda: theirs.get_bucket_versioning(Bucket=versioned)),
        ("s3:PutLifecycleConfiguration", bucket_res,
         lambda: theirs.put_bucket_lifecycle_configuration(
             Bucket=versioned, LifecycleConfiguration={"Rules": [
                 {"ID": "x", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}]})),
        ("s3:GetLifecycleConfiguration", bucket_res,
         lambda: theirs.get_bucket_lifecycle_configuration(Bucket=versioned)),
        ("s3:PutLifecycleConfiguration", bucket_res,
         lambda: theirs.delete_bucket_lifecycle(Bucket=versioned)),
        ("s3:RestoreObject", f'"arn:aws:s3:::{versioned}/cold"',
         lambda: theirs.restore_object(Bucket=versioned, Key="cold",
                                       RestoreRequest={"Days": 1})),
        ("s3:DeleteObjectVersion", f'"arn:aws:s3:::{versioned}/cold"',
         lambda: theirs.delete_object(Bucket=versioned, Key="cold", VersionId="null")),
    ]  # fmt: skip
    for action, resource, call in calls:
        denied = error(call)
        assert (denied["code"], denied["status"]) == ("AccessDenied", 403), action
        assert f"perform: {action} on resource: {resource}" in denied["message"], denied
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Enabled"  # unchanged


def test_sse_c_object_through_glacier_and_restore(
    make_server: Callable[..., FogbankServer],
) -> None:
    server = make_server()
    s3 = server.client("s3")
    bucket = unique_bucket("cold")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    rule = {
        "ID": "archive",
        "Status": "Enabled",
        "Filter": {"Prefix": "vault/"},
        "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
        "NoncurrentVersionTransitions": [{"NoncurrentDays": 1, "StorageClass": "GLACIER"}],
    }
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    key_a, key_b = os.urandom(32), os.urandom(32)
    mark_a, mark_b = marker("cold-a"), marker("cold-b")
    body_a = os.urandom(150 * KiB) + mark_a  # over 128 KiB: S3 transitions it
    body_b = mark_b + os.urandom(200 * KiB)
    va = s3.put_object(Bucket=bucket, Key="vault/x", Body=body_a, **customer(key_a))["VersionId"]
    vb = s3.put_object(Bucket=bucket, Key="vault/x", Body=body_b, **customer(key_b))["VersionId"]
    assert files_under(server.data_dir / "cold") == 0

    server.fogbank("clock", "advance", "31d")
    versions = s3.list_object_versions(Bucket=bucket, Prefix="vault/")["Versions"]
    assert {v["VersionId"]: v["StorageClass"] for v in versions} == {
        va: "GLACIER", vb: "GLACIER"
    }  # fmt: skip
    assert files_under(server.data_dir / "cold") >= 2
    for mark in (mark_a, mark_b):  # still ciphertext, in the cold tier too
        assert files_containing(server.data_dir, mark) == []
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="vault/x", VersionId=va, **customer(key_a))
    assert code(exc) == "InvalidObjectState"
    head = s3.head_object(Bucket=bucket, Key="vault/x", VersionId=va, **customer(key_a))
    assert head["StorageClass"] == "GLACIER" and head["SSECustomerKeyMD5"] == key_md5(key_a)

    restore = s3.restore_object(
        Bucket=bucket, Key="vault/x", VersionId=va,
        RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
    )  # fmt: skip
    assert restore["ResponseMetadata"]["HTTPStatusCode"] == 202
    server.fogbank("clock", "advance", "10m")
    got = s3.get_object(Bucket=bucket, Key="vault/x", VersionId=va, **customer(key_a))
    assert got["Body"].read() == body_a
    assert got["SSECustomerKeyMD5"] == key_md5(key_a) and got["StorageClass"] == "GLACIER"
    assert got["Restore"].startswith('ongoing-request="false"')
    missing = error(s3.get_object, Bucket=bucket, Key="vault/x", VersionId=va)
    assert missing["code"] == "InvalidRequest"
    wrong = error(s3.get_object, Bucket=bucket, Key="vault/x", VersionId=va, **customer(key_b))
    assert wrong["code"] == "AccessDenied"
    # the other version was not restored: still archived, whatever the key
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="vault/x", **customer(key_b))
    assert code(exc) == "InvalidObjectState"
    for mark in (mark_a, mark_b):
        assert files_containing(server.data_dir, mark) == []

    server.fogbank("clock", "advance", "3d")  # the restored copy expires: back to cold
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="vault/x", VersionId=va, **customer(key_a))
    assert code(exc) == "InvalidObjectState"
