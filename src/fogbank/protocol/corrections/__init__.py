"""Corrections: small data files for where botocore's models are silent or wrong.

``<service>.json`` holds per-service facts (XML namespaces, S3's output root element names,
routing preferences between operations with identical wire signatures, error styles);
``errors.json`` holds the errors that the protocol layer itself answers, per protocol family
with per-service overrides. Nothing here is code; this module only reads and types them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ErrorTemplate:
    code: str
    status: int
    message: str
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Corrections:
    service: str
    xml_namespace: str | None = None
    error_style: str | None = None  # rest-xml: "s3" (<Error>) | "error_response"
    output_roots: Mapping[str, str] = field(default_factory=dict)
    text_root_outputs: Mapping[str, str] = field(default_factory=dict)
    route_shadowed: frozenset[str] = frozenset()
    virtual_host_label: str | None = None
    errors: Mapping[str, ErrorTemplate] = field(default_factory=dict)
    error_body_members: tuple[str, str] = ("code", "message")


def _read(name: str) -> dict[str, object]:
    path = _DIR / f"{name}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _template(raw: object) -> ErrorTemplate:
    assert isinstance(raw, Mapping)
    return ErrorTemplate(
        code=str(raw["code"]),
        status=int(raw["status"]),
        message=str(raw.get("message", "")),
        fields=_str_map(raw.get("fields")),
    )


def load(service: str, protocol: str) -> Corrections:
    """The corrections of one service (empty ones when it has no file)."""
    data = _read(service)
    error_data = _read("errors")
    protocols = error_data.get("protocols", {})
    services = error_data.get("services", {})
    assert isinstance(protocols, Mapping) and isinstance(services, Mapping)
    errors: dict[str, ErrorTemplate] = {}
    for source in (protocols.get(protocol, {}), services.get(service, {})):
        assert isinstance(source, Mapping)
        for kind, raw in source.items():
            if not kind.startswith("_"):
                errors[kind] = _template(raw)
    bodies = error_data.get("rest_json_error_body", {})
    assert isinstance(bodies, Mapping)
    body = bodies.get(service) or bodies.get("default") or {}
    assert isinstance(body, Mapping)
    shadowed = data.get("route_shadowed", [])
    assert isinstance(shadowed, list)
    namespace = data.get("xml_namespace")
    style = data.get("error_style")
    label = data.get("virtual_host_label")
    return Corrections(
        service=service,
        xml_namespace=namespace if isinstance(namespace, str) else None,
        error_style=style if isinstance(style, str) else None,
        output_roots=_str_map(data.get("output_roots")),
        text_root_outputs=_str_map(data.get("text_root_outputs")),
        route_shadowed=frozenset(str(s) for s in shadowed),
        virtual_host_label=label if isinstance(label, str) else None,
        errors=errors,
        error_body_members=(str(body.get("code", "code")), str(body.get("message", "message"))),
    )
