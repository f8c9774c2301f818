"""Parsing and validating policy documents.

Grammar: IAM user guide, "Grammar of the IAM JSON policy language" and the element pages
(Version, Id, Statement, Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
NotResource, Condition). Per kind:

* identity, permissions boundary and session policies must not name a principal
  ("You cannot use the Principal element in an identity-based policy");
* resource policies (bucket, key, file-system policies) must name one, and need a
  Resource like identity policies;
* role trust policies must name a principal and must not have Resource/NotResource.

The error texts and their sources are in :mod:`fogbank.authz.policy.errors`. Policies are
parsed once and cached by their callers; matching patterns and conditions are compiled here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fogbank.authz.policy.conditions import Condition, compile_conditions
from fogbank.authz.policy.errors import PolicyError, PolicyErrorReason, policy_error
from fogbank.authz.policy.matching import ActionMatcher, ResourceMatcher
from fogbank.authz.policy.model import (
    CURRENT_VERSION,
    LEGACY_VERSION,
    Effect,
    Policy,
    PolicyKind,
    Position,
    Statement,
)
from fogbank.authz.policy.positions import statement_spans
from fogbank.authz.policy.principals import PrincipalSet, parse_principal

_R = PolicyErrorReason
_TOP_FIELDS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_IAM_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"[a-zA-Z0-9\-.]+")
_NO_PRINCIPAL_KINDS = frozenset({PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION})

_Fail = Callable[..., PolicyError]
_Span = tuple[Position, Position]


def parse_policy(
    text: str,
    kind: PolicyKind,
    *,
    managed: bool = False,
    source_id: str | None = None,
    source_type: str | None = None,
) -> Policy:
    """Parse and validate ``text`` as a policy of ``kind``; raise :class:`PolicyError`.

    ``managed`` applies the rule of IAM managed policies (``CreatePolicy``,
    ``CreatePolicyVersion``) that the document declares ``"Version": "2012-10-17"``.
    ``source_id``/``source_type`` name the policy in decisions and simulations.
    """
    resource_style = kind is PolicyKind.RESOURCE

    def fail(reason: PolicyErrorReason, detail: str | None = None) -> PolicyError:
        return policy_error(reason, detail, resource_style=resource_style)

    if resource_style and not text.startswith("{"):
        raise fail(_R.NOT_AN_OBJECT)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise fail(_R.INVALID_JSON) from None
    if not isinstance(document, dict):
        raise fail(_R.NOT_AN_OBJECT)
    for name in document:
        if name not in _TOP_FIELDS:
            raise fail(_R.UNKNOWN_FIELD, name)
    version = document.get("Version")
    if version is not None and version not in (CURRENT_VERSION, LEGACY_VERSION):
        raise fail(_R.INVALID_VERSION, str(version))
    if managed and version != CURRENT_VERSION:
        raise fail(_R.VERSION_REQUIRED)
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise fail(_R.SYNTAX, "Id")
    if "Statement" not in document:
        raise fail(_R.MISSING_STATEMENT)
    raw = document["Statement"]
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise fail(_R.SYNTAX, "Statement")
    if not items:
        raise fail(_R.EMPTY_STATEMENT)
    spans = statement_spans(text)
    parser = _StatementParser(kind, version == CURRENT_VERSION, fail)
    statements = tuple(
        parser.parse(index, item, spans[index] if len(spans) == len(items) else None)
        for index, item in enumerate(items)
    )
    if kind is not PolicyKind.RESOURCE:
        sids = [s.sid for s in statements if s.sid]
        if len(sids) != len(set(sids)):
            raise fail(_R.DUPLICATE_SID)
    size = sum(1 for char in text if not char.isspace())
    return Policy(kind, version, policy_id, statements, size, source_id, source_type)


class _StatementParser:
    def __init__(self, kind: PolicyKind, variables: bool, fail: _Fail) -> None:
        self.kind = kind
        self.variables = variables
        self.fail = fail
        self.resource_style = kind is PolicyKind.RESOURCE

    def parse(self, index: int, item: object, span: _Span | None) -> Statement:
        fail = self.fail
        if not isinstance(item, dict):
            raise fail(_R.SYNTAX, "Statement")
        for name in item:
            if name not in _STATEMENT_FIELDS:
                raise fail(_R.UNKNOWN_FIELD, name)
        sid = item.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise fail(_R.SYNTAX, "Sid")
        if sid and not self.resource_style and not _IAM_SID.fullmatch(sid):
            raise fail(_R.INVALID_SID, sid)
        effect = self._effect(item)
        principal, not_principal = self._principals(item)
        actions, not_action = self._actions(item)
        resources, not_resource = self._resources(item)
        conditions: tuple[Condition, ...] = ()
        if "Condition" in item:
            conditions = compile_conditions(
                item["Condition"], variables=self.variables, resource_style=self.resource_style
            )
        return Statement(
            index=index,
            sid=sid or None,
            effect=effect,
            actions=actions,
            not_action=not_action,
            resources=resources,
            not_resource=not_resource,
            conditions=conditions,
            principal=principal,
            not_principal=not_principal,
            start=span[0] if span else None,
            end=span[1] if span else None,
        )

    def _effect(self, item: dict[str, object]) -> Effect:
        if "Effect" not in item:
            raise self.fail(_R.MISSING_EFFECT)
        value = item["Effect"]
        if value in ("Allow", "Deny"):
            return Effect(value)
        text = value if isinstance(value, str) else json.dumps(value)
        if text.lower() in ("allow", "deny") and not self.resource_style:
            # Accepted by the grammar, refused by IAM's case-sensitive legacy parser.
            raise self.fail(_R.LEGACY_PARSING, text)
        raise self.fail(_R.INVALID_EFFECT, text)

    def _principals(self, item: dict[str, object]) -> tuple[PrincipalSet | None, ...]:
        has_principal, has_not = "Principal" in item, "NotPrincipal" in item
        if self.kind in _NO_PRINCIPAL_KINDS:
            if has_principal or has_not:
                raise self.fail(_R.PRINCIPAL_NOT_ALLOWED)
            return None, None
        if has_principal and has_not:
            raise self.fail(_R.SYNTAX, "NotPrincipal")
        if not (has_principal or has_not):
            raise self.fail(_R.MISSING_PRINCIPAL)
        trust = self.kind is PolicyKind.TRUST
        parsed = parse_principal(
            item["Principal" if has_principal else "NotPrincipal"],
            trust=trust,
            resource_style=self.resource_style,
        )
        return (parsed, None) if has_principal else (None, parsed)

    def _actions(self, item: dict[str, object]) -> tuple[ActionMatcher, bool]:
        if "Action" in item and "NotAction" in item:
            raise self.fail(_R.SYNTAX, "NotAction")
        name = "Action" if "Action" in item else "NotAction"
        if name not in item:
            raise self.fail(_R.MISSING_ACTION)
        values = self._strings(item[name], name, _R.INVALID_ACTION)
        if not values:
            raise self.fail(_R.MISSING_ACTION)
        for action in values:
            self._check_action(action)
        return ActionMatcher.compile(values), name == "NotAction"

    def _check_action(self, action: str) -> None:
        if action == "*":
            return
        parts = action.split(":")
        if len(parts) == 1:
            detail = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        elif len(parts) > 2:
            detail = "Actions/Condition can contain only one colon."
        elif not _VENDOR.fullmatch(parts[0]):
            detail = f"Vendor {parts[0]} is not valid"
        else:
            return
        raise self.fail(_R.INVALID_ACTION, detail)

    def _resources(self, item: dict[str, object]) -> tuple[ResourceMatcher | None, bool]:
        has_resource, has_not = "Resource" in item, "NotResource" in item
        if self.kind is PolicyKind.TRUST:
            if has_resource or has_not:
                name = "Resource" if has_resource else "NotResource"
                raise self.fail(_R.RESOURCE_NOT_ALLOWED, name)
            return None, False
        if has_resource and has_not:
            raise self.fail(_R.SYNTAX, "NotResource")
        name = "Resource" if has_resource else "NotResource"
        if name not in item:
            raise self.fail(_R.MISSING_RESOURCE)
        values = self._strings(item[name], name, _R.INVALID_RESOURCE)
        if not values:
            raise self.fail(_R.MISSING_RESOURCE)
        for resource in values:
            self._check_resource(resource)
        return ResourceMatcher.compile(values, variables=self.variables), name == "NotResource"

    def _check_resource(self, resource: str) -> None:
        if resource == "*":
            return
        if not resource.startswith("arn:"):
            detail = f'Resource {resource} must be in ARN format or "*".'
            raise self.fail(_R.INVALID_RESOURCE, detail)
        segments = resource.split(":", 5)
        if len(segments) < 6 or not segments[2]:
            if self.resource_style:
                raise self.fail(_R.INVALID_RESOURCE, resource)
            raise self.fail(_R.LEGACY_PARSING, resource)

    def _strings(self, raw: object, name: str, reason: PolicyErrorReason) -> tuple[str, ...]:
        values = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(v, str) for v in values):
            raise self.fail(_R.SYNTAX if not self.resource_style else reason, name)
        return tuple(str(v) for v in values)
