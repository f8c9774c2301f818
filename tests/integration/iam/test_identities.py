"""Identities over the wire: what each kind of caller is, keys that stop working at once,
documents URL-encoded as IAM sends them, paging, tags in conditions."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.integration.iam.support import (
    User,
    allow,
    doc,
    error,
    session_client,
    trust,
    unique,
)
from tests.support.server import ACCESS_KEY, ACCOUNT_ID, SECRET_KEY, FogbankServer


def _raw_iam(server: FogbankServer, params: dict[str, str]) -> str:
    """An IAM query call signed by hand: the XML as it is on the wire."""
    body = urllib.parse.urlencode({**params, "Version": "2010-05-08"})
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(
        prepared.url, data=body.encode(), headers=dict(prepared.headers), method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.read().decode()


def test_policy_documents_are_url_encoded_on_the_wire(server: FogbankServer) -> None:
    name = unique("enc")
    iam = server.client("iam")
    iam.create_user(UserName=name)
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::b/a key"))
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    xml = _raw_iam(server, {"Action": "GetUserPolicy", "UserName": name, "PolicyName": "p"})
    encoded = xml.split("<PolicyDocument>")[1].split("</PolicyDocument>")[0]
    assert "{" not in encoded and "%7B%22Version%22" in encoded
    assert urllib.parse.unquote(encoded) == policy
    # botocore decodes it into a dict
    got = iam.get_user_policy(UserName=name, PolicyName="p")["PolicyDocument"]
    assert got == json.loads(policy)


def test_caller_identity_for_every_kind_of_principal(server: FogbankServer) -> None:
    root = server.client("sts").get_caller_identity()
    assert (root["Arn"], root["UserId"]) == (f"arn:aws:iam::{ACCOUNT_ID}:root", ACCOUNT_ID)
    alice = User(server, unique("who"), Path="/team/")
    ident = alice.client("sts").get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/team/{alice.name}"
    assert ident["UserId"].startswith("AIDA") and ident["Account"] == ACCOUNT_ID
    token = alice.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA")
    same = session_client(server, "sts", token).get_caller_identity()
    assert (same["Arn"], same["UserId"]) == (ident["Arn"], ident["UserId"])
    role = server.client("iam").create_role(
        RoleName=unique("who-role"), Path="/svc/", AssumeRolePolicyDocument=trust(alice.arn)
    )["Role"]
    creds = alice.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sess")[
        "Credentials"
    ]
    assumed = session_client(server, "sts", creds).get_caller_identity()
    # the assumed-role ARN has no path
    assert assumed["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/sess"
    assert assumed["UserId"] == f"{role['RoleId']}:sess"


def test_keys_stop_working_at_once(server: FogbankServer) -> None:
    # The shared server runs two processes: the next call may land in either.
    alice = User(server, unique("revoked"))
    iam = server.client("iam")
    for _ in range(3):
        alice.client("sts").get_caller_identity()
    iam.update_access_key(UserName=alice.name, AccessKeyId=alice.key_id, Status="Inactive")
    for _ in range(4):
        assert error(alice.client("sts").get_caller_identity)["code"] == "InvalidClientTokenId"
    iam.update_access_key(UserName=alice.name, AccessKeyId=alice.key_id, Status="Active")
    alice.client("sts").get_caller_identity()
    iam.delete_access_key(UserName=alice.name, AccessKeyId=alice.key_id)
    assert error(alice.client("iam").list_users)["code"] == "InvalidClientTokenId"


def test_policies_take_effect_at_once(server: FogbankServer) -> None:
    alice = User(server, unique("grant"))
    iam = server.client("iam")
    assert error(alice.client("iam").list_roles)["code"] == "AccessDenied"
    iam.put_user_policy(
        UserName=alice.name, PolicyName="p", PolicyDocument=doc(allow("iam:ListRoles"))
    )
    for _ in range(4):
        alice.client("iam").list_roles()
    group = unique("g")
    iam.create_group(GroupName=group)
    iam.put_group_policy(
        GroupName=group,
        PolicyName="deny",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}],
            }
        ),
    )
    iam.add_user_to_group(GroupName=group, UserName=alice.name)
    err = error(alice.client("iam").list_roles)
    assert err["message"].endswith("with an explicit deny in an identity-based policy")


def test_aws_managed_policies_by_name(server: FogbankServer) -> None:
    alice = User(server, unique("ro"))
    iam = server.client("iam")
    iam.attach_user_policy(UserName=alice.name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    alice.client("iam").list_users()  # iam:List* is read-only
    err = error(alice.client("iam").create_user, UserName=unique("nope"))
    assert "because no identity-based policy allows the iam:CreateUser action" in err["message"]
    policy = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]
    assert policy["AttachmentCount"] >= 1 and policy["PolicyId"] == "ANPAILL3HVNFSB6DCOWYQ"
    version = iam.get_policy_version(
        PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess", VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]
    assert "s3:Get*" in version["Document"]["Statement"][0]["Action"]
    err = error(iam.delete_policy, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert err["code"] == "AccessDenied"


def test_tags_in_conditions(server: FogbankServer) -> None:
    iam = server.client("iam")
    alice = User(server, unique("tagged"), Tags=[{"Key": "team", "Value": "blue"}])
    blue, red = unique("blue"), unique("red")
    iam.create_user(UserName=blue, Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_user(UserName=red, Tags=[{"Key": "team", "Value": "red"}])
    iam.put_user_policy(
        UserName=alice.name,
        PolicyName="same-team",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:GetUser",
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}
                        },
                    }
                ],
            }
        ),
    )
    alice.client("iam").get_user(UserName=blue)
    assert error(alice.client("iam").get_user, UserName=red)["code"] == "AccessDenied"


def test_listing_pages_with_the_cli(server: FogbankServer) -> None:
    iam = server.client("iam")
    prefix = f"/{unique('page')}/"
    names = sorted(unique("p") for _ in range(5))
    for name in names:
        iam.create_user(UserName=name, Path=prefix)
    first = iam.list_users(PathPrefix=prefix, MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    out = server.aws("iam", "list-users", "--path-prefix", prefix, "--page-size", "2")
    assert [u["UserName"] for u in json.loads(out.stdout)["Users"]] == names


def test_last_use_of_a_key(server: FogbankServer) -> None:
    alice = User(server, unique("used"))
    iam = server.client("iam")
    never = iam.get_access_key_last_used(AccessKeyId=alice.key_id)
    assert never["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    alice.client("sts").get_caller_identity()
    deadline = time.monotonic() + 10  # written in batches, about once a second
    while True:
        used = iam.get_access_key_last_used(AccessKeyId=alice.key_id)["AccessKeyLastUsed"]
        if used["ServiceName"] == "sts" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert (used["ServiceName"], used["Region"]) == ("sts", "us-east-1")
    assert "LastUsedDate" in used


def test_tags_and_boundaries_of_users_and_roles(server: FogbankServer) -> None:
    iam = server.client("iam")
    boundary = iam.create_policy(PolicyName=unique("bound"), PolicyDocument=doc(allow("s3:*")))[
        "Policy"
    ]["Arn"]
    user, role = unique("tu"), unique("tr")
    iam.create_user(UserName=user)
    iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT_ID}:root")
    )
    for kind, name, get in (
        ("User", user, lambda: iam.get_user(UserName=user)["User"]),
        ("Role", role, lambda: iam.get_role(RoleName=role)["Role"]),
    ):
        ident = {f"{kind}Name": name}
        tag, untag = getattr(iam, f"tag_{kind.lower()}"), getattr(iam, f"untag_{kind.lower()}")
        list_tags = getattr(iam, f"list_{kind.lower()}_tags")
        tag(**ident, Tags=[{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}])
        tag(**ident, Tags=[{"Key": "team", "Value": "b"}])
        assert sorted((t["Key"], t["Value"]) for t in list_tags(**ident)["Tags"]) == [
            ("env", "dev"),
            ("team", "b"),
        ]
        untag(**ident, TagKeys=["env"])
        assert list_tags(**ident)["Tags"] == [{"Key": "team", "Value": "b"}]
        too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
        assert error(tag, **ident, Tags=too_many)["code"] == "LimitExceeded"
        assert list_tags(**ident)["Tags"] == [{"Key": "team", "Value": "b"}]

        put = getattr(iam, f"put_{kind.lower()}_permissions_boundary")
        delete = getattr(iam, f"delete_{kind.lower()}_permissions_boundary")
        missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('none')}"
        assert error(put, **ident, PermissionsBoundary=missing)["code"] == "NoSuchEntity"
        assert "PermissionsBoundary" not in get()
        put(**ident, PermissionsBoundary=boundary)
        assert get()["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
        delete(**ident)
        assert "PermissionsBoundary" not in get()

        nobody = {f"{kind}Name": unique("nobody")}
        assert error(list_tags, **nobody)["code"] == "NoSuchEntity"
        assert error(delete, **nobody)["code"] == "NoSuchEntity"
