"""What STS sessions are made of: credentials, session policies, tags, durations."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.authz.policy import PolicyError, PolicyKind, parse_policy
from fogbank.core import ids
from fogbank.core.errors import AwsError

_SESSION_NAME = re.compile(r"[\w+=,.@-]*", re.ASCII)
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]*", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]*", re.ASCII)
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")
MAX_SESSION_POLICY = 2048
MAX_POLICY_ARNS = 10
MAX_TAGS = 50
# The packed (compressed) form of session policies and tags must fit this many bytes; the
# response's PackedPolicySize is the share used, in percent. AWS does not publish its
# packing, so the measure is an approximation: zlib of the canonical JSON.
PACKED_BUDGET = 2048


def validation(message: str) -> AwsError:
    return AwsError("ValidationError", message, status=400)


def constraint(member: str, value: object, rule: str) -> AwsError:
    shown = "null" if value is None else f"'{value}'"
    return validation(
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy "
        f"constraint: Member {rule}"
    )


def check_length(member: str, value: str, low: int, high: int) -> str:
    if len(value) < low:
        raise constraint(member, value, f"must have length greater than or equal to {low}")
    if len(value) > high:
        raise constraint(member, value, f"must have length less than or equal to {high}")
    return value


def check_pattern(member: str, value: str, pattern: re.Pattern[str], shown: str) -> str:
    if not pattern.fullmatch(value):
        raise constraint(member, value, f"must satisfy regular expression pattern: {shown}")
    return value


def session_name(value: str, member: str = "roleSessionName") -> str:
    check_length(member, value, 2, 64)
    return check_pattern(member, value, _SESSION_NAME, r"[\w+=,.@-]*")


def source_identity(value: str | None) -> str | None:
    if value is None:
        return None
    check_length("sourceIdentity", value, 2, 64)
    return check_pattern("sourceIdentity", value, _SOURCE_IDENTITY, r"[\w+=,.@-]*")


def external_id(value: str | None) -> str | None:
    if value is None:
        return None
    check_length("externalId", value, 2, 1224)
    return check_pattern("externalId", value, _EXTERNAL_ID, r"[\w+=,.@:\/-]*")


def duration(value: object, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    seconds = int(str(value))
    if seconds < low:
        raise constraint(
            "durationSeconds", seconds, f"must have value greater than or equal to {low}"
        )
    if seconds > high:
        raise constraint(
            "durationSeconds", seconds, f"must have value less than or equal to {high}"
        )
    return seconds


def session_policy(text: str | None) -> str | None:
    if text is None:
        return None
    check_length("policy", text, 1, MAX_SESSION_POLICY)
    try:
        parse_policy(text, PolicyKind.SESSION)
    except PolicyError as err:
        raise AwsError("MalformedPolicyDocument", err.message, status=400) from None
    return text


def policy_arns(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return ()
    arns = tuple(str(item.get("arn")) for item in raw if isinstance(item, Mapping))
    if len(arns) > MAX_POLICY_ARNS:
        raise constraint(
            "policyArns", "[...]", f"must have length less than or equal to {MAX_POLICY_ARNS}"
        )
    for arn in arns:
        check_length("policyArns.member.arn", arn, 20, 2048)
    return arns


def tags(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return ()
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        key, value = str(item.get("Key") or ""), str(item.get("Value") or "")
        check_length("tags.member.key", key, 1, 128)
        check_pattern("tags.member.key", key, _TAG_TEXT, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
        check_length("tags.member.value", value, 0, 256)
        check_pattern("tags.member.value", value, _TAG_TEXT, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*")
        if key.lower() in seen:
            raise validation(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            )
        seen.add(key.lower())
        out.append((key, value))
    if len(out) > MAX_TAGS:
        raise constraint("tags", "[...]", f"must have length less than or equal to {MAX_TAGS}")
    return tuple(out)


def packed_size(
    policy: str | None, arns: Sequence[str], session_tags: Sequence[tuple[str, str]]
) -> int | None:
    """The share of the packed-policy budget used, in percent; None when nothing is packed.
    Over 100: PackedPolicyTooLarge."""
    if policy is None and not arns and not session_tags:
        return None
    canonical = json.dumps(
        {
            "p": json.loads(policy) if policy else None,
            "a": list(arns),
            "t": [list(t) for t in session_tags],
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    used = len(zlib.compress(canonical.encode(), 9))
    percent = math.ceil(100 * used / PACKED_BUDGET)
    if percent > 100:
        raise AwsError(
            "PackedPolicyTooLarge",
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy"
            " for session.",
            status=400,
        )
    return percent


@dataclass(frozen=True)
class NewCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str

    @property
    def token_sha256(self) -> str:
        return hashlib.sha256(self.session_token.encode()).hexdigest()


def new_credentials() -> NewCredentials:
    """ASIA... key, a secret, and a random opaque session token (stored only hashed)."""
    return NewCredentials(
        ids.access_key_id("ASIA"), ids.secret_access_key(), secrets.token_urlsafe(192)
    )
