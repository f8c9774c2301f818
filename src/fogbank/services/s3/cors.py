"""Bucket CORS: validating a configuration, matching a request against its rules, and the
response headers of preflight (``OPTIONS``) and actual requests.

A rule matches when the request's ``Origin`` matches one of its ``AllowedOrigins`` (each
may hold one ``*``, standing for any text), its method (or, for a preflight,
``Access-Control-Request-Method``) is one of ``AllowedMethods``, and, for a preflight,
every header named in ``Access-Control-Request-Headers`` matches an ``AllowedHeaders``
entry (case-insensitively, one ``*`` allowed). The first matching rule wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors

METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_RULES = 100

Rule = Mapping[str, object]


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def validate_rules(rules: object) -> list[dict[str, object]]:
    if not isinstance(rules, list) or not rules:
        raise errors.malformed_xml()
    if len(rules) > MAX_RULES:
        raise errors.invalid_request(
            "The number of CORS rules should not exceed allowed limit of 100 rules."
        )
    out: list[dict[str, object]] = []
    for rule in rules:
        if not isinstance(rule, Mapping):
            raise errors.malformed_xml()
        methods = _strings(rule.get("AllowedMethods"))
        origins = _strings(rule.get("AllowedOrigins"))
        if not methods or not origins:
            raise errors.malformed_xml()
        for method in methods:
            if method not in METHODS:
                raise errors.invalid_request(
                    "Found unsupported HTTP method in CORS config. Unsupported method is " + method
                )
        for origin in origins:
            if origin.count("*") > 1:
                raise errors.invalid_request(
                    f'AllowedOrigin "{origin}" can not have more than one wildcard.'
                )
        for header in _strings(rule.get("AllowedHeaders")):
            if header.count("*") > 1:
                raise errors.invalid_request(
                    f'AllowedHeader "{header}" can not have more than one wildcard.'
                )
        kept: dict[str, object] = {k: v for k, v in rule.items() if v is not None}
        out.append(kept)
    return out


def wildcard_match(pattern: str, value: str, *, fold: bool = False) -> bool:
    if fold:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern:
        return pattern == value
    head, _, tail = pattern.partition("*")
    return len(value) >= len(head) + len(tail) and value.startswith(head) and value.endswith(tail)


def _requested_headers(value: str | None) -> list[str]:
    if not value:
        return []
    return [h.strip().lower() for h in value.split(",") if h.strip()]


def find_rule(
    rules: Sequence[Rule], origin: str, method: str, request_headers: str | None = None
) -> Rule | None:
    wanted = _requested_headers(request_headers)
    for rule in rules:
        if method not in _strings(rule.get("AllowedMethods")):
            continue
        if not any(wildcard_match(o, origin) for o in _strings(rule.get("AllowedOrigins"))):
            continue
        allowed = _strings(rule.get("AllowedHeaders"))
        if all(any(wildcard_match(a, h, fold=True) for a in allowed) for h in wanted):
            return rule
    return None


@dataclass(frozen=True)
class CorsRequest:
    origin: str | None
    method: str  # the actual method, or Access-Control-Request-Method for a preflight
    request_headers: str | None = None


def response_headers(rule: Rule, req: CorsRequest, *, preflight: bool) -> list[tuple[str, str]]:
    assert req.origin is not None
    origins = _strings(rule.get("AllowedOrigins"))
    star = "*" in origins
    headers = [
        ("Access-Control-Allow-Origin", "*" if star else req.origin),
        ("Access-Control-Allow-Methods", ", ".join(_strings(rule.get("AllowedMethods")))),
    ]
    if not star:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if preflight and req.request_headers:
        headers.append(
            ("Access-Control-Allow-Headers", ", ".join(_requested_headers(req.request_headers)))
        )
    expose = _strings(rule.get("ExposeHeaders"))
    if expose:
        headers.append(("Access-Control-Expose-Headers", ", ".join(expose)))
    max_age = rule.get("MaxAgeSeconds")
    if max_age is not None:
        headers.append(("Access-Control-Max-Age", str(max_age)))
    headers.append(
        ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
    )
    return headers


def forbidden(message: str, method: str, resource_type: str) -> AwsError:
    return AwsError(
        "AccessForbidden",
        message,
        status=403,
        fields={"Method": method, "ResourceType": resource_type},
    )


def not_enabled(method: str, resource_type: str) -> AwsError:
    return forbidden("CORSResponse: CORS is not enabled for this bucket.", method, resource_type)


def not_allowed(method: str, resource_type: str) -> AwsError:
    return forbidden(
        "CORSResponse: This CORS request is not allowed. This is usually because the "
        "evalution of Origin, request method / Access-Control-Request-Method or "
        "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        method,
        resource_type,
    )
