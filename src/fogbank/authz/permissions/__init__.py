"""Permission tables: which IAM action(s), on which resource ARN(s), each operation needs.

One JSON file per service (``<service>.json`` next to this module), loaded on first use:

.. code-block:: json

    {
      "prefix": "s3",
      "default_resource": "*",
      "resources_by_member": [["Bucket", "arn:{partition}:s3:::{Bucket}"]],
      "operations": {
        "ListBuckets": [{"action": "s3:ListAllMyBuckets"}],
        "GetObject": [{"action": "s3:GetObject",
                       "action_if": {"VersionId": "s3:GetObjectVersion"},
                       "resource": "arn:{partition}:s3:::{Bucket}/{Key}"}]
      }
    }

An operation not listed needs ``<prefix>:<Operation>`` on the resource named by the first
``resources_by_member`` rule whose member is in the request (else ``default_resource``):
that is how the defaults are derived from the service model's input members. Listed
operations give one entry per requirement (CopyObject: read the source, write the target).

Templates: ``{Member}`` is a request parameter (top-level member of the input shape);
``{Member?text}`` uses ``text`` when the member is absent; ``{partition}``, ``{region}``
and ``{account}`` come from the request; a service may pass further values (IAM passes the
path of the user a call names). Filters: ``{Member:arn}`` makes the whole resource the
member's value when that value is already an ARN; ``{Member:copysource}`` reads S3's
``x-amz-copy-source`` form (``bucket/key?versionId=...``, percent-encoded).
An entry's ``context`` maps condition keys to templates (``"iam:PolicyARN": "{PolicyArn}"``);
``when`` lists members of which one must be in the request for the entry to apply (AssumeRole
needs ``sts:TagSession`` only when tags are passed);
a ``Tags`` list of ``{Key, Value}`` and a ``TagKeys`` list in the request add
``aws:RequestTag/<key>`` and ``aws:TagKeys`` by themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from fogbank.authz.requirements import ACTION_PREFIX, ContextValue, Requirement

_DIR = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)(?::([a-z]+))?(?:\?([^}]*))?\}")
_BUILTINS = frozenset({"partition", "region", "account"})
FILTERS = frozenset({"arn", "copysource"})


class MissingValue(KeyError):
    """A template names a member the request does not have (and gives no default)."""


@dataclass(frozen=True)
class Entry:
    action: str
    resource: str = "*"
    action_if: Mapping[str, str] = field(default_factory=dict)
    context: Mapping[str, str] = field(default_factory=dict)
    when: tuple[str, ...] = ()

    def applies(self, params: Mapping[str, object]) -> bool:
        return not self.when or any(params.get(m) not in (None, "", []) for m in self.when)

    def placeholders(self) -> set[str]:
        names = {m.group(1) for m in _PLACEHOLDER.finditer(self.resource)}
        for template in self.context.values():
            names |= {m.group(1) for m in _PLACEHOLDER.finditer(template)}
        return names


@dataclass(frozen=True)
class Scope:
    """Where a request is made: fills ``{partition}``, ``{region}``, ``{account}``."""

    account: str
    region: str
    partition: str = "aws"


class PermissionTable:
    def __init__(
        self,
        service: str,
        prefix: str,
        operations: Mapping[str, Sequence[Entry]],
        by_member: Sequence[tuple[str, str]] = (),
        default_resource: str = "*",
    ) -> None:
        self.service = service
        self.prefix = prefix
        self.operations = operations
        self.by_member = tuple(by_member)
        self.default_resource = default_resource

    @classmethod
    def load(cls, service: str) -> PermissionTable:
        """The table of ``service``; an empty one (all defaults) if it has no file."""
        path = _DIR / f"{service}.json"
        prefix = ACTION_PREFIX.get(service, service)
        if not path.exists():
            return cls(service, prefix, {})
        return cls.from_document(service, json.loads(path.read_text()))

    @classmethod
    def from_document(cls, service: str, doc: Mapping[str, object]) -> PermissionTable:
        prefix = str(doc.get("prefix") or ACTION_PREFIX.get(service, service))
        raw_ops = doc.get("operations") or {}
        assert isinstance(raw_ops, dict)
        operations: dict[str, tuple[Entry, ...]] = {}
        for name, entries in raw_ops.items():
            if isinstance(entries, dict):
                entries = [entries]
            operations[name] = tuple(_entry(prefix, name, e) for e in entries)
        rules = doc.get("resources_by_member") or []
        assert isinstance(rules, list)
        by_member = tuple((str(member), str(template)) for member, template in rules)
        default = str(doc.get("default_resource") or "*")
        return cls(service, prefix, operations, by_member, default)

    def entries(
        self, operation: str, params: Mapping[str, object] | None = None
    ) -> tuple[Entry, ...]:
        """The table's entries for ``operation`` (the derived default when not listed)."""
        listed = self.operations.get(operation)
        if listed is not None:
            return tuple(listed)
        resource = self.default_resource
        if params is not None:
            for member, template in self.by_member:
                if params.get(member) not in (None, ""):
                    resource = template
                    break
        return (Entry(f"{self.prefix}:{operation}", resource),)

    def requirements(
        self,
        operation: str,
        params: Mapping[str, object],
        scope: Scope,
        extra: Mapping[str, str] | None = None,
    ) -> tuple[Requirement, ...]:
        """The requirements of one call; a resource whose member is missing becomes ``*``."""
        values = _Values(params, scope, extra or {})
        tag_context = request_tag_context(params)
        out: list[Requirement] = []
        for entry in self.entries(operation, params):
            if not entry.applies(params):
                continue
            action = entry.action
            for member, alternative in entry.action_if.items():
                if params.get(member) not in (None, ""):
                    action = alternative
            try:
                resource = expand(entry.resource, values)
            except MissingValue:
                resource = "*"
            context: dict[str, ContextValue] = dict(tag_context)
            for key, template in entry.context.items():
                try:
                    context[key.lower()] = expand(template, values)
                except MissingValue:
                    continue
            out.append(Requirement(action, resource, context=context))
        return tuple(out)


def _entry(prefix: str, operation: str, raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise ValueError(f"{operation}: a table entry must be an object")
    action = str(raw.get("action") or f"{prefix}:{operation}")
    resource = str(raw.get("resource") or "*")
    action_if = {str(k): str(v) for k, v in (raw.get("action_if") or {}).items()}
    context = {str(k): str(v) for k, v in (raw.get("context") or {}).items()}
    when = tuple(str(m) for m in (raw.get("when") or ()))
    return Entry(action, resource, action_if, context, when)


class _Values:
    def __init__(
        self, params: Mapping[str, object], scope: Scope, extra: Mapping[str, str]
    ) -> None:
        self.params = params
        self.scope = scope
        self.extra = extra

    def get(self, name: str) -> str | None:
        if name == "partition":
            return self.scope.partition
        if name == "region":
            return self.scope.region
        if name == "account":
            return self.scope.account
        if name in self.extra:
            return self.extra[name]
        value = self.params.get(name)
        if value is None or value == "" or isinstance(value, Mapping | list | bytes):
            return None
        return str(value)


def expand(template: str, values: _Values) -> str:
    """Fill ``template``; raise :class:`MissingValue` for an absent member without default."""
    whole: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name, filt, default = match.group(1), match.group(2), match.group(3)
        value = values.get(name)
        if value is None:
            if default is None:
                raise MissingValue(name)
            return default
        if filt == "arn" and value.startswith("arn:"):
            whole.append(value)
        elif filt == "copysource":
            value = _copy_source(value)
        return value

    text = _PLACEHOLDER.sub(fill, template)
    return whole[0] if whole else text


def _copy_source(value: str) -> str:
    """``/bucket/key?versionId=v`` (percent-encoded) -> ``bucket/key``."""
    path = value.split("?", 1)[0].lstrip("/")
    return unquote(path)


def request_tag_context(params: Mapping[str, object]) -> dict[str, ContextValue]:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` from a request's ``Tags``/``TagKeys``."""
    context: dict[str, ContextValue] = {}
    keys: list[str] = []
    tags = params.get("Tags")
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, Mapping) and isinstance(tag.get("Key"), str):
                key = str(tag["Key"])
                keys.append(key)
                context[f"aws:requesttag/{key.lower()}"] = str(tag.get("Value") or "")
    tag_keys = params.get("TagKeys")
    if isinstance(tag_keys, list):
        keys.extend(str(k) for k in tag_keys if isinstance(k, str))
    if keys:
        context["aws:tagkeys"] = tuple(keys)
    return context


def template_members(template: str) -> set[str]:
    """The request members a template names (not the built-ins)."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(template)} - _BUILTINS
