"""IAM's and STS's errors over the wire: codes, HTTP statuses and AWS's messages, and
that a failed call changes nothing."""

from __future__ import annotations

import json

from tests.integration.iam.support import User, allow, doc, error, trust, unique
from tests.support.server import ACCOUNT_ID, FogbankServer


def test_entity_errors(server: FogbankServer) -> None:
    iam = server.client("iam")
    name = unique("dup")
    iam.create_user(UserName=name)
    err = error(iam.create_user, UserName=name.upper())
    assert err == {
        "code": "EntityAlreadyExists",
        "message": f"User with name {name.upper()} already exists.",
        "status": 409,
    }
    missing = unique("ghost")
    assert error(iam.get_user, UserName=missing) == {
        "code": "NoSuchEntity",
        "message": f"The user with name {missing} cannot be found.",
        "status": 404,
    }
    err = error(iam.get_role, RoleName=missing)
    assert err["message"] == f"The role with name {missing} cannot be found."
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/{missing}"
    assert error(iam.get_policy, PolicyArn=arn)["message"] == f"Policy {arn} was not found."


def test_malformed_policy_documents(server: FogbankServer) -> None:
    iam = server.client("iam")
    name = unique("u")
    iam.create_user(UserName=name)
    cases = [
        ("{not json", "Syntax errors in policy."),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}
            ),
            "Policy statement must contain actions.",
        ),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
            ),
            "Policy statement must contain resources.",
        ),
        (
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
                    ],
                }
            ),
            "Policy document should not specify a principal.",
        ),
    ]
    for document, message in cases:
        err = error(iam.put_user_policy, UserName=name, PolicyName="p", PolicyDocument=document)
        assert (err["code"], err["message"], err["status"]) == (
            "MalformedPolicyDocument",
            message,
            400,
        )
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == []  # nothing stored


def test_delete_conflict_and_limits(server: FogbankServer) -> None:
    iam = server.client("iam")
    name = unique("keys")
    iam.create_user(UserName=name)
    iam.create_access_key(UserName=name)
    iam.create_access_key(UserName=name)
    assert error(iam.create_access_key, UserName=name) == {
        "code": "LimitExceeded",
        "message": "Cannot exceed quota for AccessKeysPerUser: 2",
        "status": 409,
    }
    assert error(iam.delete_user, UserName=name) == {
        "code": "DeleteConflict",
        "message": "Cannot delete entity, must delete access keys first.",
        "status": 409,
    }
    arn = iam.create_policy(PolicyName=unique("p"), PolicyDocument=doc(allow("s3:Get*")))["Policy"][
        "Arn"
    ]
    for n in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow(f"s3:Get{n}")))
    err = error(iam.create_policy_version, PolicyArn=arn, PolicyDocument=doc(allow("s3:X")))
    assert err["code"] == "LimitExceeded"
    assert err["message"] == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must"
        " delete an existing version."
    )
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 5


def test_validation_errors(server: FogbankServer) -> None:
    iam = server.client("iam")
    err = error(iam.create_user, UserName="has space")
    assert err["code"] == "ValidationError" and err["status"] == 400
    assert "Member must satisfy regular expression pattern" in err["message"]
    # existing users' names may be longer than new ones (existingUserNameType: 128)
    assert error(iam.get_user, UserName="x" * 65)["code"] == "NoSuchEntity"
    too_long = error(iam.get_user, UserName="x" * 129)
    assert too_long["code"] == "ValidationError"
    assert "Member must have length less than or equal to 128" in too_long["message"]


def test_sts_errors(server: FogbankServer) -> None:
    iam = server.client("iam")
    alice = User(server, unique("alice"))
    role = iam.create_role(RoleName=unique("r"), AssumeRolePolicyDocument=trust(alice.arn))["Role"]
    sts = alice.client("sts")
    err = error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s0", DurationSeconds=7200)
    assert err == {
        "code": "ValidationError",
        "message": (
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        ),
        "status": 400,
    }
    err = error(server.client("sts").assume_role, RoleArn=role["Arn"], RoleSessionName="root")
    assert (err["code"], err["message"]) == (
        "AccessDenied",
        "Roles may not be assumed by root accounts.",
    )
    ghost = f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('ghost')}"
    err = error(sts.assume_role, RoleArn=ghost, RoleSessionName="s1")
    assert err["code"] == "AccessDenied"
    assert err["message"].startswith(
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {ghost}"
    )
    err = error(
        sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1", Policy='{"Statement": []}'
    )
    assert err["code"] == "MalformedPolicyDocument"
    # a trust policy that names someone else
    other = User(server, unique("mallory"))
    err = error(other.client("sts").assume_role, RoleArn=role["Arn"], RoleSessionName="s1")
    assert err["message"] == (
        f"User: {other.arn} is not authorized to perform: sts:AssumeRole on resource:"
        f" {role['Arn']} because no role trust policy allows the sts:AssumeRole action"
    )
    # session credentials cannot ask for a session token
    creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
    session = server.client(
        "sts",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    err = error(session.get_session_token)
    assert (err["code"], err["message"]) == (
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
    )
    # a wrong token, or none, is refused
    wrong = server.client(
        "sts",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"][:-4] + "AAAA",
    )
    assert error(wrong.get_caller_identity)["code"] == "InvalidClientTokenId"
