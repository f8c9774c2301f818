"""File system policies: validated when put, evaluated for every mount.

A mount asks for ``elasticfilesystem:ClientMount``, ``ClientWrite`` and
``ClientRootAccess`` on the file system's ARN. With no policy of its own a file system
has EFS's default policy: those three actions for every principal (``"AWS": "*"``, so
anonymous clients too) when the client comes through a mount target. A policy replaces
it: a client mounting without ``--iam`` is then the anonymous principal, which only a
statement naming ``*`` allows; one mounting with ``--iam`` is the caller of its
credentials, decided as IAM decides (explicit deny wins; the root user of the file
system's account may do what no policy denies; others need an allow from the file
system policy or, when wired in, their identity-based policies).

Condition keys: ``aws:SecureTransport`` (false: the data plane has no TLS),
``aws:SourceIp``, ``elasticfilesystem:AccessedViaMountTarget`` (true),
``elasticfilesystem:AccessPointArn`` (mounts through an access point).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from fogbank.authz.policy import (
    AuthzRequest,
    ContextValue,
    Policy,
    PolicyError,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    evaluate,
    parse_policy,
)
from fogbank.core.principal import Principal
from fogbank.services.efs.rpc.auth import (
    ALL_CLIENT_ACTIONS,
    CLIENT_MOUNT,
    CLIENT_ROOT_ACCESS,
    CLIENT_WRITE,
    MountRequest,
)

MAX_POLICY_CHARS = 20_000

DEFAULT_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Id": "efs-default-policy",
        "Statement": [
            {
                "Sid": "efs-default-statement",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [CLIENT_ROOT_ACCESS, CLIENT_WRITE, CLIENT_MOUNT],
                "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
            }
        ],
    }
)


@dataclass(frozen=True)
class IdentitySide:
    """A caller's identity-based policies (from IAM, once it is wired in)."""

    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()


IdentityLookup = Callable[[Principal], Awaitable[IdentitySide]]


async def no_identities(principal: Principal) -> IdentitySide:
    return IdentitySide()


def scoped(text: str, fs_arn: str) -> str:
    """The policy with ``Resource`` = the file system in statements that name none.

    File system policies may leave ``Resource`` out (EFS's default policy and the
    console's policy options do): a statement then applies to its file system."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return text
    if not isinstance(doc, dict):
        return text
    statements = doc.get("Statement")
    items = [statements] if isinstance(statements, dict) else statements
    if not isinstance(items, list):
        return text
    for item in items:
        if isinstance(item, dict) and "Resource" not in item and "NotResource" not in item:
            item["Resource"] = fs_arn
    return json.dumps(doc)


def check_policy(text: str, fs_arn: str) -> Policy:
    """Parse a file system policy as PutFileSystemPolicy does; PolicyError if it is bad."""
    try:
        return parse_policy(scoped(text, fs_arn), PolicyKind.RESOURCE)
    except PolicyError:
        parse_policy(text, PolicyKind.RESOURCE)  # the error of the text as written
        raise


class PolicyCache:
    """Parsed file system policies by text and file system (each parsed once)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], Policy] = OrderedDict()

    def get(self, text: str, fs_arn: str) -> Policy:
        key = (text, fs_arn)
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
            return hit
        policy = check_policy(text, fs_arn)
        self._items[key] = policy
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return policy


def client_actions(
    request: MountRequest,
    fs_arn: str,
    owner_account: str,
    policy: Policy,
    identity: IdentitySide,
    extra: Sequence[tuple[str, ContextValue]] = (),
) -> frozenset[str]:
    """Which client actions ``request`` is allowed under ``policy`` (pure)."""
    if request.principal is None:
        caller = PrincipalInfo.anonymous()
    else:
        caller = PrincipalInfo.from_principal(request.principal)
    context: dict[str, ContextValue] = {
        "aws:securetransport": request.secure_transport,
        "elasticfilesystem:accessedviamounttarget": request.via_mount_target,
    }
    if request.source_ip:
        context["aws:sourceip"] = request.source_ip
    if request.access_point is not None and request.access_point.arn:
        context["elasticfilesystem:accesspointarn"] = request.access_point.arn
    context.update(extra)
    policies = PolicySet(
        identity=identity.identity,
        resource=policy,
        boundary=identity.boundary,
        session=identity.session,
    )
    allowed = set()
    for action in sorted(ALL_CLIENT_ACTIONS):
        decision = evaluate(
            AuthzRequest(action, fs_arn, caller, context, resource_account=owner_account),
            policies,
        )
        if decision.allowed:
            allowed.add(action)
    return frozenset(allowed)


__all__ = [
    "DEFAULT_POLICY",
    "MAX_POLICY_CHARS",
    "IdentityLookup",
    "IdentitySide",
    "PolicyCache",
    "PolicyError",
    "check_policy",
    "client_actions",
    "no_identities",
]
