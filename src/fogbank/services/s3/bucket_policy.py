"""Bucket policies as S3 checks them on write, and what makes one public.

Validation (``PutBucketPolicy``): the policy language itself (``authz.policy``, worded as
S3 words it: ``MalformedPolicy`` "Missing required field Principal", "Invalid principal in
policy" ...), then S3's own rules: every action is an S3 action ("Policy has invalid
action"), every resource is this bucket or its objects ("Policy has invalid resource"),
every statement has an action that applies to one of its resources ("Action does not apply
to any resource(s) in statement"), S3 condition keys exist ("Policy has an invalid
condition key"), at most 20 KB.

Public (S3 user guide, "The meaning of 'public'"): a policy is public when an ``Allow``
statement names a wildcard principal (``*``, ``{"AWS": "*"}``, or any ``NotPrincipal``)
unless one of its conditions fixes one of the limiting keys (aws:SourceIp to a range
other than everything, aws:SourceArn, aws:SourceVpc(e), aws:SourceOwner, aws:SourceAccount,
aws:PrincipalAccount/Arn/OrgID, aws:userid, s3:DataAccessPoint*) to values without
wildcards.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping

from fogbank.authz.policy import PolicyError, PolicyKind, parse_policy
from fogbank.core.errors import AwsError
from fogbank.services.s3 import policy_names

MAX_SIZE = 20 * 1024

_LIMITING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner",
        "aws:SourceAccount", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID",
        "aws:userid", "aws:PrincipalServiceName", "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)  # fmt: skip
_FIXING_OPERATORS = frozenset(
    op.lower()
    for op in (
        "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
        "IpAddress", "ForAnyValue:StringEquals", "ForAllValues:StringEquals",
        "ForAnyValue:StringLike", "ForAllValues:StringLike",
    )
)  # fmt: skip
_EVERYWHERE = frozenset({"0.0.0.0/0", "::/0"})


def malformed(message: str) -> AwsError:
    return AwsError("MalformedPolicy", message, status=400)


def statements(doc: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    raw = doc.get("Statement")
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, Mapping):
            yield item


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, str)]


def validate(text: str, bucket: str) -> dict[str, object]:
    """The policy document if S3 would accept it for ``bucket``; else ``MalformedPolicy``."""
    if len(text.encode()) > MAX_SIZE:
        raise malformed("Policy exceeds the maximum allowed document size.")
    try:
        parse_policy(text, PolicyKind.RESOURCE)
    except PolicyError as err:
        raise malformed(err.message) from None
    doc = json.loads(text)
    assert isinstance(doc, dict)
    for statement in statements(doc):
        actions = _strings(statement.get("Action", statement.get("NotAction")))
        for action in actions:
            _check_action(action)
        resources = _strings(statement.get("Resource", statement.get("NotResource")))
        for resource in resources:
            _check_resource(resource, bucket)
        if "Action" in statement and "Resource" in statement:
            _check_applies(actions, resources, bucket)
        _check_conditions(statement.get("Condition"))
    return doc


def _check_action(action: str) -> None:
    if action == "*":
        return
    vendor, _, name = action.partition(":")
    if vendor.lower() != "s3" or not name:
        raise malformed("Policy has invalid action")
    lowered = name.lower()
    if "*" in lowered or "?" in lowered:
        if not any(fnmatch.fnmatchcase(known, lowered) for known in policy_names.BY_LOWER):
            raise malformed("Policy has invalid action")
    elif lowered not in policy_names.BY_LOWER:
        raise malformed("Policy has invalid action")


def _check_resource(resource: str, bucket: str) -> None:
    if resource == "*":
        return
    prefix = "arn:aws:s3:::"
    if not resource.startswith(prefix):
        raise malformed("Policy has invalid resource")
    rest = resource[len(prefix) :]
    bucket_part = rest.split("/", 1)[0]
    if not (_matches(bucket_part, bucket) or _matches(rest, bucket)):
        raise malformed("Policy has invalid resource")


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _resource_kinds(resource: str, bucket: str) -> set[str]:
    if resource == "*":
        return {"bucket", "object"}
    rest = resource[len("arn:aws:s3:::") :]
    kinds = set()
    if _matches(rest, bucket):
        kinds.add("bucket")
    if "/" in rest or _matches(rest, f"{bucket}/x"):
        kinds.add("object")
    return kinds


def _action_kinds(action: str) -> set[str]:
    name = action.partition(":")[2].lower()
    if action == "*" or "*" in name or "?" in name:
        return {"bucket", "object"}
    canonical = policy_names.BY_LOWER[name]
    kinds = set()
    if canonical in policy_names.BUCKET_ACTIONS:
        kinds.add("bucket")
    if canonical in policy_names.OBJECT_ACTIONS:
        kinds.add("object")
    return kinds


def _check_applies(actions: list[str], resources: list[str], bucket: str) -> None:
    resource_kinds: set[str] = set()
    for resource in resources:
        resource_kinds |= _resource_kinds(resource, bucket)
    if not any(_action_kinds(a) & resource_kinds for a in actions):
        raise malformed("Action does not apply to any resource(s) in statement")


def _check_conditions(block: object) -> None:
    if not isinstance(block, Mapping):
        return
    for keys in block.values():
        if not isinstance(keys, Mapping):
            continue
        for key in keys:
            lowered = str(key).lower()
            if not lowered.startswith("s3:"):
                continue
            if lowered in policy_names.CONDITION_KEYS:
                continue
            if lowered.startswith(policy_names.CONDITION_KEY_PREFIXES):
                continue
            raise malformed("Policy has an invalid condition key")


# -- public ------------------------------------------------------------------------------


def is_public(doc: Mapping[str, object]) -> bool:
    return any(_statement_public(s) for s in statements(doc))


def _statement_public(statement: Mapping[str, object]) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    if "NotPrincipal" in statement:
        wildcard = True
    else:
        principal = statement.get("Principal")
        if principal == "*":
            wildcard = True
        elif isinstance(principal, Mapping):
            wildcard = "*" in _strings(principal.get("AWS"))
        else:
            wildcard = False
    return wildcard and not _limited(statement.get("Condition"))


def _limited(block: object) -> bool:
    if not isinstance(block, Mapping):
        return False
    for operator, keys in block.items():
        if str(operator).lower() not in _FIXING_OPERATORS or not isinstance(keys, Mapping):
            continue
        for key, values in keys.items():
            lowered = str(key).lower()
            if lowered not in _LIMITING_KEYS:
                continue
            found = _strings(values)
            if not found or any("*" in v or "?" in v for v in found):
                continue
            if lowered == "aws:sourceip" and any(v in _EVERYWHERE for v in found):
                continue
            return True
    return False


def deny_only(doc: Mapping[str, object]) -> str:
    """The policy without its ``Allow`` statements (what still applies to callers outside
    the owner's account when ``RestrictPublicBuckets`` ignores a public policy)."""
    kept = [dict(s) for s in statements(doc) if s.get("Effect") == "Deny"]
    out = {k: v for k, v in doc.items() if k != "Statement"}
    out["Statement"] = kept
    return json.dumps(out)
