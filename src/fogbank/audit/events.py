"""What the gateway tells the audit recorder about every request it answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from fogbank.core.context import RequestContext
from fogbank.core.principal import Principal


@dataclass(frozen=True)
class AuditEvent:
    request_id: str
    event_time: float  # simulated epoch seconds
    service: str | None  # None when the request could not be routed
    operation: str | None  # None when it failed before its operation was known
    principal: Principal | None  # None when authentication failed
    source_ip: str
    user_agent: str
    region: str
    secure_transport: bool
    status: int
    # The parsed input and the output, as the operation saw them. Redacting secrets is
    # the recorder's job (it knows which members are sensitive).
    params: Mapping[str, object] | None
    output: Mapping[str, object] | None
    error_code: str | None
    error_message: str | None
    context: RequestContext | None  # resources touched, auth details, when known
    http: HttpSummary | None = None


class AuditSink(Protocol):
    async def record(self, event: AuditEvent) -> None:
        """Take the event; returns at once (the recorder writes behind, in batches) unless
        the recorder's bounded queue is full, then waits for room (back-pressure)."""


@dataclass(frozen=True)
class HttpSummary:
    """The HTTP side of a request, for logs that record it (S3 server access logs)."""

    method: str
    target: str  # the raw path and query as sent, e.g. "/bucket/key?versionId=x"
    host: str
    referer: str
    virtual_bucket: str | None
    bytes_sent: int | None  # response body bytes, when known
    total_ms: int  # from the request's arrival to the response being ready
