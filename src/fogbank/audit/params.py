"""``requestParameters`` and ``responseElements``: a call's input and output as CloudTrail
writes them, driven by the service model.

CloudTrail names structure members in lower camel case (``userName``, ``keyId``,
``s3BucketName``) and keeps map keys as given (tags, encryption contexts). S3 records its
REST inputs by their wire names: ``bucketName``, ``key``, ``Host``, and headers and query
parameters as sent (``x-amz-acl``, ``list-type``). Timestamps become ISO 8601 text. Secrets
are left out or masked (``redaction``); blobs and streams never appear.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from fogbank.audit.redaction import HIDDEN, Treatment, treatment
from fogbank.protocol.plan import LIST, MAP, STRUCTURE, Ref, Shape

# The largest requestParameters / responseElements kept whole (JSON characters).
MAX_ELEMENT_CHARS = 100_000

_S3_LABELS = {"Bucket": "bucketName", "Key": "key"}


class _Omitted:
    """Marker: the value is not recorded."""


OMITTED = _Omitted()


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _iso(value: datetime) -> str:
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Renderer:
    """Renders one service's inputs and outputs; secrets found on the way are collected
    so that the caller can scrub them from error messages too."""

    def __init__(self, service: str, rest_xml: bool = False) -> None:
        self.service = service
        self.rest_xml = rest_xml
        self.secrets: list[str] = []

    # -- entry points --------------------------------------------------------------

    def request(
        self, ref: Ref | None, params: Mapping[str, object], host: str | None = None
    ) -> dict[str, object] | None:
        if ref is None and not params:
            return None
        rendered = self._top(ref, params, request=True)
        if self.rest_xml and host:
            rendered["Host"] = host
        return rendered or None

    def response(self, ref: Ref | None, output: Mapping[str, object]) -> dict[str, object] | None:
        rendered = self._top(ref, output, request=False)
        return rendered or None

    # -- structure members -----------------------------------------------------------

    def _top(
        self, ref: Ref | None, values: Mapping[str, object], request: bool
    ) -> dict[str, object]:
        if ref is None:
            return self._untyped(values)
        shape = ref.shape
        if not self.rest_xml:
            result = self._structure(shape, values)
            return result if isinstance(result, dict) else {}
        out: dict[str, object] = {}
        for name, value in values.items():
            member = shape.members.get(name)
            if member is None:
                continue
            key = self._rest_name(member, request)
            rendered = self._member(member, name, value)
            if rendered is not OMITTED:
                out[key] = rendered
        return out

    def _rest_name(self, member: Ref, request: bool) -> str:
        if member.location == "uri" and request:
            return _S3_LABELS.get(member.name, lower_first(member.name))
        if member.location in ("header", "querystring") and member.location_name:
            return member.location_name
        return lower_first(member.name)

    def _structure(self, shape: Shape, values: object) -> object:
        if not isinstance(values, Mapping):
            return OMITTED
        out: dict[str, object] = {}
        for name, value in values.items():
            member = shape.members.get(str(name))
            if member is None:
                continue
            rendered = self._member(member, str(name), value)
            if rendered is not OMITTED:
                out[lower_first(str(name))] = rendered
        return out

    def _member(self, member: Ref, name: str, value: object) -> object:
        if member.streaming:
            return OMITTED
        how = treatment(self.service, name, member.shape.sensitive)
        if how is Treatment.OMIT:
            self._remember(value)
            return OMITTED
        if how is Treatment.HIDE:
            self._remember(value)
            return HIDDEN
        return self._value(member.shape, value)

    # -- values ------------------------------------------------------------------------

    def _value(self, shape: Shape, value: object) -> object:
        if value is None:
            return None
        if shape.type == STRUCTURE:
            return self._structure(shape, value)
        if shape.type == LIST:
            if not isinstance(value, Sequence) or isinstance(value, str | bytes):
                return OMITTED
            assert shape.member is not None
            items = [self._value(shape.member.shape, item) for item in value]
            return [item for item in items if item is not OMITTED]
        if shape.type == MAP:
            if not isinstance(value, Mapping):
                return OMITTED
            assert shape.value is not None
            out: dict[str, object] = {}
            for key, item in value.items():
                rendered = self._value(shape.value.shape, item)
                if rendered is not OMITTED:
                    out[str(key)] = rendered
            return out
        return self._scalar(value, shape.sensitive)

    def _scalar(self, value: object, sensitive: bool = False) -> object:
        if sensitive:  # a sensitive shape inside a list or map (member names say nothing)
            self._remember(value)
            return HIDDEN
        if isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, datetime):
            return _iso(value)
        return OMITTED  # bytes, streams, anything else

    def _untyped(self, values: Mapping[str, object]) -> dict[str, object]:
        """No model at hand: member names by the redaction tables alone."""
        out: dict[str, object] = {}
        for name, value in values.items():
            how = treatment(self.service, name, False)
            if how is not Treatment.KEEP:
                self._remember(value)
                if how is Treatment.HIDE:
                    out[lower_first(name)] = HIDDEN
                continue
            if isinstance(value, Mapping):
                out[lower_first(name)] = self._untyped({str(k): v for k, v in value.items()})
            else:
                rendered = self._scalar(value)
                if rendered is not OMITTED:
                    out[lower_first(name)] = rendered
        return out

    def _remember(self, value: object) -> None:
        if isinstance(value, str) and len(value) >= 4:
            self.secrets.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                self._remember(item)
        elif isinstance(value, list | tuple):
            for item in value:
                self._remember(item)

    def scrub(self, text: str | None) -> str | None:
        """``text`` with any secret seen while rendering masked (error messages may echo
        the value that failed validation)."""
        if text is None:
            return None
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, HIDDEN)
        return text
