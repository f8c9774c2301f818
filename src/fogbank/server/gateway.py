"""The edge: one ordered pipeline that every request on the port goes through.

    route -> authenticate -> parse -> authorize -> operation -> serialize   (+ log line)

Errors at any step are answered in the service's protocol; an unexpected exception
becomes the protocol's internal error with the request id, and is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.audit.events import AuditEvent, AuditSink, HttpSummary
from fogbank.auth.authenticator import Authenticator, AuthResult
from fogbank.authz.enforcer import Authorizer
from fogbank.core import ids
from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError, internal_error, not_implemented
from fogbank.core.principal import ANONYMOUS
from fogbank.protocol.catalog import BY_NAME, ServiceInfo
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.routing import Router, UnknownService
from fogbank.protocol.specs import OperationCall, ServiceProtocol, Specs
from fogbank.server.logs import RequestLog
from fogbank.server.special import special_call, special_response
from fogbank.services.base import Handler, ServiceProvider
from fogbank.services.registry import ServiceRegistry

log = logging.getLogger("fogbank.gateway")


@dataclass
class _Trace:
    """What the log line (and later the audit record) says about one request."""

    request_id: str
    service: str = "-"
    operation: str = "-"
    principal: str = "-"
    status: int = 0
    error: str | None = None
    error_message: str | None = None


class Gateway:
    def __init__(
        self,
        *,
        router: Router,
        specs: Specs,
        authenticator: Authenticator,
        authorizer: Authorizer,
        services: ServiceRegistry,
        clock: Clock,
        default_region: str,
        request_log: RequestLog | None = None,
        audit: AuditSink | None = None,
    ) -> None:
        self.router = router
        self.specs = specs
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.services = services
        self.clock = clock
        self.default_region = default_region
        self.request_log = request_log
        self.audit = audit
        self._handlers: dict[str, Mapping[str, Handler]] = {}
        self._special: dict[str, Mapping[str, Handler]] = {}
        self._protocols: dict[str, ServiceProtocol] = {}

    async def protocol(self, name: str) -> ServiceProtocol:
        """The service's protocol; its model is loaded (off the loop) on first use."""
        proto = self._protocols.get(name)
        if proto is None:
            proto = await asyncio.to_thread(self.specs.get, name)
            self._protocols[name] = proto
        return proto

    async def _provider(self, name: str) -> ServiceProvider | None:
        """The service (built on its first request) and its dispatch tables."""
        provider = await self.services.get(name)
        if provider is not None and name not in self._handlers:
            self._handlers[name] = provider.operations()
            self._special[name] = provider.special_operations()
        return provider

    async def handle(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        trace = _Trace(ids.request_id())
        info: ServiceInfo | None = None
        call: OperationCall | None = None
        auth: AuthResult | None = None
        ctx: RequestContext | None = None
        output: Mapping[str, object] | None = None
        special: str | None = None
        try:
            info = await self.router.route(request)
            trace.service = info.name
            provider = await self._provider(info.name)
            if provider is not None:
                special = provider.special_request(
                    request.method, request.headers.get("content-type")
                )
            if special is None:
                auth = await self.authenticator.authenticate(request, info)
                trace.principal = auth.principal.arn
                proto = await self.protocol(info.name)
                call = await proto.parse(request)
            else:
                auth, call = await special_call(special, request, info.name, self.authenticator)
                trace.principal = auth.principal.arn
            trace.operation = call.operation
            ctx = self._context(request, info, call, auth, trace.request_id)
            await self.authorizer.authorize(ctx, call.params)
            table = self._handlers if special is None else self._special
            handler = table.get(info.name, {}).get(call.operation)
            if handler is None:
                raise not_implemented(info.name, call.operation)
            output = await handler(ctx, call.params)
            if special is None:
                response = proto.serialize(call, output, trace.request_id)
            else:
                response = special_response(dict(output), trace.request_id)
        except AwsError as err:
            trace.error = err.code
            trace.error_message = err.message
            response = await self._error(
                info, err, trace.request_id, call if special is None else None, request.method
            )
        except Exception:
            log.exception("unexpected error, request %s", trace.request_id)
            trace.error = "InternalError"
            response = await self._error(
                info, internal_error(), trace.request_id, None if special else call, request.method
            )
        if ctx is not None:  # the operation's scratch (S3: a body read ahead, perhaps
            ctx.memo.clear()  # never sent): not kept by the audit record
        trace.status = response.status
        if self.request_log is not None:
            self._log(self.request_log, trace, started)
        if self.audit is not None:
            await self.audit.record(
                AuditEvent(
                    request_id=trace.request_id,
                    event_time=self.clock.time(),
                    service=info.name if info else None,
                    operation=call.operation if call else None,
                    principal=auth.principal if auth else None,
                    source_ip=request.client_ip,
                    user_agent=request.headers.get("user-agent") or "",
                    region=(auth.region if auth else None) or self.default_region,
                    secure_transport=request.scheme == "https",
                    status=response.status,
                    params=call.params if call else None,
                    output=_without_body(output),
                    error_code=trace.error,
                    error_message=trace.error_message,
                    context=ctx,
                    http=_summary(request, response, started),
                )
            )
        return response

    def _context(
        self,
        request: HttpRequest,
        info: ServiceInfo,
        call: OperationCall,
        auth: AuthResult,
        request_id: str,
    ) -> RequestContext:
        return RequestContext(
            request_id=request_id,
            service=info.name,
            operation=call.operation,
            region=auth.region or self.default_region,
            principal=auth.principal or ANONYMOUS,
            clock=self.clock,
            source_ip=request.client_ip,
            user_agent=request.headers.get("user-agent") or "",
            secure_transport=request.scheme == "https",
            headers=request.headers.mapping(),
            auth_method=auth.method,
            auth_type=auth.auth_type,
            signature_age_ms=auth.signature_age_ms,
            access_key_id=auth.access_key_id,
            tls_version=request.tls_version,
        )

    async def _error(
        self,
        info: ServiceInfo | None,
        err: AwsError,
        request_id: str,
        call: OperationCall | None,
        method: str,
    ) -> HttpResponse:
        if info is None or isinstance(err, UnknownService):
            info = BY_NAME["s3"]
        try:
            proto = await self.protocol(info.name)
            return proto.serialize_error(err, request_id, call, method)
        except Exception:
            log.exception("cannot serialize error %s, request %s", err.code, request_id)
            body = json.dumps({"__type": err.code, "message": err.message}).encode()
            return HttpResponse(
                err.status,
                [("content-type", "application/json"), ("x-amzn-requestid", request_id)],
                body,
            )

    @staticmethod
    def _log(lines: RequestLog, trace: _Trace, started: float) -> None:
        lines.write(
            {
                "service": trace.service,
                "operation": trace.operation,
                "status": trace.status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                "request_id": trace.request_id,
                "principal": trace.principal,
                "error": trace.error,
            }
        )


def _without_body(output: Mapping[str, object] | None) -> Mapping[str, object] | None:
    """The output for the audit: without the response body, which no record keeps
    (``audit.redaction``) and which a queued event must not hold on to (a GET's body is
    a megabyte of a pooled read buffer, lent again only once nothing refers to it)."""
    if output is None or "Body" not in output:
        return output
    return {k: v for k, v in output.items() if k != "Body"}


def _summary(request: HttpRequest, response: HttpResponse, started: float) -> HttpSummary:
    body = response.body
    sent: int | None = len(body) if isinstance(body, bytes | bytearray | memoryview) else None
    if sent is None:
        length = response.header("content-length")
        sent = int(length) if length and length.isdigit() else None
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return HttpSummary(
        method=request.method,
        target=target,
        host=request.host,
        referer=request.headers.get("referer") or "",
        virtual_bucket=request.virtual_bucket,
        bytes_sent=sent,
        total_ms=round((time.perf_counter() - started) * 1000),
    )
