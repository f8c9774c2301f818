"""Pure parts of the EFS control plane: mount authorization by file system policy,
mount-target addresses, the mount client's choice of mount target, ids, validation."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import AwsError
from fogbank.core.principal import root_principal
from fogbank.mount.resolve import choose
from fogbank.services.efs import access, ids, validate
from fogbank.services.efs.rpc.auth import (
    ALL_CLIENT_ACTIONS,
    CLIENT_MOUNT,
    CLIENT_ROOT_ACCESS,
    CLIENT_WRITE,
    AccessPoint,
    MountRequest,
)
from fogbank.services.efs.serving.addresses import AddressPool

ACCOUNT = "111122223333"
ARN = f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/fs-0123456789abcdef0"


def _allowed(policy: dict[str, object] | None, request: MountRequest) -> frozenset[str]:
    text = access.DEFAULT_POLICY if policy is None else json.dumps(policy)
    return access.client_actions(
        request, ARN, ACCOUNT, access.check_policy(text, ARN), access.IdentitySide()
    )


def _statement(effect: str, actions: list[str], **extra: object) -> dict[str, object]:
    return {"Effect": effect, "Principal": {"AWS": "*"}, "Action": actions, **extra}


ANON = MountRequest("fs-0123456789abcdef0", None, None)
ROOT = MountRequest("fs-0123456789abcdef0", root_principal(ACCOUNT), None)
OTHER_ROOT = MountRequest("fs-0123456789abcdef0", root_principal("444455556666"), None)


def test_default_policy_allows_everyone_through_a_mount_target() -> None:
    assert _allowed(None, ANON) == ALL_CLIENT_ACTIONS
    assert _allowed(None, ROOT) == ALL_CLIENT_ACTIONS
    direct = MountRequest("fs-0123456789abcdef0", None, None, via_mount_target=False)
    assert _allowed(None, direct) == frozenset()


def test_a_policy_replaces_the_default_for_anonymous_clients() -> None:
    deny_write = {"Statement": [_statement("Deny", [CLIENT_WRITE])]}
    assert _allowed(deny_write, ANON) == frozenset()  # nothing allows anonymous clients
    # The root user of the file system's account may do what no policy denies.
    assert _allowed(deny_write, ROOT) == {CLIENT_MOUNT, CLIENT_ROOT_ACCESS}
    # Another account needs the policy's allow (and its own identity policies).
    assert _allowed(deny_write, OTHER_ROOT) == frozenset()
    read_only = {"Statement": [_statement("Allow", [CLIENT_MOUNT])]}
    assert _allowed(read_only, ANON) == {CLIENT_MOUNT}


def test_condition_keys_of_mounts() -> None:
    tls_only = {
        "Statement": [
            _statement("Allow", [CLIENT_MOUNT, CLIENT_WRITE]),
            _statement("Deny", ["*"], Condition={"Bool": {"aws:SecureTransport": "false"}}),
        ]
    }
    assert _allowed(tls_only, ANON) == frozenset()  # the data plane has no TLS
    ap_arn = f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:access-point/fsap-0123456789abcdef0"
    via_ap = {
        "Statement": [
            _statement(
                "Allow",
                [CLIENT_MOUNT],
                Condition={"StringEquals": {"elasticfilesystem:AccessPointArn": ap_arn}},
            )
        ]
    }
    point = AccessPoint("fsap-0123456789abcdef0", "fs-0123456789abcdef0", arn=ap_arn)
    assert _allowed(via_ap, MountRequest("fs-0123456789abcdef0", None, point)) == {CLIENT_MOUNT}
    assert _allowed(via_ap, ANON) == frozenset()
    by_ip = {
        "Statement": [
            _statement(
                "Allow", [CLIENT_MOUNT], Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
            )
        ]
    }
    inside = MountRequest("fs-0123456789abcdef0", None, None, source_ip="10.1.2.3")
    assert _allowed(by_ip, inside) == {CLIENT_MOUNT}
    outside = MountRequest("fs-0123456789abcdef0", None, None, source_ip="127.0.0.1")
    assert _allowed(by_ip, outside) == frozenset()


def test_policies_may_leave_resource_out() -> None:
    policy = access.check_policy(json.dumps({"Statement": [_statement("Allow", ["*"])]}), ARN)
    assert policy.statements[0].matches_action("elasticfilesystem:clientmount", "elasticfilesystem")
    with pytest.raises(access.PolicyError):
        access.check_policy(json.dumps({"Statement": [{"Effect": "Allow", "Action": "*"}]}), ARN)


def test_address_pool() -> None:
    pool = AddressPool.parse("127.0.9.1-127.0.9.5")
    assert list(pool.candidates()) == [f"127.0.9.{i}" for i in range(1, 6)]
    assert list(pool.candidates(3)) == [
        "127.0.9.4",
        "127.0.9.5",
        "127.0.9.1",
        "127.0.9.2",
        "127.0.9.3",
    ]
    free = pool.allocate({"127.0.9.2"}, 2049, probe=lambda a, p: a != "127.0.9.3", start=1)
    assert free == "127.0.9.4"  # .2 is a mount target's, someone else listens on .3
    assert pool.allocate(set(), 2049, probe=lambda a, p: False) is None
    assert pool.contains("127.0.9.5") and not pool.contains("127.0.9.6")
    spread = {pool.allocate(set(), 2049, probe=lambda a, p: True) for _ in range(200)}
    assert len(spread) > 1  # not always the first
    for bad in ("10.0.0.1-10.0.0.9", "127.0.0.9-127.0.0.1", "nonsense"):
        with pytest.raises(ValueError):
            AddressPool.parse(bad)


def test_the_client_picks_an_available_mount_target() -> None:
    def target(name: str, zone: str, state: str) -> dict[str, str]:
        return {
            "MountTargetId": f"fsmt-{name}",
            "AvailabilityZoneName": f"us-east-1{zone}",
            "LifeCycleState": state,
        }

    targets = [
        target("b", "b", "available"),
        target("a", "a", "creating"),
        target("c", "c", "available"),
    ]
    assert (choose(targets) or {}).get("MountTargetId") == "fsmt-b"
    assert (choose(targets, "us-east-1c") or {}).get("MountTargetId") == "fsmt-c"
    assert choose(targets, "us-east-1a") is None
    assert choose([]) is None


def test_ids_and_validation_messages() -> None:
    assert ids.file_system_id("fs-0123456789abcdef0") == "fs-0123456789abcdef0"
    assert ids.file_system_id(ARN) == "fs-0123456789abcdef0"
    assert ids.file_system_id("fs-XYZ") is None
    assert ids.access_point_id("fsap-0123456789abcdef0") == "fsap-0123456789abcdef0"
    assert ids.resource_kind(ARN) == ("file-system", "fs-0123456789abcdef0")
    assert ids.mount_target_id("fsmt-012345") is None
    assert len(ids.new("fs")) == 20
    v = validate.Violations()
    validate.root_path(v, "//x")
    validate.root_path(v, "/a/b/c/d")
    validate.permissions(v, "0755", "p")
    assert len(v.items) == 1
    with pytest.raises(AwsError) as exc:
        v.raise_if_any()
    assert exc.value.code == "ValidationException"
    assert exc.value.message.startswith(
        "1 validation error detected: Value '//x' at 'rootDirectory.path' failed to satisfy"
        " constraint: Member must satisfy regular expression pattern: "
    )
    v.range(-1, "posixUser.uid", 0, validate.MAX_ID)
    with pytest.raises(AwsError) as exc:
        v.raise_if_any()
    assert exc.value.message.startswith("2 validation errors detected: ")
