"""Errors the protocol layer answers itself, in each protocol's own terms.

Parsers raise the small ``WireError`` exceptions below, which know nothing about AWS
vocabulary; ``ErrorVocabulary`` turns them into the ``AwsError`` of the service's protocol
(S3 ``MalformedXML``, IAM ``ValidationError``, KMS ``SerializationException`` ...), from the
templates in ``corrections/errors.json``.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.errors import AwsError
from fogbank.protocol.corrections import ErrorTemplate

_MAX_VALUE_IN_MESSAGE = 256


class WireError(Exception):
    """A request the protocol cannot turn into an operation call."""

    kind = "malformed_body"

    def __init__(self, name: str = "", value: str = "", **extra: str) -> None:
        super().__init__(f"{self.kind}: {name} {value!r}")
        self.name = name
        self.value = value
        self.extra = extra


class MalformedBody(WireError):
    kind = "malformed_body"


class BodyTooLarge(WireError):
    kind = "body_too_large"


class MissingBody(WireError):
    kind = "missing_body"


class MissingParameter(WireError):
    kind = "missing_parameter"


class InvalidValue(WireError):
    kind = "invalid_value"


class InvalidUri(WireError):
    kind = "invalid_uri"


class NoRoute(WireError):
    kind = "no_route"


class UnknownOperation(WireError):
    kind = "unknown_operation"


class MissingOperation(WireError):
    kind = "missing_operation"


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Vars(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


class ErrorVocabulary:
    """Renders ``WireError``s with one service's error templates."""

    def __init__(self, templates: Mapping[str, ErrorTemplate]) -> None:
        self._templates = templates

    def error(self, exc: WireError) -> AwsError:
        return self.make(exc.kind, name=exc.name, value=exc.value, **exc.extra)

    def make(self, kind: str, **values: str) -> AwsError:
        template = self._templates.get(kind) or self._templates["malformed_body"]
        value = values.get("value", "")
        if len(value) > _MAX_VALUE_IN_MESSAGE:
            values["value"] = value[:_MAX_VALUE_IN_MESSAGE] + "..."
        variables = _Vars(values)
        if "member" not in values:
            variables["member"] = lower_first(values.get("name", "").rpartition(".")[2])
        fields = {
            key: rendered
            for key, pattern in template.fields.items()
            if (rendered := pattern.format_map(variables))
        }
        return AwsError(
            template.code,
            template.message.format_map(variables),
            status=template.status,
            sender_fault=template.status < 500,
            fields=fields,
        )
