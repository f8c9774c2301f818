"""IAM's store on SQLite and PostgreSQL alike: entities, names without case, paging,
renames, delete conflicts, quotas, policy versions, keys and sessions as the
authenticator and authorizer see them."""

from __future__ import annotations

from urllib.parse import unquote

from fogbank.core.principal import PrincipalKind
from fogbank.services.iam import credentials
from fogbank.services.iam.directory import resolve
from fogbank.services.iam.jobs import SessionPurge
from fogbank.services.iam.models import SessionRecord
from fogbank.services.iam.store import sessions as session_store
from tests.contract.iam_support import (
    ACCOUNT,
    START,
    Iam,
    allow,
    doc,
    iam_fixture,  # noqa: F401 - fixture
    run,
    trust,
)

USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"


def _policy(iam: Iam, name: str = "p", *actions: str) -> str:
    out = iam.call(
        "CreatePolicy",
        PolicyName=name,
        PolicyDocument=doc(*(allow(a) for a in actions or ("s3:ListAllMyBuckets",))),
    )
    return str(out["Policy"]["Arn"])  # type: ignore[index]


def test_users_are_unique_without_regard_to_case(iam: Iam) -> None:
    created = iam.call("CreateUser", UserName="Alice", Path="/eng/")["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/eng/Alice"  # type: ignore[index]
    assert str(created["UserId"]).startswith("AIDA") and len(str(created["UserId"])) == 21  # type: ignore[index]
    err = iam.fails("EntityAlreadyExists", "CreateUser", UserName="ALICE")
    assert err.message == "User with name ALICE already exists."
    got = iam.call("GetUser", UserName="alice")["User"]
    assert got["UserName"] == "Alice"  # type: ignore[index]
    err = iam.fails("NoSuchEntity", "GetUser", UserName="bob")
    assert err.message == "The user with name bob cannot be found."


def test_listing_pages_and_path_prefixes(iam: Iam) -> None:
    for name, path in [("e", "/a/"), ("b", "/"), ("d", "/a/b/"), ("a", "/"), ("c", "/a/")]:
        iam.call("CreateUser", UserName=name, Path=path)
    seen: list[str] = []
    marker = None
    pages = 0
    while True:
        params = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = iam.call("ListUsers", **params)
        seen += [u["UserName"] for u in page["Users"]]  # type: ignore[attr-defined]
        pages += 1
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert seen == ["a", "b", "c", "d", "e"] and pages == 3
    under = iam.call("ListUsers", PathPrefix="/a/")["Users"]
    assert [u["UserName"] for u in under] == ["c", "d", "e"]  # type: ignore[attr-defined]
    iam.fails("ValidationError", "ListUsers", Marker="not-a-marker")


def test_validation_errors_use_the_model_wording(iam: Iam) -> None:
    err = iam.fails("ValidationError", "CreateUser", UserName="a b")
    assert err.message == (
        "1 validation error detected: Value 'a b' at 'userName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
    )
    err = iam.fails("ValidationError", "CreateUser", UserName="x" * 65)
    assert "Member must have length less than or equal to 64" in err.message
    iam.fails("ValidationError", "CreateUser", UserName="ok", Path="no-slash")


def test_rename_carries_keys_groups_and_policies(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    iam.call("CreateGroup", GroupName="devs")
    iam.call("AddUserToGroup", GroupName="devs", UserName="alice")
    key = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]
    iam.call(
        "PutUserPolicy", UserName="alice", PolicyName="inline", PolicyDocument=doc(allow("s3:*"))
    )
    iam.call("UpdateUser", UserName="alice", NewUserName="alicia", NewPath="/new/")
    iam.fails("NoSuchEntity", "GetUser", UserName="alice")
    assert iam.call("GetUser", UserName="alicia")["User"]["Path"] == "/new/"  # type: ignore[index]
    keys = iam.call("ListAccessKeys", UserName="alicia")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [key["AccessKeyId"]]  # type: ignore[attr-defined,index]
    groups = iam.call("ListGroupsForUser", UserName="alicia")["Groups"]
    assert [g["GroupName"] for g in groups] == ["devs"]  # type: ignore[attr-defined]
    assert iam.call("ListUserPolicies", UserName="alicia")["PolicyNames"] == ["inline"]


def test_delete_user_conflicts_in_aws_order(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    arn = _policy(iam)
    key = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]["AccessKeyId"]  # type: ignore[index]
    iam.call("PutUserPolicy", UserName="alice", PolicyName="i", PolicyDocument=doc(allow("s3:*")))
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    iam.call("CreateGroup", GroupName="g")
    iam.call("AddUserToGroup", GroupName="g", UserName="alice")
    steps = [
        (
            "Cannot delete entity, must delete access keys first.",
            "DeleteAccessKey",
            {"UserName": "alice", "AccessKeyId": key},
        ),
        (
            "Cannot delete entity, must delete policies first.",
            "DeleteUserPolicy",
            {"UserName": "alice", "PolicyName": "i"},
        ),
        (
            "Cannot delete entity, must detach all policies first.",
            "DetachUserPolicy",
            {"UserName": "alice", "PolicyArn": arn},
        ),
        (
            "Cannot delete entity, must remove users from group first.",
            "RemoveUserFromGroup",
            {"UserName": "alice", "GroupName": "g"},
        ),
    ]
    for message, fix, params in steps:
        err = iam.fails("DeleteConflict", "DeleteUser", UserName="alice")
        assert err.message == message and err.status == 409
        iam.call(fix, **params)
    iam.call("DeleteUser", UserName="alice")
    iam.fails("NoSuchEntity", "GetUser", UserName="alice")


def test_group_membership_and_delete_conflict(iam: Iam) -> None:
    iam.call("CreateGroup", GroupName="admins", Path="/ops/")
    iam.call("CreateUser", UserName="u1")
    iam.call("AddUserToGroup", GroupName="ADMINS", UserName="u1")
    group = iam.call("GetGroup", GroupName="admins")
    assert [u["UserName"] for u in group["Users"]] == ["u1"]  # type: ignore[attr-defined]
    assert group["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/ops/admins"  # type: ignore[index]
    iam.fails("DeleteConflict", "DeleteGroup", GroupName="admins")
    iam.call("RemoveUserFromGroup", GroupName="admins", UserName="u1")
    iam.fails("NoSuchEntity", "RemoveUserFromGroup", GroupName="admins", UserName="u1")
    iam.call("DeleteGroup", GroupName="admins")


def test_roles_trust_policies_are_validated(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    role = iam.call("CreateRole", RoleName="r", AssumeRolePolicyDocument=trust(USER_ARN))["Role"]
    assert str(role["RoleId"]).startswith("AROA")  # type: ignore[index]
    assert unquote(str(role["AssumeRolePolicyDocument"])) == trust(USER_ARN)  # type: ignore[index]
    err = iam.fails(
        "MalformedPolicyDocument",
        "CreateRole",
        RoleName="r2",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:user/ghost"),
    )
    assert err.message == f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT}:user/ghost"'
    err = iam.fails(
        "MalformedPolicyDocument",
        "CreateRole",
        RoleName="r3",
        AssumeRolePolicyDocument=doc(allow("sts:AssumeRole")),
    )
    iam.fails(
        "ValidationError",
        "CreateRole",
        RoleName="r4",
        AssumeRolePolicyDocument=trust(USER_ARN),
        MaxSessionDuration=100,
    )
    iam.call("UpdateRole", RoleName="r", MaxSessionDuration=7200, Description="reads")
    got = iam.call("GetRole", RoleName="r")["Role"]
    assert (got["MaxSessionDuration"], got["Description"]) == (7200, "reads")  # type: ignore[index]


def test_role_in_instance_profile_cannot_be_deleted(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    iam.call("CreateRole", RoleName="app", AssumeRolePolicyDocument=trust(USER_ARN))
    iam.call("CreateInstanceProfile", InstanceProfileName="web")
    iam.call("AddRoleToInstanceProfile", InstanceProfileName="web", RoleName="app")
    err = iam.fails(
        "LimitExceeded", "AddRoleToInstanceProfile", InstanceProfileName="web", RoleName="app"
    )
    assert err.message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    profile = iam.call("GetInstanceProfile", InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["app"]  # type: ignore[index]
    err = iam.fails("DeleteConflict", "DeleteRole", RoleName="app")
    assert err.message == "Cannot delete entity, must remove roles from instance profile first."
    iam.fails("DeleteConflict", "DeleteInstanceProfile", InstanceProfileName="web")
    iam.call("RemoveRoleFromInstanceProfile", InstanceProfileName="web", RoleName="app")
    iam.call("DeleteInstanceProfile", InstanceProfileName="web")
    iam.call("DeleteRole", RoleName="app")


def test_policy_versions(iam: Iam) -> None:
    arn = _policy(iam, "p", "s3:GetObject")
    for n in range(2, 6):
        out = iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=doc(allow(f"s3:Op{n}")))
        assert out["PolicyVersion"]["VersionId"] == f"v{n}"  # type: ignore[index]
    err = iam.fails(
        "LimitExceeded", "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=doc(allow("s3:X"))
    )
    assert err.message.startswith("A managed policy can have up to 5 versions.")
    err = iam.fails("DeleteConflict", "DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    assert err.message == "Cannot delete the default version of a policy."
    iam.call("SetDefaultPolicyVersion", PolicyArn=arn, VersionId="v3")
    iam.call("DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    versions = iam.call("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [  # type: ignore[attr-defined]
        ("v5", False),
        ("v4", False),
        ("v3", True),
        ("v2", False),
    ]
    # numbers are never reused
    out = iam.call("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=doc(allow("s3:Y")))
    assert out["PolicyVersion"]["VersionId"] == "v6"  # type: ignore[index]
    err = iam.fails("DeleteConflict", "DeletePolicy", PolicyArn=arn)
    assert err.message.startswith("This policy has more than one version.")
    got = iam.call("GetPolicyVersion", PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    assert unquote(str(got["Document"])) == doc(allow("s3:Op3"))  # type: ignore[index]


def test_managed_policy_documents_are_checked(iam: Iam) -> None:
    err = iam.fails(
        "MalformedPolicyDocument",
        "CreatePolicy",
        PolicyName="legacy",
        PolicyDocument='{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}',
    )
    assert err.message == "Policy document must be version 2012-10-17 or greater."
    err = iam.fails(
        "MalformedPolicyDocument",
        "CreatePolicy",
        PolicyName="x",
        PolicyDocument=doc({"Effect": "Allow", "Resource": "*"}),
    )
    assert err.message == "Policy statement must contain actions."
    big = doc(*(allow(f"s3:Action{n:04d}", f"arn:aws:s3:::bucket-{n:04d}/*") for n in range(120)))
    err = iam.fails("LimitExceeded", "CreatePolicy", PolicyName="big", PolicyDocument=big)
    assert err.message == "Cannot exceed quota for PolicySize: 6144"
    _policy(iam, "dup")
    err = iam.fails(
        "EntityAlreadyExists", "CreatePolicy", PolicyName="DUP", PolicyDocument=doc(allow("s3:*"))
    )
    assert err.message == "A policy called DUP already exists. Duplicate names are not allowed."


def test_attachments_counts_and_quotas(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    arn = _policy(iam)
    iam.call("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    iam.call(
        "AttachUserPolicy", UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    assert iam.call("GetPolicy", PolicyArn=arn)["Policy"]["AttachmentCount"] == 1  # type: ignore[index]
    aws = iam.call("GetPolicy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]
    assert (aws["AttachmentCount"], aws["PolicyId"]) == (1, "ANPAILL3HVNFSB6DCOWYQ")  # type: ignore[index]
    err = iam.fails("DeleteConflict", "DeletePolicy", PolicyArn=arn)
    assert err.message == "Cannot delete a policy attached to entities."
    err = iam.fails("NoSuchEntity", "AttachUserPolicy", UserName="alice", PolicyArn=arn + "x")
    assert err.message == f"Policy {arn}x does not exist or is not attachable."
    for n in range(8):
        iam.call("AttachUserPolicy", UserName="alice", PolicyArn=_policy(iam, f"q{n}"))
    err = iam.fails(
        "LimitExceeded", "AttachUserPolicy", UserName="alice", PolicyArn=_policy(iam, "last")
    )
    assert err.message == "Cannot exceed quota for PoliciesPerUser: 10"
    attached = iam.call("ListAttachedUserPolicies", UserName="alice", MaxItems=3)
    assert attached["IsTruncated"] is True and len(attached["AttachedPolicies"]) == 3  # type: ignore[arg-type]


def test_inline_size_is_counted_without_white_space(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    one = doc(*(allow(f"s3:Get{n:03d}") for n in range(30)))
    iam.call("PutUserPolicy", UserName="alice", PolicyName="a", PolicyDocument=one)
    err = iam.fails(
        "LimitExceeded", "PutUserPolicy", UserName="alice", PolicyName="b", PolicyDocument=one
    )
    assert err.message == "Maximum policy size of 2048 bytes exceeded for user alice"
    # replacing a policy counts only the new text
    iam.call("PutUserPolicy", UserName="alice", PolicyName="a", PolicyDocument=one)
    got = iam.call("GetUserPolicy", UserName="alice", PolicyName="A")
    assert unquote(str(got["PolicyDocument"])) == one
    err = iam.fails("NoSuchEntity", "GetUserPolicy", UserName="alice", PolicyName="zzz")
    assert err.message == "The user policy with name zzz cannot be found."


def test_aws_managed_policies_are_read_only(iam: Iam) -> None:
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    version = iam.call("GetPolicyVersion", PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert '"Action": "*"' in unquote(str(version["Document"]))  # type: ignore[index]
    iam.fails("AccessDenied", "DeletePolicy", PolicyArn=arn)
    iam.fails(
        "AccessDenied", "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=doc(allow("s3:*"))
    )
    names = {
        p["PolicyName"] for p in iam.call("ListPolicies", Scope="AWS", MaxItems=1000)["Policies"]
    }  # type: ignore[attr-defined]
    assert {
        "AdministratorAccess",
        "ReadOnlyAccess",
        "AmazonS3FullAccess",
        "IAMFullAccess",
        "AWSCloudTrail_ReadOnlyAccess",
        "AWSKeyManagementServicePowerUser",
    } <= names


def test_access_keys_and_what_the_authenticator_sees(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
    first = iam.call("CreateAccessKey", UserName="alice")["AccessKey"]
    iam.call("CreateAccessKey", UserName="alice")
    err = iam.fails("LimitExceeded", "CreateAccessKey", UserName="alice")
    assert err.message == "Cannot exceed quota for AccessKeysPerUser: 2"
    key_id = str(first["AccessKeyId"])  # type: ignore[index]
    assert key_id.startswith("AKIA") and len(key_id) == 20
    cred = iam.db.read_sync(lambda conn: credentials.load(conn, key_id))
    assert cred is not None and cred.active
    assert cred.secret_access_key == first["SecretAccessKey"]  # type: ignore[index]
    assert cred.principal.kind is PrincipalKind.IAM_USER
    assert (cred.principal.arn, cred.principal.tags) == (USER_ARN, (("team", "blue"),))
    iam.call("UpdateAccessKey", UserName="alice", AccessKeyId=key_id, Status="Inactive")
    cred = iam.db.read_sync(lambda conn: credentials.load(conn, key_id))
    assert cred is not None and not cred.active
    iam.call("DeleteAccessKey", UserName="alice", AccessKeyId=key_id)
    assert iam.db.read_sync(lambda conn: credentials.load(conn, key_id)) is None
    err = iam.fails("NoSuchEntity", "DeleteAccessKey", UserName="alice", AccessKeyId=key_id)
    assert err.message == f"The Access Key with id {key_id} cannot be found."


def test_last_use_is_written_in_batches(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    key_id = str(iam.call("CreateAccessKey", UserName="alice")["AccessKey"]["AccessKeyId"])  # type: ignore[index]
    cred = iam.db.read_sync(lambda conn: credentials.load(conn, key_id))
    assert cred is not None
    never = iam.call("GetAccessKeyLastUsed", AccessKeyId=key_id)
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    for n in range(3):
        iam.usage.note(cred.principal, "s3", "eu-west-1", START + n)
    used = iam.call("GetAccessKeyLastUsed", AccessKeyId=key_id)
    last = used["AccessKeyLastUsed"]
    assert (last["ServiceName"], last["Region"]) == ("s3", "eu-west-1")  # type: ignore[index]
    assert last["LastUsedDate"].timestamp() == START + 2  # type: ignore[index]
    assert used["UserName"] == "alice"


def _session(iam: Iam, role_name: str, role_id: str, expires: float) -> SessionRecord:
    return SessionRecord(
        access_key_id="ASIATESTSESSION00001",
        secret_access_key="secret",
        token_sha256="ab" * 32,
        account_id=ACCOUNT,
        kind="AssumedRole",
        issuer_name=role_name,
        issuer_arn=f"arn:aws:iam::{ACCOUNT}:role/{role_name}",
        issuer_id=role_id,
        created_at=START,
        expires_at=expires,
        session_name="s1",
        policy=doc(allow("s3:GetObject")),
        tags=(("project", "x"),),
    )


def test_sessions_and_their_policies(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    role = iam.call(
        "CreateRole",
        RoleName="Reader",
        AssumeRolePolicyDocument=trust(USER_ARN),
        Tags=[{"Key": "dept", "Value": "x"}],
    )["Role"]
    iam.call(
        "AttachRolePolicy",
        RoleName="reader",
        PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )
    record = _session(iam, "Reader", str(role["RoleId"]), START + 3600)  # type: ignore[index]
    iam.db.write_sync(lambda conn: session_store.insert(conn, record))
    cred = iam.db.read_sync(lambda conn: credentials.load(conn, record.access_key_id))
    assert cred is not None and cred.expires_at == START + 3600
    assert cred.session_token_sha256 == "ab" * 32 and cred.session_token is None
    principal = cred.principal
    assert principal.kind is PrincipalKind.ASSUMED_ROLE
    assert principal.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/s1"
    assert principal.principal_id == f"{role['RoleId']}:s1"  # type: ignore[index]
    assert principal.tags == (("dept", "x"),)
    found = iam.db.read_sync(lambda conn: resolve(iam.engine, conn, principal))
    assert [p.source_id for p in found.identity] == ["AmazonS3ReadOnlyAccess"]
    assert [p.source_type for p in found.session] == ["session"]
    # a role deleted and created again under the same name is another role
    iam.call(
        "DetachRolePolicy",
        RoleName="reader",
        PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )
    iam.call("DeleteRole", RoleName="reader")
    iam.call("CreateRole", RoleName="Reader", AssumeRolePolicyDocument=trust(USER_ARN))
    found = iam.db.read_sync(lambda conn: resolve(iam.engine, conn, principal))
    assert not found.exists and not found.identity
    # expired sessions are forgotten a day later
    run(SessionPurge(iam.engine).run_due(START + 3600 + 86399))
    assert iam.db.read_sync(lambda conn: session_store.get(conn, record.access_key_id))
    run(SessionPurge(iam.engine).run_due(START + 3600 + 86401))
    assert iam.db.read_sync(lambda conn: session_store.get(conn, record.access_key_id)) is None


def test_a_users_policies_include_its_groups_and_boundary(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    iam.call("CreateGroup", GroupName="g")
    iam.call("AddUserToGroup", GroupName="g", UserName="alice")
    iam.call("PutGroupPolicy", GroupName="g", PolicyName="gi", PolicyDocument=doc(allow("ec2:*")))
    iam.call("AttachGroupPolicy", GroupName="g", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    boundary = _policy(iam, "bound", "s3:*")
    iam.call("PutUserPermissionsBoundary", UserName="alice", PermissionsBoundary=boundary)
    err = iam.fails("DeleteConflict", "DeletePolicy", PolicyArn=boundary)
    assert err.message == "Cannot delete a policy attached to entities."
    cred_user = iam.call("GetUser", UserName="alice")["User"]
    assert cred_user["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary  # type: ignore[index]
    from fogbank.services.iam.principals import user_principal
    from fogbank.services.iam.store import entities

    user = iam.db.read_sync(lambda conn: entities.get_user(conn, ACCOUNT, "alice"))
    assert user is not None
    found = iam.db.read_sync(lambda conn: resolve(iam.engine, conn, user_principal(user)))
    assert [(p.source_id, p.source_type) for p in found.identity] == [
        ("gi", "group"),
        ("IAMFullAccess", "aws-managed"),
    ]
    assert found.boundary is not None and found.boundary.source_id == "bound"


def test_account_authorization_details(iam: Iam) -> None:
    iam.call("CreateUser", UserName="alice")
    iam.call(
        "AttachUserPolicy",
        UserName="alice",
        PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
    )
    iam.call("CreateRole", RoleName="r", AssumeRolePolicyDocument=trust(USER_ARN))
    _policy(iam, "mine")
    details = iam.call("GetAccountAuthorizationDetails")
    (user,) = details["UserDetailList"]  # type: ignore[misc]
    assert user["AttachedManagedPolicies"] == [
        {
            "PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
        }
    ]
    assert [r["RoleName"] for r in details["RoleDetailList"]] == ["r"]  # type: ignore[attr-defined]
    names = sorted(p["PolicyName"] for p in details["Policies"])  # type: ignore[attr-defined]
    assert names == ["AdministratorAccess", "mine"]  # AWS managed ones only when in use
    only_roles = iam.call("GetAccountAuthorizationDetails", Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and len(only_roles["RoleDetailList"]) == 1  # type: ignore[arg-type]
