"""S3 server-side encryption (issue 6, part 3): bytes encrypted on disk, SSE-S3 by
default, SSE-KMS with the caller's KMS permissions checked, SSE-C, bucket default
encryption, copies re-encrypted, multipart, ranged reads across 64 KiB chunks, rotation."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.iam.support import User, allow, doc, error, unique
from tests.integration.s3.conftest import empty_and_delete, unique_bucket
from tests.support.server import FogbankServer

CHUNK = 64 * 1024


def marker() -> bytes:
    text = b"FOGBANK-SSE-MARKER-" + os.urandom(8).hex().encode()
    return (text * 4)[:64]


def files_containing(root: Path, needle: bytes) -> tuple[list[Path], int]:
    """Every file under ``root`` (segments, blobs, the SQLite database and its WAL ...)
    whose bytes contain ``needle``, and how many bytes were read."""
    found = []
    total = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            total += len(data)
            if needle in data:
                found.append(path)
    return found, total


@pytest.fixture
def kms(server: FogbankServer) -> Any:
    return server.client("kms")


@pytest.fixture
def key_arn(kms: Any) -> str:
    return str(kms.create_key(Description="s3 sse tests")["KeyMetadata"]["Arn"])


def test_sse_kms_object_is_ciphertext_on_disk(
    server: FogbankServer, s3: Any, bucket: str, key_arn: str
) -> None:
    mark = marker()
    body = os.urandom(CHUNK - 20) + mark + os.urandom(3 * CHUNK)  # marker across a chunk edge
    put = s3.put_object(
        Bucket=bucket, Key="secret.bin", Body=body, ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_arn,
    )  # fmt: skip
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key_arn
    small = s3.put_object(Bucket=bucket, Key="small.txt", Body=mark)  # packed, SSE-S3
    assert small["ServerSideEncryption"] == "AES256"

    assert list(server.data_dir.rglob("*-wal")) or server.metadata_url  # the WAL is walked
    found, read = files_containing(server.data_dir, mark)
    assert found == [] and read > len(body)
    # a control: the same walk finds the marker where it is in the clear
    control = server.data_dir / "control.txt"
    control.write_bytes(b"x" + mark)
    try:
        assert files_containing(server.data_dir, mark)[0] == [control]
    finally:
        control.unlink()
    got = s3.get_object(Bucket=bucket, Key="secret.bin")
    assert got["Body"].read() == body
    assert got["ServerSideEncryption"] == "aws:kms" and got["SSEKMSKeyId"] == key_arn
    assert s3.get_object(Bucket=bucket, Key="small.txt")["Body"].read() == mark
    head = s3.head_object(Bucket=bucket, Key="secret.bin")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn
    assert head["ContentLength"] == len(body)


def test_ranged_gets_across_chunk_boundaries(s3: Any, bucket: str, key_arn: str) -> None:
    body = os.urandom(5 * CHUNK + 1234)
    s3.put_object(
        Bucket=bucket, Key="r", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    for first, last in ((0, 0), (CHUNK - 5, CHUNK + 5), (CHUNK, 2 * CHUNK - 1),
                        (CHUNK - 1, 3 * CHUNK), (100, 4 * CHUNK + 17), (5 * CHUNK, len(body) - 1),
                        (0, len(body) - 1)):  # fmt: skip
        got = s3.get_object(Bucket=bucket, Key="r", Range=f"bytes={first}-{last}")
        assert got["Body"].read() == body[first : last + 1], (first, last)
        assert got["ContentRange"] == f"bytes {first}-{last}/{len(body)}"
    tail = s3.get_object(Bucket=bucket, Key="r", Range="bytes=-70000")["Body"].read()
    assert tail == body[-70000:]


def test_multipart_with_sse_kms(s3: Any, bucket: str, key_arn: str) -> None:
    ctx = base64.b64encode(json.dumps({"project": "fog"}).encode()).decode()
    up = s3.create_multipart_upload(
        Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn,
        SSEKMSEncryptionContext=ctx, BucketKeyEnabled=True,
    )  # fmt: skip
    assert up["ServerSideEncryption"] == "aws:kms" and up["SSEKMSKeyId"] == key_arn
    assert up["BucketKeyEnabled"] is True
    echoed = json.loads(base64.b64decode(up["SSEKMSEncryptionContext"]))
    assert echoed == {"project": "fog", "aws:s3:arn": f"arn:aws:s3:::{bucket}"}
    parts = [os.urandom(5 * 1024 * 1024 + 7), os.urandom(CHUNK + 3)]
    etags = []
    for n, data in enumerate(parts, 1):
        out = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=n,
                             Body=data)  # fmt: skip
        assert out["ServerSideEncryption"] == "aws:kms" and out["SSEKMSKeyId"] == key_arn
        etags.append(out["ETag"])
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )  # fmt: skip
    assert done["ServerSideEncryption"] == "aws:kms" and done["BucketKeyEnabled"] is True
    whole = b"".join(parts)
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == whole
    edge = len(parts[0])
    got = s3.get_object(Bucket=bucket, Key="mp", Range=f"bytes={edge - 10}-{edge + 10}")
    assert got["Body"].read() == whole[edge - 10 : edge + 11]
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert head["ContentLength"] == len(parts[1]) and head["BucketKeyEnabled"] is True


def test_kms_permissions_of_the_caller(
    server: FogbankServer, s3: Any, bucket: str, key_arn: str
) -> None:
    mark = marker()
    s3.put_object(
        Bucket=bucket, Key="k", Body=mark, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    user = User(server, unique("sse-reader"))
    iam = server.client("iam")
    objects = f"arn:aws:s3:::{bucket}/*"
    rights = doc(allow(["s3:GetObject", "s3:PutObject"], objects))
    iam.put_user_policy(UserName=user.name, PolicyName="s3", PolicyDocument=rights)
    their_s3 = user.client("s3")

    denied = error(their_s3.get_object, Bucket=bucket, Key="k")
    assert denied["code"] == "AccessDenied" and denied["status"] == 403
    assert f"is not authorized to perform: kms:Decrypt on resource: {key_arn}" in denied["message"]
    assert their_s3.head_object(Bucket=bucket, Key="k")["SSEKMSKeyId"] == key_arn  # no decrypt
    refused = error(their_s3.put_object, Bucket=bucket, Key="new", Body=b"x",
                    ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)  # fmt: skip
    assert refused["code"] == "AccessDenied" and "kms:GenerateDataKey" in refused["message"]

    # aws/s3 (made on first use) lets the account's principals use it through S3
    put = their_s3.put_object(Bucket=bucket, Key="managed", Body=mark,
                              ServerSideEncryption="aws:kms")  # fmt: skip
    managed = server.client("kms").describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert put["SSEKMSKeyId"] == managed["Arn"] and managed["KeyManager"] == "AWS"
    assert their_s3.get_object(Bucket=bucket, Key="managed")["Body"].read() == mark

    iam.put_user_policy(UserName=user.name, PolicyName="kms",
                        PolicyDocument=doc(allow(["kms:Decrypt"], key_arn)))  # fmt: skip
    assert their_s3.get_object(Bucket=bucket, Key="k")["Body"].read() == mark


def test_objects_from_before_a_rotation_still_decrypt(
    s3: Any, kms: Any, bucket: str, key_arn: str
) -> None:
    before = os.urandom(2 * CHUNK + 5)
    s3.put_object(Bucket=bucket, Key="old", Body=before, ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key_arn)  # fmt: skip
    kms.enable_key_rotation(KeyId=key_arn)
    kms.rotate_key_on_demand(KeyId=key_arn)
    rotations = kms.list_key_rotations(KeyId=key_arn)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    after = os.urandom(100)
    s3.put_object(Bucket=bucket, Key="new", Body=after, ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key_arn)  # fmt: skip
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == before
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == after


def test_bucket_default_encryption(s3: Any, bucket: str, key_arn: str) -> None:
    fresh = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert fresh["Rules"] == [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
         "BucketKeyEnabled": False}
    ]  # fmt: skip
    s3.put_object(Bucket=bucket, Key="plain-default", Body=b"a")
    assert s3.head_object(Bucket=bucket, Key="plain-default")["ServerSideEncryption"] == "AES256"

    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                   "KMSMasterKeyID": key_arn},
            "BucketKeyEnabled": True}  # fmt: skip
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    got = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert got["Rules"] == [rule]
    put = s3.put_object(Bucket=bucket, Key="kms-default", Body=b"b")
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key_arn
    assert put["BucketKeyEnabled"] is True
    explicit = s3.put_object(Bucket=bucket, Key="s3", Body=b"c", ServerSideEncryption="AES256")
    assert explicit["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in explicit

    s3.delete_bucket_encryption(Bucket=bucket)
    again = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert again == fresh
    assert s3.head_object(Bucket=bucket, Key="kms-default")["SSEKMSKeyId"] == key_arn

    bad = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                                  "KMSMasterKeyID": key_arn}}  # fmt: skip
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [bad]})
    assert exc.value.response["Error"]["Code"] == "InvalidArgument"


def test_copy_reencrypts_to_the_target_settings(s3: Any, bucket: str, key_arn: str) -> None:
    body = os.urandom(3 * CHUNK + 11)
    s3.put_object(Bucket=bucket, Key="src", Body=body)
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                            ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)  # fmt: skip
    assert copied["ServerSideEncryption"] == "aws:kms" and copied["SSEKMSKeyId"] == key_arn
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == body
    # in place, changing only the encryption: allowed
    back = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "dst"},
                          ServerSideEncryption="AES256")  # fmt: skip
    assert back["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="dst")["ServerSideEncryption"] == "AES256"
    assert (
        s3.get_object(Bucket=bucket, Key="dst", Range="bytes=65530-65545")["Body"].read()
        == (body[65530:65546])
    )
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"})
    assert exc.value.response["Error"]["Code"] == "InvalidRequest"

    up = s3.create_multipart_upload(Bucket=bucket, Key="mp-copy", ServerSideEncryption="aws:kms",
                                    SSEKMSKeyId=key_arn)  # fmt: skip
    part = s3.upload_part_copy(Bucket=bucket, Key="mp-copy", UploadId=up["UploadId"],
                               PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
                               CopySourceRange="bytes=1000-70000")  # fmt: skip
    assert part["SSEKMSKeyId"] == key_arn
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp-copy", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )  # fmt: skip
    assert s3.get_object(Bucket=bucket, Key="mp-copy")["Body"].read() == body[1000:70001]


def test_sse_c(s3: Any, bucket: str) -> None:
    key = os.urandom(32)
    other = os.urandom(32)
    body = os.urandom(CHUNK + 500)
    put = s3.put_object(Bucket=bucket, Key="c", Body=body, SSECustomerAlgorithm="AES256",
                        SSECustomerKey=key)  # fmt: skip
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert put["SSECustomerAlgorithm"] == "AES256" and put["SSECustomerKeyMD5"] == md5
    assert "ServerSideEncryption" not in put

    missing = error(s3.get_object, Bucket=bucket, Key="c")
    assert (missing["code"], missing["status"]) == ("InvalidRequest", 400)
    wrong = error(s3.get_object, Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                  SSECustomerKey=other)  # fmt: skip
    assert (wrong["code"], wrong["status"]) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    got = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                        SSECustomerKey=key, Range="bytes=65530-65600")  # fmt: skip
    assert got["Body"].read() == body[65530:65601] and got["SSECustomerKeyMD5"] == md5
    copied = s3.copy_object(Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "c"},
                            CopySourceSSECustomerAlgorithm="AES256",
                            CopySourceSSECustomerKey=key)  # fmt: skip
    assert copied["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="c2")["Body"].read() == body

    s3.put_object(Bucket=bucket, Key="plain", Body=b"p")
    na = error(s3.get_object, Bucket=bucket, Key="plain", SSECustomerAlgorithm="AES256",
               SSECustomerKey=key)  # fmt: skip
    assert na["code"] == "InvalidRequest"


def test_request_errors(s3: Any, raw_s3: Any, bucket: str, key_arn: str) -> None:
    bad_mode = error(raw_s3.put_object, Bucket=bucket, Key="x", Body=b"x",
                     ServerSideEncryption="AES512")  # fmt: skip
    assert bad_mode["code"] == "InvalidArgument"
    key_without_kms = error(s3.put_object, Bucket=bucket, Key="x", Body=b"x",
                            ServerSideEncryption="AES256", SSEKMSKeyId=key_arn)  # fmt: skip
    assert key_without_kms["code"] == "InvalidArgument"
    missing_key = key_arn.rsplit("/", 1)[0] + "/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12
    not_found = error(s3.put_object, Bucket=bucket, Key="x", Body=b"x",
                      ServerSideEncryption="aws:kms", SSEKMSKeyId=missing_key)  # fmt: skip
    assert not_found["code"] == "KMS.NotFoundException"
    bad_context = error(
        s3.put_object, Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="aws:kms",
        SSEKMSEncryptionContext="not json",
    )  # fmt: skip
    assert bad_context["code"] == "InvalidArgument"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="x")  # nothing was stored


def test_disabled_key_refuses_reads(server: FogbankServer, kms: Any, key_arn: str) -> None:
    s3 = server.client("s3")
    name = unique_bucket("sse")
    s3.create_bucket(Bucket=name)
    try:
        s3.put_object(Bucket=name, Key="d", Body=b"data", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key_arn)  # fmt: skip
        kms.disable_key(KeyId=key_arn)
        disabled = error(s3.get_object, Bucket=name, Key="d")
        assert disabled["code"] == "KMS.DisabledException"
        kms.enable_key(KeyId=key_arn)
        assert s3.get_object(Bucket=name, Key="d")["Body"].read() == b"data"
    finally:
        empty_and_delete(s3, name)


def test_post_upload_with_sse_kms_fields(
    server: FogbankServer, s3: Any, bucket: str, key_arn: str
) -> None:
    from tests.integration.s3.test_browser import _multipart, fetch

    fields = {"x-amz-server-side-encryption": "aws:kms",
              "x-amz-server-side-encryption-aws-kms-key-id": key_arn}  # fmt: skip
    post = s3.generate_presigned_post(
        bucket, "form.txt", Fields=fields, Conditions=[{k: v} for k, v in fields.items()]
    )
    body, ctype = _multipart(list(post["fields"].items()), "form.txt", b"posted")
    status, headers, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 204, doc
    assert headers["x-amz-server-side-encryption"] == "aws:kms"
    assert headers["x-amz-server-side-encryption-aws-kms-key-id"] == key_arn
    head = s3.head_object(Bucket=bucket, Key="form.txt")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn
    assert s3.get_object(Bucket=bucket, Key="form.txt")["Body"].read() == b"posted"


def test_whole_bodies_read_with_the_lookup_go_only_to_authorized_callers(
    server: FogbankServer, s3: Any, bucket: str, key_arn: str
) -> None:
    """GetObject reads (and decrypts) a small body, or one of up to a megabyte in one
    piece, of a plain or SSE-S3 object with its metadata, before the request is
    authorized: the bytes are sent only if it then is. SSE-KMS and SSE-C bodies wait
    for the caller's permission and key."""
    mib = 1024 * 1024
    body = os.urandom(mib)
    longer = os.urandom(mib + 3 * CHUNK + 5)
    cust = os.urandom(32)
    small = os.urandom(4096)
    s3.put_object(Bucket=bucket, Key="s3", Body=body)
    s3.put_object(Bucket=bucket, Key="small", Body=small)
    s3.put_object(Bucket=bucket, Key="long", Body=longer)
    s3.put_object(Bucket=bucket, Key="kms", Body=body, ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key_arn)  # fmt: skip
    s3.put_object(Bucket=bucket, Key="c", Body=body, SSECustomerAlgorithm="AES256",
                  SSECustomerKey=cust)  # fmt: skip

    got = s3.get_object(Bucket=bucket, Key="s3")
    assert got["ServerSideEncryption"] == "AES256" and got["Body"].read() == body
    ranged = s3.get_object(Bucket=bucket, Key="long", Range=f"bytes=7-{7 + mib - 1}")
    assert ranged["Body"].read() == longer[7 : 7 + mib]
    assert s3.get_object(Bucket=bucket, Key="long")["Body"].read() == longer  # streamed
    etag = got["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="s3", IfNoneMatch=etag)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert s3.get_object(Bucket=bucket, Key="small")["Body"].read() == small
    for key in ("s3", "small"):
        na = error(s3.get_object, Bucket=bucket, Key=key, SSECustomerAlgorithm="AES256",
                   SSECustomerKey=cust)  # fmt: skip
        assert na["code"] == "InvalidRequest"

    # the owner itself, denied by the bucket policy: nothing of the body
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{bucket}/s3", f"arn:aws:s3:::{bucket}/small"]}  # fmt: skip
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [deny]}))
    for key in ("s3", "small"):
        denied = error(s3.get_object, Bucket=bucket, Key=key)
        assert (denied["code"], denied["status"]) == ("AccessDenied", 403)
    s3.delete_bucket_policy(Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="s3")["Body"].read() == body

    user = User(server, unique("whole-reader"))
    theirs = user.client("s3")
    for key in ("s3", "small", "kms"):
        nothing = error(theirs.get_object, Bucket=bucket, Key=key)
        assert (nothing["code"], nothing["status"]) == ("AccessDenied", 403)
    iam = server.client("iam")
    rights = doc(allow(["s3:GetObject"], f"arn:aws:s3:::{bucket}/*"))
    iam.put_user_policy(UserName=user.name, PolicyName="s3", PolicyDocument=rights)
    assert theirs.get_object(Bucket=bucket, Key="s3")["Body"].read() == body
    assert theirs.get_object(Bucket=bucket, Key="small")["Body"].read() == small
    no_kms = error(theirs.get_object, Bucket=bucket, Key="kms")
    assert no_kms["code"] == "AccessDenied" and "kms:Decrypt" in no_kms["message"]
    iam.put_user_policy(UserName=user.name, PolicyName="kms",
                        PolicyDocument=doc(allow(["kms:Decrypt"], key_arn)))  # fmt: skip
    assert theirs.get_object(Bucket=bucket, Key="kms")["Body"].read() == body

    missing = error(s3.get_object, Bucket=bucket, Key="c")
    assert (missing["code"], missing["status"]) == ("InvalidRequest", 400)
    wrong = error(s3.get_object, Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256",
                  SSECustomerKey=os.urandom(32))  # fmt: skip
    assert (wrong["code"], wrong["status"]) == ("AccessDenied", 403)
    mine = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=cust)
    assert mine["Body"].read() == body
