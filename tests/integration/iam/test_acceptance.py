"""The issue's acceptance scenarios, as a user would run them: the AWS CLI as root,
then as the user and as a role session."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.integration.iam.support import User, allow, doc, error, session_client, trust
from tests.support.server import ACCOUNT_ID, FogbankServer


def test_a_user_with_only_list_buckets(server: FogbankServer) -> None:
    name = "alice-acceptance"
    server.aws("iam", "create-user", "--user-name", name)
    key = json.loads(server.aws("iam", "create-access-key", "--user-name", name).stdout)
    alice = {
        "AWS_ACCESS_KEY_ID": key["AccessKey"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["AccessKey"]["SecretAccessKey"],
    }
    # Before any policy, alice may do nothing: S3 says so in AWS's words.
    denied = server.aws("s3api", "list-buckets", check=False, **alice)
    assert denied.returncode != 0
    assert (
        "An error occurred (AccessDenied) when calling the ListBuckets operation: User: "
        f"arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: "
        "s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets"
        " action"
    ) in denied.stderr
    policy = json.loads(
        server.aws(
            "iam",
            "create-policy",
            "--policy-name",
            "list-buckets-only",
            "--policy-document",
            doc(allow("s3:ListAllMyBuckets")),
        ).stdout
    )["Policy"]
    server.aws("iam", "attach-user-policy", "--user-name", name, "--policy-arn", policy["Arn"])
    listed = server.aws("s3api", "list-buckets", check=False, **alice)
    # Authorized; until S3 is built, the call then reaches S3's NotImplemented.
    assert "AccessDenied" not in listed.stderr
    assert listed.returncode == 0 or "(NotImplemented)" in listed.stderr
    users = server.aws("iam", "list-users", check=False, **alice)
    assert users.returncode != 0
    assert (
        "An error occurred (AccessDenied) when calling the ListUsers operation: User: "
        f"arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:ListUsers"
        f" on resource: arn:aws:iam::{ACCOUNT_ID}:user/ because no identity-based policy"
        " allows the iam:ListUsers action"
    ) in users.stderr
    ident = json.loads(server.aws("sts", "get-caller-identity", **alice).stdout)
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"
    assert ident["UserId"].startswith("AIDA")


def test_assume_role_session_limits_and_expiry(
    make_server: Callable[..., FogbankServer],
) -> None:
    srv = make_server()
    alice = User(srv, "alice")
    iam = srv.client("iam")
    role = iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=trust(alice.arn))["Role"]
    iam.put_role_policy(
        RoleName="auditor",
        PolicyName="read-iam",
        PolicyDocument=doc(allow(["iam:ListUsers", "iam:ListRoles"])),
    )
    assumed = alice.client("sts").assume_role(
        RoleArn=role["Arn"],
        RoleSessionName="audit",
        Policy=doc(allow(["iam:ListUsers", "iam:ListGroups"])),
    )
    creds = assumed["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/auditor/audit"
    assert assumed["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role['RoleId']}:audit",
        "Arn": session_arn,
    }
    sts = session_client(srv, "sts", creds)
    ident = sts.get_caller_identity()
    assert (ident["Arn"], ident["UserId"]) == (session_arn, f"{role['RoleId']}:audit")
    session_iam = session_client(srv, "iam", creds)
    # allowed by the role's policy and by the session policy
    session_iam.list_users()
    # the role allows it, the session policy does not
    denied = error(session_iam.list_roles)
    assert (denied["code"], denied["status"]) == ("AccessDenied", 403)
    assert denied["message"] == (
        f"User: {session_arn} is not authorized to perform: iam:ListRoles on resource: "
        f"arn:aws:iam::{ACCOUNT_ID}:role/ because no session policy allows the"
        " iam:ListRoles action"
    )
    # the session policy allows it, the role does not
    denied = error(session_iam.list_groups)
    assert "because no identity-based policy allows the iam:ListGroups action" in denied["message"]

    srv.fogbank("clock", "advance", "2h")
    expired = error(session_iam.list_users)
    assert (expired["code"], expired["status"]) == ("ExpiredToken", 403)
    assert expired["message"] == "The security token included in the request is expired"
    assert error(sts.get_caller_identity)["code"] == "ExpiredToken"
    cli = srv.aws(
        "sts",
        "get-caller-identity",
        check=False,
        AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
        AWS_SESSION_TOKEN=creds["SessionToken"],
    )
    assert "(ExpiredToken)" in cli.stderr
    # alice's own key does not expire
    alice.client("sts").get_caller_identity()
