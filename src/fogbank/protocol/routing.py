"""Which service a request is for, from its headers (and, for S3, its Host).

Order (see aws-protocol-notes §2.2): the SigV4 credential scope (header or presigned
query), SigV2 (always S3), ``X-Amz-Target``, a service's fixed path prefix, the query
``Action``/``Version``; anything else is S3. Only an unsigned form POST (STS's web-identity
calls) makes us look at the body, and then only at a bounded, small one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl

from fogbank.core.errors import AwsError
from fogbank.protocol.catalog import (
    BY_NAME,
    BY_QUERY_VERSION,
    BY_SIGNING_NAME,
    BY_TARGET_PREFIX,
    SERVICES,
    ServiceInfo,
)
from fogbank.protocol.http import BytesBody, HttpRequest

_SCOPE_SERVICE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")
_QUERY_SCOPE = re.compile(r"^[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request$")
_FORM = "application/x-www-form-urlencoded"
_MAX_SNIFFED_FORM = 64 * 1024

S3 = BY_NAME["s3"]
_PREFIXED = [s for s in SERVICES if s.path_prefix]


class UnknownService(AwsError):
    def __init__(self, name: str) -> None:
        super().__init__(
            "UnknownService",
            f"fogbank does not serve the service {name!r}.",
            status=400,
        )
        self.service_name = name


class Router:
    def __init__(self, hostnames: Iterable[str] = ()) -> None:
        bases = {"localhost"}
        for name in hostnames:
            if name and not _is_ip(name):
                bases.add(name.lower())
        # Longest first, so that "s3.localhost" wins over "localhost".
        self._bases = sorted(bases, key=len, reverse=True)

    async def route(self, request: HttpRequest) -> ServiceInfo:
        service = self._by_signature(request)
        if service is None:
            service = self._by_headers_or_path(request)
        if service is None:
            service = await self._by_form(request)
        if service is None:
            service = S3
        if service.name == "s3":
            service = self._refine_s3(request)
        return service

    # -- steps ---------------------------------------------------------------------

    def _by_signature(self, request: HttpRequest) -> ServiceInfo | None:
        auth = request.headers.get("authorization")
        name: str | None = None
        if auth:
            if auth.startswith("AWS4-"):
                m = _SCOPE_SERVICE.search(auth)
                name = m.group(1) if m else None
            elif auth.startswith("AWS "):
                return S3
        elif "X-Amz-Credential=" in request.query_string:
            cred = request.query_get("X-Amz-Credential") or ""
            m = _QUERY_SCOPE.match(cred)
            name = m.group(1) if m else None
        elif "AWSAccessKeyId=" in request.query_string:
            return S3
        if name is None:
            return None
        if name == "s3":
            return S3
        found = BY_SIGNING_NAME.get(name)
        if found is None:
            raise UnknownService(name)
        return found

    def _by_headers_or_path(self, request: HttpRequest) -> ServiceInfo | None:
        target = request.headers.get("x-amz-target")
        if target:
            prefix = target.rsplit(".", 1)[0]
            found = BY_TARGET_PREFIX.get(prefix)
            if found is None:
                raise UnknownService(prefix)
            return found
        for service in _PREFIXED:
            assert service.path_prefix is not None
            if request.path.startswith(service.path_prefix):
                return service
        if "Action=" in request.query_string:
            version = request.query_get("Version")
            if version is not None and version in BY_QUERY_VERSION:
                return BY_QUERY_VERSION[version]
        return None

    async def _by_form(self, request: HttpRequest) -> ServiceInfo | None:
        ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if request.method != "POST" or ctype != _FORM or request.path not in ("/", ""):
            return None
        data = await request.body.read(_MAX_SNIFFED_FORM)
        request.body = BytesBody(data)
        fields = dict(parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True))
        version = fields.get("Version")
        if "Action" in fields and version in BY_QUERY_VERSION:
            return BY_QUERY_VERSION[version]
        return None

    def _refine_s3(self, request: HttpRequest) -> ServiceInfo:
        control = BY_NAME["s3control"]
        assert control.path_prefix is not None
        if request.path.startswith(control.path_prefix):
            return control
        request.virtual_bucket = self.bucket_from_host(request.host)
        return S3

    def bucket_from_host(self, host: str) -> str | None:
        name = _strip_port(host).lower()
        if not name:
            return None
        for base in self._bases:
            # Only a name under a base can name a bucket; an address is looked at only
            # then (parsing one per request cost 5 % of a small PUT's profile).
            if name.endswith("." + base) and not _is_ip(name):
                bucket = name[: -len(base) - 1]
                # bucket.s3.localhost style: drop a trailing "s3"/"s3.<region>" label
                bucket = re.sub(r"\.s3(?:[.-][a-z0-9-]+)?$", "", bucket)
                return bucket or None
        return None


def _strip_port(host: str) -> str:
    if host.startswith("["):  # [::1]:4566
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
