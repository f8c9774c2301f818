"""Object Ownership and ACLs through boto3 and unsigned HTTP: ACLs disabled by default
(AccessControlListNotSupported), canned and explicit ACLs when enabled, evaluated with
policies, Block Public Access over ACLs, cross-account grants by canonical id."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import empty_and_delete, unique_bucket
from tests.support.server import FogbankServer

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
NO_BPA = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)


def unsigned(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def error(call: Callable[..., Any], **kwargs: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    response = exc.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def new_account(server: FogbankServer) -> Any:
    made = json.loads(server.fogbank("account", "create", "--json").stdout)
    return server.client(
        "s3",
        aws_access_key_id=made["AccessKeyId"],
        aws_secret_access_key=made["SecretAccessKey"],
    )


def canonical_id(s3: Any) -> str:
    return str(s3.list_buckets()["Owner"]["ID"])


@pytest.fixture
def s3(server: FogbankServer) -> Any:
    return server.client("s3")


@pytest.fixture
def make_bucket(s3: Any) -> Iterator[Callable[..., str]]:
    made: list[str] = []

    def make(ownership: str | None = None, public: bool = False) -> str:
        name = unique_bucket("acl")
        if ownership is None:
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, ObjectOwnership=ownership)
        if public:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=NO_BPA)
        made.append(name)
        return name

    yield make
    for name in made:
        empty_and_delete(s3, name)


def grants_of(acl: dict[str, Any]) -> set[tuple[str, str]]:
    out = set()
    for g in acl["Grants"]:
        grantee = g["Grantee"]
        out.add((grantee.get("ID") or grantee.get("URI"), g["Permission"]))
    return out


def test_default_bucket_owner_enforced(s3: Any, make_bucket: Callable[..., str]) -> None:
    bucket = make_bucket()
    me = canonical_id(s3)
    assert len(me) == 64 and all(c in "0123456789abcdef" for c in me)
    assert canonical_id(s3) == me  # stable
    rejected = error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    assert rejected == ("AccessControlListNotSupported", 400)
    assert error(s3.head_object, Bucket=bucket, Key="k")[1] == 404  # nothing written
    grant = {"GrantRead": f'uri="{ALL_USERS}"'}
    assert error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", **grant)[0] == (
        "AccessControlListNotSupported"
    )
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    for acl in (s3.get_bucket_acl(Bucket=bucket), s3.get_object_acl(Bucket=bucket, Key="k")):
        assert acl["Owner"]["ID"] == me
        assert grants_of(acl) == {(me, "FULL_CONTROL")}
    assert error(s3.put_bucket_acl, Bucket=bucket, ACL="public-read")[0] == (
        "AccessControlListNotSupported"
    )
    assert error(s3.put_object_acl, Bucket=bucket, Key="k", ACL="authenticated-read")[0] == (
        "AccessControlListNotSupported"
    )
    s3.put_bucket_acl(Bucket=bucket, ACL="private")  # the owner's full control: accepted
    listed = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"]
    assert {o["Owner"]["ID"] for o in listed} == {me}
    # CreateBucket with an ACL granting others, ACLs disabled
    name = unique_bucket("acl")
    assert error(s3.create_bucket, Bucket=name, ACL="public-read")[0] == (
        "InvalidBucketAclWithObjectOwnership"
    )
    assert error(s3.head_bucket, Bucket=name)[1] == 404


def test_public_read_acl_anonymous_and_bpa(
    server: FogbankServer, s3: Any, make_bucket: Callable[..., str]
) -> None:
    bucket = make_bucket("ObjectWriter")
    # Block Public Access (on for new buckets) refuses public ACLs; nothing changes
    assert error(s3.put_object, Bucket=bucket, Key="pub", Body=b"x", ACL="public-read") == (
        "AccessDenied", 403,
    )  # fmt: skip
    assert error(s3.head_object, Bucket=bucket, Key="pub")[1] == 404
    assert error(s3.put_bucket_acl, Bucket=bucket, ACL="public-read")[0] == "AccessDenied"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    s3.put_object(Bucket=bucket, Key="pub", Body=b"hello", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="priv", Body=b"secret")
    assert (ALL_USERS, "READ") in grants_of(s3.get_object_acl(Bucket=bucket, Key="pub"))
    base = f"{server.endpoint}/{bucket}"
    assert unsigned(f"{base}/pub") == (200, b"hello")
    assert unsigned(f"{base}/priv")[0] == 403
    assert unsigned(f"{base}?list-type=2")[0] == 403  # the bucket's ACL is private
    assert unsigned(f"{base}/new", "PUT", b"x")[0] == 403
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    assert unsigned(f"{base}?list-type=2")[0] == 200
    assert unsigned(f"{base}/new", "PUT", b"anon")[0] == 200
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == b"anon"
    # an explicit Deny in the bucket policy wins over the ACL
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/pub"}  # fmt: skip
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [deny]}))
    assert unsigned(f"{base}/pub")[0] == 403
    s3.delete_bucket_policy(Bucket=bucket)
    assert unsigned(f"{base}/pub")[0] == 200
    # IgnorePublicAcls: the grants stay, but count for nothing
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={**NO_BPA, "IgnorePublicAcls": True}
    )
    assert unsigned(f"{base}/pub")[0] == 403
    assert unsigned(f"{base}?list-type=2")[0] == 403
    assert (ALL_USERS, "READ") in grants_of(s3.get_object_acl(Bucket=bucket, Key="pub"))
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    assert unsigned(f"{base}/pub")[0] == 200
    # back to BucketOwnerEnforced: refused while the bucket ACL grants to others
    controls = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert error(s3.put_bucket_ownership_controls, Bucket=bucket, OwnershipControls=controls) == (
        "InvalidBucketAclWithObjectOwnership",
        400,
    )
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=controls)
    assert unsigned(f"{base}/pub")[0] == 403  # ACLs disabled: the object ACL plays no part


def test_cross_account_grant_by_canonical_id(
    server: FogbankServer, s3: Any, make_bucket: Callable[..., str]
) -> None:
    other = new_account(server)
    other_id, me = canonical_id(other), canonical_id(s3)
    bucket = make_bucket("ObjectWriter")
    s3.put_object(Bucket=bucket, Key="shared", Body=b"for b", GrantRead=f'id="{other_id}"')
    s3.put_object(Bucket=bucket, Key="mine", Body=b"not for b")
    assert other.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"for b"
    assert error(other.get_object, Bucket=bucket, Key="mine")[0] == "AccessDenied"
    assert error(other.list_objects_v2, Bucket=bucket)[0] == "AccessDenied"
    assert error(other.put_object, Bucket=bucket, Key="b1", Body=b"x")[0] == "AccessDenied"
    s3.put_bucket_acl(
        Bucket=bucket,
        AccessControlPolicy={
            "Owner": {"ID": me},
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "CanonicalUser", "ID": other_id}, "Permission": "WRITE"},
                {"Grantee": {"Type": "CanonicalUser", "ID": other_id}, "Permission": "READ"},
            ],
        },
    )
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == {
        (me, "FULL_CONTROL"), (other_id, "WRITE"), (other_id, "READ"),
    }  # fmt: skip
    # ObjectWriter: B owns what it writes; A reaches it only through the object's ACL
    other.put_object(Bucket=bucket, Key="b1", Body=b"by b")
    owners = {
        o["Key"]: o["Owner"]["ID"]
        for o in other.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"]
    }
    assert owners["b1"] == other_id and owners["mine"] == me
    assert error(s3.get_object, Bucket=bucket, Key="b1")[0] == "AccessDenied"
    other.put_object_acl(Bucket=bucket, Key="b1", ACL="bucket-owner-read")
    assert s3.get_object(Bucket=bucket, Key="b1")["Body"].read() == b"by b"
    # BucketOwnerPreferred: bucket-owner-full-control makes the bucket owner the owner
    controls = {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=controls)
    other.put_object(Bucket=bucket, Key="b2", Body=b"x", ACL="bucket-owner-full-control")
    other.put_object(Bucket=bucket, Key="b3", Body=b"x")
    acl2 = s3.get_object_acl(Bucket=bucket, Key="b2")
    assert acl2["Owner"]["ID"] == me
    assert other.get_object_acl(Bucket=bucket, Key="b3")["Owner"]["ID"] == other_id
    assert error(s3.get_object, Bucket=bucket, Key="b3")[0] == "AccessDenied"
    # BucketOwnerEnforced: the bucket owner owns (and reads) every object, whoever wrote it
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=enforced)
    listed = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"]
    assert {o["Owner"]["ID"] for o in listed} == {me}
    assert s3.get_object(Bucket=bucket, Key="b3")["Body"].read() == b"x"
    assert s3.get_object_acl(Bucket=bucket, Key="b3")["Owner"]["ID"] == me


def test_malformed_acls_change_nothing(s3: Any, make_bucket: Callable[..., str]) -> None:
    bucket = make_bucket("BucketOwnerPreferred")
    me = canonical_id(s3)
    before = s3.get_bucket_acl(Bucket=bucket)["Grants"]

    def body(*grants: dict[str, Any], owner: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {"Grants": list(grants)}
        if owner:
            doc["Owner"] = {"ID": me}
        return doc

    cases = [
        (body({"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "ALL"}),
         "MalformedACLError"),
        (body({"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "READ"},
              owner=False), "MalformedACLError"),
        (body({"Grantee": {"Type": "CanonicalUser"}, "Permission": "READ"}),
         "MalformedACLError"),
        (body({"Grantee": {"Type": "CanonicalUser", "ID": "f" * 64}, "Permission": "READ"}),
         "InvalidArgument"),
        (body({"Grantee": {"Type": "Group", "URI": "http://example.com/x"},
               "Permission": "READ"}), "InvalidArgument"),
        (body({"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "no@example.com"},
               "Permission": "READ"}), "UnresolvableGrantByEmailAddress"),
    ]  # fmt: skip
    for policy, expected in cases:
        assert error(s3.put_bucket_acl, Bucket=bucket, AccessControlPolicy=policy) == (
            expected, 400,
        ), policy  # fmt: skip
    both = {"ACL": "public-read", "GrantRead": f'id="{me}"'}
    assert error(s3.put_bucket_acl, Bucket=bucket, **both)[0] == "InvalidRequest"
    assert error(s3.put_bucket_acl, Bucket=bucket, GrantRead="id=nope")[0] == "InvalidArgument"
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == before
    # grant headers that parse: the ACL is exactly what they say
    s3.put_bucket_acl(Bucket=bucket, GrantFullControl=f'id="{me}"', GrantReadACP=f"id={me}")
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == {
        (me, "FULL_CONTROL"), (me, "READ_ACP"),
    }  # fmt: skip


def test_versions_keep_their_own_acl(
    server: FogbankServer, s3: Any, make_bucket: Callable[..., str]
) -> None:
    bucket = make_bucket("ObjectWriter", public=True)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one", ACL="public-read")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    old = s3.get_object_acl(Bucket=bucket, Key="k", VersionId=v1)
    assert (ALL_USERS, "READ") in grants_of(old)
    assert (ALL_USERS, "READ") not in grants_of(s3.get_object_acl(Bucket=bucket, Key="k"))
    base = f"{server.endpoint}/{bucket}/k"
    assert unsigned(f"{base}?versionId={v1}") == (200, b"one")
    assert unsigned(base)[0] == 403
    s3.put_object_acl(Bucket=bucket, Key="k", VersionId=v2, ACL="public-read")
    assert unsigned(base) == (200, b"two")


def test_acls_survive_restart(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server()
    s3 = srv.client("s3")
    s3.create_bucket(Bucket="acl-restart", ObjectOwnership="ObjectWriter")
    s3.put_public_access_block(Bucket="acl-restart", PublicAccessBlockConfiguration=NO_BPA)
    s3.put_bucket_acl(Bucket="acl-restart", ACL="public-read")
    s3.put_object(Bucket="acl-restart", Key="k", Body=b"kept", ACL="public-read")
    srv.stop()
    srv.start()
    assert unsigned(f"{srv.endpoint}/acl-restart/k") == (200, b"kept")
    assert unsigned(f"{srv.endpoint}/acl-restart?list-type=2")[0] == 200
    acl = srv.client("s3").get_bucket_acl(Bucket="acl-restart")
    assert (ALL_USERS, "READ") in grants_of(acl)
