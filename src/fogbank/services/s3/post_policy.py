"""The conditions of a browser POST upload's policy document, checked against the form.

Each condition is ``{"field": "value"}`` (exact), ``["eq", "$field", "value"]``,
``["starts-with", "$field", "prefix"]`` (an empty prefix allows anything) or
``["content-length-range", min, max]``; field names compare case-insensitively, and
``bucket`` names the bucket. Every form field but ``policy``, the signature fields, the
file and ``x-ignore-*`` fields must be covered by a condition (S3 user guide, "Creating a
POST policy").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.core.errors import AwsError

_UNCHECKED = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})


def _denied(message: str) -> AwsError:
    return AwsError("AccessDenied", f"Invalid according to Policy: {message}", status=403)


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidPolicyDocument", f"Invalid Policy: {message}", status=400)


@dataclass(frozen=True)
class LengthRange:
    low: int
    high: int


def check_policy(document: bytes, fields: Mapping[str, str], bucket: str) -> LengthRange | None:
    """Raise AccessDenied when the form breaks the policy; the allowed length range."""
    try:
        policy = json.loads(document)
    except ValueError:
        raise _invalid("Invalid JSON.") from None
    conditions = policy.get("conditions") if isinstance(policy, dict) else None
    if not isinstance(conditions, list):
        raise _invalid("Invalid 'conditions' value.")
    values = {k.lower(): v for k, v in fields.items()}
    values["bucket"] = bucket
    covered: set[str] = set()
    length: LengthRange | None = None
    for cond in conditions:
        if isinstance(cond, dict):
            if len(cond) != 1:
                raise _invalid("Invalid 'conditions' value.")
            name, expected = next(iter(cond.items()))
            _check("eq", name.lower(), str(expected), values, cond)
            covered.add(name.lower())
        elif isinstance(cond, list) and len(cond) == 3:
            op = str(cond[0]).lower()
            if op == "content-length-range":
                try:
                    length = LengthRange(int(cond[1]), int(cond[2]))
                except (TypeError, ValueError):
                    raise _invalid("Invalid content-length-range.") from None
                continue
            if op not in ("eq", "starts-with") or not str(cond[1]).startswith("$"):
                raise _invalid(f"Invalid condition {json.dumps(cond)}.")
            name = str(cond[1])[1:].lower()
            _check(op, name, str(cond[2]), values, cond)
            covered.add(name)
        else:
            raise _invalid("Invalid 'conditions' value.")
    for name in values:
        if name == "bucket" or name in _UNCHECKED or name.startswith("x-ignore-"):
            continue
        if name not in covered:
            raise _denied(f"Extra input fields: {name}")
    return length


def _check(op: str, name: str, expected: str, values: Mapping[str, str], cond: object) -> None:
    actual = values.get(name)
    if op == "eq":
        ok = actual == expected
    elif name == "content-type" and actual is not None:  # a comma-separated list of types
        ok = all(v.strip().startswith(expected) for v in actual.split(","))
    else:
        ok = (actual or "").startswith(expected) if expected else True
    if not ok:
        raise _denied(f"Policy Condition failed: {json.dumps(cond)}")
