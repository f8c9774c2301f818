"""Permission tables: every entry is checked against botocore's service model, and the
template language does what the module says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from botocore.loaders import Loader

from fogbank.authz.permissions import (
    FILTERS,
    PermissionTable,
    Scope,
    request_tag_context,
    template_members,
)
from fogbank.protocol.catalog import BY_NAME

TABLES = sorted(p.stem for p in Path("src/fogbank/authz/permissions").glob("*.json"))
SCOPE = Scope("111122223333", "eu-west-1")
# Values a service fills in besides the request's members (IAM: stored paths).
SERVICE_VALUES = {"iam": {"UserName", "UserPath", "GroupPath", "RolePath", "ProfilePath"}}


def _model(service: str) -> dict[str, object]:
    name = BY_NAME[service].name if service in BY_NAME else service
    return Loader().load_service_model(name, "service-2")  # type: ignore[no-any-return]


def _input_members(model: dict[str, object], operation: str) -> set[str]:
    op = model["operations"][operation]  # type: ignore[index]
    shape = op.get("input", {}).get("shape")
    if shape is None:
        return set()
    return set(model["shapes"][shape].get("members", {}))  # type: ignore[index]


def test_every_service_has_a_table() -> None:
    assert set(TABLES) >= {"iam", "sts", "s3", "kms", "rds", "ec2", "efs", "cloudtrail"}


@pytest.mark.parametrize("service", TABLES)
def test_table_agrees_with_the_model(service: str) -> None:
    table = PermissionTable.load(service)
    model = _model(service)
    operations = set(model["operations"])  # type: ignore[arg-type]
    allowed_extra = SERVICE_VALUES.get(service, set())
    for name, entries in table.operations.items():
        assert name in operations, f"{service}: no operation {name} in the model"
        members = _input_members(model, name)
        for entry in entries:
            assert (":" in entry.action and entry.action.split(":")[0] == table.prefix) or (
                service == "s3" and entry.action.startswith("s3express:")
            ), entry.action
            used = template_members(entry.resource)
            for template in entry.context.values():
                used |= template_members(template)
            unknown = used - members - allowed_extra
            assert not unknown, f"{service}.{name}: {unknown} are not input members"
            assert set(entry.action_if) <= members
            assert set(entry.when) <= members
    for member, template in table.by_member:
        assert member in template_members(template), (member, template)


@pytest.mark.parametrize("service", TABLES)
def test_filters_are_known(service: str) -> None:
    raw = json.loads(Path(f"src/fogbank/authz/permissions/{service}.json").read_text())
    text = json.dumps(raw)
    for match in re.finditer(r"\{[A-Za-z0-9_]+:([a-z]+)", text):
        assert match.group(1) in FILTERS


def test_s3_object_and_bucket_requirements() -> None:
    s3 = PermissionTable.load("s3")
    (get,) = s3.requirements("GetObject", {"Bucket": "b", "Key": "a/b.txt"}, SCOPE)
    assert (get.action, get.resource) == ("s3:GetObject", "arn:aws:s3:::b/a/b.txt")
    (version,) = s3.requirements("GetObject", {"Bucket": "b", "Key": "k", "VersionId": "v"}, SCOPE)
    assert version.action == "s3:GetObjectVersion"
    (listing,) = s3.requirements("ListBuckets", {}, SCOPE)
    assert (listing.action, listing.resource) == ("s3:ListAllMyBuckets", "*")
    (lst,) = s3.requirements("ListObjectsV2", {"Bucket": "b", "Prefix": "p/"}, SCOPE)
    assert (lst.action, lst.resource) == ("s3:ListBucket", "arn:aws:s3:::b")
    assert lst.context["s3:prefix"] == "p/"
    assert "s3:delimiter" not in lst.context  # absent members give no key
    source, target = s3.requirements(
        "CopyObject",
        {"Bucket": "dst", "Key": "new", "CopySource": "/src/dir/a%20b.txt?versionId=3"},
        SCOPE,
    )
    assert (source.action, source.resource) == ("s3:GetObject", "arn:aws:s3:::src/dir/a b.txt")
    assert (target.action, target.resource) == ("s3:PutObject", "arn:aws:s3:::dst/new")


def test_unlisted_operations_default_from_members() -> None:
    s3 = PermissionTable.load("s3")
    (policy,) = s3.requirements("GetBucketPolicy", {"Bucket": "b"}, SCOPE)
    assert (policy.action, policy.resource) == ("s3:GetBucketPolicy", "arn:aws:s3:::b")
    rds = PermissionTable.load("rds")
    (req,) = rds.requirements("DescribeDBInstances", {"DBInstanceIdentifier": "db1"}, SCOPE)
    assert (req.action, req.resource) == (
        "rds:DescribeDBInstances",
        "arn:aws:rds:eu-west-1:111122223333:db:db1",
    )
    (anything,) = rds.requirements("DescribeDBInstances", {}, SCOPE)
    assert anything.resource == "*"
    (efs,) = PermissionTable.load("efs").requirements(
        "DescribeFileSystems", {"FileSystemId": "fs-1"}, SCOPE
    )
    assert efs.action == "elasticfilesystem:DescribeFileSystems"
    assert efs.resource == "arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-1"


def test_arn_filter_takes_a_whole_arn() -> None:
    kms = PermissionTable.load("kms")
    arn = "arn:aws:kms:us-east-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    (by_arn,) = kms.requirements("Decrypt", {"KeyId": arn}, SCOPE)
    assert by_arn.resource == arn
    (by_id,) = kms.requirements("Decrypt", {"KeyId": "k-1"}, SCOPE)
    assert by_id.resource == "arn:aws:kms:eu-west-1:111122223333:key/k-1"


def test_iam_templates_use_service_values_and_defaults() -> None:
    iam = PermissionTable.load("iam")
    (create,) = iam.requirements("CreateUser", {"UserName": "bob", "Path": "/eng/"}, SCOPE)
    assert create.resource == "arn:aws:iam::111122223333:user/eng/bob"
    (get,) = iam.requirements("GetUser", {"UserName": "bob"}, SCOPE, {"UserPath": "/x/"})
    assert get.resource == "arn:aws:iam::111122223333:user/x/bob"
    (users,) = iam.requirements("ListUsers", {}, SCOPE)
    assert users.resource == "arn:aws:iam::111122223333:user/"
    (attach,) = iam.requirements(
        "AttachUserPolicy",
        {"UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        SCOPE,
        {"UserPath": "/"},
    )
    assert attach.context["iam:policyarn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    profile, pass_role = iam.requirements(
        "AddRoleToInstanceProfile",
        {"InstanceProfileName": "web", "RoleName": "app"},
        SCOPE,
        {"ProfilePath": "/", "RolePath": "/svc/"},
    )
    assert profile.resource.endswith(":instance-profile/web")
    assert (pass_role.action, pass_role.resource) == (
        "iam:PassRole",
        "arn:aws:iam::111122223333:role/svc/app",
    )


def test_sts_entries_apply_only_when_their_members_are_given() -> None:
    sts = PermissionTable.load("sts")
    role = "arn:aws:iam::111122223333:role/r"
    plain = sts.requirements("AssumeRole", {"RoleArn": role, "RoleSessionName": "s"}, SCOPE)
    assert [r.action for r in plain] == ["sts:AssumeRole"]
    assert plain[0].context["sts:rolesessionname"] == "s"
    tagged = sts.requirements(
        "AssumeRole",
        {
            "RoleArn": role,
            "RoleSessionName": "s",
            "Tags": [{"Key": "team", "Value": "blue"}],
            "SourceIdentity": "me",
        },
        SCOPE,
    )
    assert [r.action for r in tagged] == [
        "sts:AssumeRole",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    ]
    assert tagged[1].context["aws:requesttag/team"] == "blue"


def test_request_tags_become_condition_keys() -> None:
    context = request_tag_context(
        {"Tags": [{"Key": "Env", "Value": "prod"}, {"Key": "team", "Value": ""}]}
    )
    assert context == {
        "aws:requesttag/env": "prod",
        "aws:requesttag/team": "",
        "aws:tagkeys": ("Env", "team"),
    }
    assert request_tag_context({"TagKeys": ["a"]}) == {"aws:tagkeys": ("a",)}


def test_a_service_without_a_file_gets_defaults() -> None:
    table = PermissionTable.load("s3control")
    (req,) = table.requirements("ListJobs", {}, SCOPE)
    assert (req.action, req.resource) == ("s3:ListJobs", "*")
