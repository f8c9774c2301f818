"""Turning what the gateway saw of a request into a CloudTrail record.

Field list and order follow the CloudTrail user guide, "CloudTrail record contents"
(eventVersion 1.11). Requests that failed authentication are not recorded: CloudTrail
attributes every event to an account (the caller's, or for anonymous S3 calls the bucket
owner's), and an unauthenticated caller has none; unroutable requests reach no service.
Anonymous requests count as unauthenticated except where AWS serves them (S3).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from fogbank.audit import classify, identity, resources
from fogbank.audit.events import AuditEvent
from fogbank.audit.params import MAX_ELEMENT_CHARS, Renderer
from fogbank.core.principal import PrincipalKind
from fogbank.protocol.catalog import BY_NAME
from fogbank.protocol.plan import OperationPlan
from fogbank.protocol.specs import Specs
from fogbank.services.cloudtrail.events import EventResource, EventRow

EVENT_VERSION = "1.11"
# Services that serve unsigned (anonymous) requests; elsewhere an unsigned request is an
# authentication failure (AWS answers MissingAuthenticationToken) and is not recorded.
ANONYMOUS_SERVICES = frozenset({"s3"})

_SIGNATURE_VERSIONS = {"sigv4": "SigV4", "sigv2": "SigV2"}
_AUTH_METHODS = {"header": "AuthHeader", "query": "QueryString", "post": "HtmlForm"}


class PlanSource(Protocol):
    def plan(self, service: str, operation: str) -> OperationPlan | None:
        """The compiled model of an operation, if the service's model is loaded."""


class SpecsPlans:
    """Plans from the gateway's ``Specs`` (loaded already: the request was parsed)."""

    def __init__(self, specs: Specs) -> None:
        self._specs = specs

    def plan(self, service: str, operation: str) -> OperationPlan | None:
        try:
            context = self._specs.get(service).context
        except KeyError:
            return None
        if not context.has_operation(operation):
            return None
        return context.operation(operation)


def iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id(now_ns: int | None = None) -> str:
    """A time-ordered (version 7, RFC 9562) UUID, as CloudTrail's eventID: 48 bits of
    real Unix time in milliseconds, then 74 random bits (an id, not a secret: see
    ``core.ids.request_id``).

    CloudTrail's eventIDs are opaque GUIDs. They are time-ordered here because the event
    history indexes them: with random ids every batch of events dirtied one index page
    per event, anywhere in an index that grows for 90 days, and storing an event cost
    2.5 times more once the history held 100,000 events; ids that grow with time are
    appended at the index's end, at a cost that does not grow.
    """
    ms = (time.time_ns() if now_ns is None else now_ns) // 1_000_000
    rand_a = random.getrandbits(12)
    rand_b = random.getrandbits(62)
    return (
        f"{ms >> 16:08x}-{ms & 0xFFFF:04x}-7{rand_a:03x}-"
        f"{0x8000 | (rand_b >> 48):04x}-{rand_b & 0xFFFFFFFFFFFF:012x}"
    )


def _capped(value: dict[str, object] | None) -> dict[str, object] | None:
    if value is None:
        return None
    size = len(json.dumps(value, default=str))
    if size > MAX_ELEMENT_CHARS:
        return {"omitted": True, "originalSize": size}
    return value


class RecordBuilder:
    def __init__(self, plans: PlanSource, default_account: str, partition: str = "aws") -> None:
        self._plans = plans
        self._default_account = default_account
        self._partition = partition
        self._last_second = -1
        self._last_text = ""
        self._kinds: dict[tuple[str, str], tuple[bool, classify.Category]] = {}

    def _kind(self, service: str, operation: str) -> tuple[bool, classify.Category]:
        """(readOnly, category) of an operation, worked out once."""
        key = (service, operation)
        found = self._kinds.get(key)
        if found is None:
            found = (
                classify.is_read_only(service, operation),
                classify.category(service, operation),
            )
            self._kinds[key] = found
        return found

    def is_data_event(self, event: AuditEvent) -> bool:
        """Whether the event's record would be a data event (S3 object-level calls)."""
        if event.service is None or event.operation is None:
            return False
        return self._kind(event.service, event.operation)[1] is classify.Category.DATA

    def _time_text(self, epoch: float) -> str:
        second = int(epoch)
        if second != self._last_second:  # events come in bursts within one second
            self._last_second, self._last_text = second, iso_time(epoch)
        return self._last_text

    def build(self, event: AuditEvent) -> EventRow | None:
        principal = event.principal
        if principal is None or event.service is None or event.operation is None:
            return None
        info = BY_NAME.get(event.service)
        if info is None:
            return None
        service, operation = event.service, event.operation
        ctx = event.context
        region = classify.event_region(service, event.region)
        anonymous = principal.kind is PrincipalKind.ANONYMOUS
        if anonymous and service not in ANONYMOUS_SERVICES:
            return None
        recipient = principal.account_id
        if anonymous:
            owner = ctx.resource_account if ctx is not None else None
            recipient = owner or self._default_account
        read_only, category = self._kind(service, operation)
        where = resources.Where(self._partition, region, recipient)
        if ctx is not None and ctx.resources:
            found = resources.from_context(ctx.resources, where)
        else:
            found = resources.from_call(service, event.params, event.output, where)

        plan = self._plans.plan(service, operation) if event.params is not None else None
        renderer = Renderer(service, rest_xml=info.protocol == "rest-xml")
        host = ctx.headers.get("host") if ctx is not None else None
        request_parameters = None
        if event.params is not None:
            request_parameters = renderer.request(
                plan.input if plan else None, event.params, host=host
            )
        response_elements = None
        if event.output is not None and not read_only and event.error_code is None:
            response_elements = renderer.response(plan.output if plan else None, event.output)

        access_key = ctx.access_key_id if ctx is not None else principal.access_key_id
        record: dict[str, object] = {
            "eventVersion": EVENT_VERSION,
            "userIdentity": identity.user_identity(principal, access_key),
            "eventTime": self._time_text(event.event_time),
            "eventSource": info.event_source,
            "eventName": operation,
            "awsRegion": region,
            "sourceIPAddress": event.source_ip,
            "userAgent": event.user_agent,
        }
        if event.error_code is not None:
            record["errorCode"] = event.error_code
            record["errorMessage"] = renderer.scrub(event.error_message) or ""
        record["requestParameters"] = request_parameters
        record["responseElements"] = response_elements
        extra = self._additional(service, ctx.auth_method if ctx is not None else None)
        if extra:
            record["additionalEventData"] = extra
        new_id = event_id()
        record["requestID"] = event.request_id
        record["eventID"] = new_id
        record["readOnly"] = read_only
        if found:
            record["resources"] = [r.as_record() for r in found]
        record["eventType"] = "AwsApiCall"
        record["managementEvent"] = category is classify.Category.MANAGEMENT
        record["recipientAccountId"] = recipient
        record["eventCategory"] = category.value
        if event.secure_transport:
            record["tlsDetails"] = self._tls(ctx.tls_version if ctx else None, host)
        text = json.dumps(record, separators=(",", ":"), default=str)
        if len(text) > MAX_ELEMENT_CHARS:  # rare: only then are the parts measured
            record["requestParameters"] = _capped(request_parameters)
            record["responseElements"] = _capped(response_elements)
            text = json.dumps(record, separators=(",", ":"), default=str)
        return EventRow(
            event_id=new_id,
            account_id=recipient,
            region=region,
            event_time=event.event_time,
            event_name=operation,
            event_source=info.event_source,
            username=identity.lookup_username(principal),
            access_key_id=access_key,
            read_only=read_only,
            management=category is classify.Category.MANAGEMENT,
            resources=tuple(EventResource(r.type, r.name, r.arn) for r in found),
            record=text,
        )

    @staticmethod
    def _additional(service: str, auth_method: str | None) -> Mapping[str, object] | None:
        if service != "s3" or not auth_method or auth_method == "anonymous":
            return None
        scheme, _, where = auth_method.partition("-")
        extra: dict[str, object] = {}
        if scheme in _SIGNATURE_VERSIONS:
            extra["SignatureVersion"] = _SIGNATURE_VERSIONS[scheme]
        if where in _AUTH_METHODS:
            extra["AuthenticationMethod"] = _AUTH_METHODS[where]
        return extra or None

    @staticmethod
    def _tls(version: str | None, host: str | None) -> dict[str, object]:
        details: dict[str, object] = {}
        if version:
            details["tlsVersion"] = version
        if host:
            details["clientProvidedHostHeader"] = host
        return details
