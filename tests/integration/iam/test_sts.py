"""STS in detail: trust conditions (ExternalId), trust that delegates to identity
policies, session tags and source identity, role chaining, managed session policies,
session durations."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.integration.iam.support import User, allow, doc, error, session_client, unique
from tests.support.server import ACCOUNT_ID, FogbankServer


def _role(server: FogbankServer, statement: dict[str, object], **kwargs: object) -> dict[str, str]:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    role: dict[str, str] = server.client("iam").create_role(
        RoleName=unique("role"), AssumeRolePolicyDocument=trust, **kwargs
    )["Role"]
    return role


def test_external_id_is_a_trust_condition(server: FogbankServer) -> None:
    alice = User(server, unique("ext"))
    role = _role(
        server,
        {
            "Effect": "Allow",
            "Principal": {"AWS": alice.arn},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "partner-42"}},
        },
    )
    sts = alice.client("sts")
    assert error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1")["code"] == (
        "AccessDenied"
    )
    wrong = error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1", ExternalId="nope")
    assert wrong["code"] == "AccessDenied"
    sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", ExternalId="partner-42")


def test_trusting_the_account_delegates_to_identity_policies(server: FogbankServer) -> None:
    alice = User(server, unique("deleg"))
    role = _role(
        server,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
        },
    )
    err = error(alice.client("sts").assume_role, RoleArn=role["Arn"], RoleSessionName="s1")
    assert err["message"].endswith(
        "because no identity-based policy allows the sts:AssumeRole action"
    )
    server.client("iam").put_user_policy(
        UserName=alice.name,
        PolicyName="assume",
        PolicyDocument=doc(allow("sts:AssumeRole", role["Arn"])),
    )
    alice.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")


def test_session_tags_and_source_identity(server: FogbankServer) -> None:
    alice = User(server, unique("tags"))
    base = {"Effect": "Allow", "Principal": {"AWS": alice.arn}}
    role = _role(server, {**base, "Action": "sts:AssumeRole"})
    iam = server.client("iam")
    iam.put_role_policy(
        RoleName=role["RoleName"],
        PolicyName="by-tag",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:ListUsers",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalTag/project": "apollo"}},
                    }
                ],
            }
        ),
    )
    sts = alice.client("sts")
    tags = [{"Key": "project", "Value": "apollo"}]
    # passing tags needs sts:TagSession in the trust policy
    err = error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1", Tags=tags)
    assert "sts:TagSession" in err["message"]
    iam.update_assume_role_policy(
        RoleName=role["RoleName"],
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        **base,
                        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                    }
                ],
            }
        ),
    )
    tagged = sts.assume_role(
        RoleArn=role["Arn"], RoleSessionName="s1", Tags=tags, SourceIdentity="alice-laptop"
    )
    assert tagged["SourceIdentity"] == "alice-laptop"
    assert 0 < tagged["PackedPolicySize"] <= 100
    session_client(server, "iam", tagged["Credentials"]).list_users()
    plain = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s2")["Credentials"]
    err = error(session_client(server, "iam", plain).list_users)
    assert err["code"] == "AccessDenied"


def test_role_chaining_and_managed_session_policies(server: FogbankServer) -> None:
    alice = User(server, unique("chain"))
    first = _role(
        server,
        {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"},
        MaxSessionDuration=7200,
    )
    iam = server.client("iam")
    iam.put_role_policy(
        RoleName=first["RoleName"],
        PolicyName="assume",
        PolicyDocument=doc(allow(["sts:AssumeRole", "iam:*"])),
    )
    second = _role(
        server,
        {"Effect": "Allow", "Principal": {"AWS": first["Arn"]}, "Action": "sts:AssumeRole"},
        MaxSessionDuration=7200,
    )
    iam.attach_role_policy(
        RoleName=second["RoleName"], PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess"
    )
    long = alice.client("sts").assume_role(
        RoleArn=first["Arn"], RoleSessionName="hop1", DurationSeconds=7200
    )
    expires = long["Credentials"]["Expiration"]
    hop = session_client(server, "sts", long["Credentials"])
    err = error(
        hop.assume_role, RoleArn=second["Arn"], RoleSessionName="hop2", DurationSeconds=7200
    )
    assert err["message"] == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
        " role chaining."
    )
    chained = hop.assume_role(
        RoleArn=second["Arn"],
        RoleSessionName="hop2",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"}],
    )
    assert chained["Credentials"]["Expiration"] < expires
    session_iam = session_client(server, "iam", chained["Credentials"])
    session_iam.list_users()  # IAMFullAccess and the power user policy both allow it
    err = error(session_iam.list_policies)  # IAMFullAccess does, the session policy does not
    assert "because no session policy allows the iam:ListPolicies action" in err["message"]


def test_session_token_durations(server: FogbankServer) -> None:
    alice = User(server, unique("gst"))
    sts = alice.client("sts")
    before = sts.get_caller_identity()["ResponseMetadata"]["HTTPHeaders"]["date"]
    assert before
    default = sts.get_session_token()["Credentials"]
    short = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert default["Expiration"] - short["Expiration"] >= timedelta(hours=11, minutes=44)
    err = error(sts.get_session_token, DurationSeconds=200000)
    assert err["code"] == "ValidationError"
    # the root user's sessions last at most an hour
    root = server.client("sts").get_session_token(DurationSeconds=7200)["Credentials"]
    assert root["Expiration"] - short["Expiration"] <= timedelta(minutes=46)
    ident = session_client(server, "sts", root).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
