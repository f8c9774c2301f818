"""Every operation of every service: params -> botocore's client serializer -> the wire ->
fogbank's parser -> the same operation and the same params.

Normalizations, each for something the wire itself cannot carry:
- a timestamp in a header has whole seconds only (botocore converts header timestamps
  through whole epoch seconds, whatever their format), as has one in an RFC 822 query value;
- header names are case-insensitive, so prefixed header maps (S3 ``x-amz-meta-*``) come
  back with lower-case keys;
- a streaming payload (S3 PutObject ``Body``) comes back as the request's body stream,
  which is read here; without one in the input the stream is simply empty;
- ``Content-Length`` is written by the HTTP layer, so a member bound to it (S3 PutObject
  ``ContentLength``) is there even when the caller did not give it.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import OperationModel, Shape

from fogbank.protocol.http import Body
from fogbank.protocol.specs import Specs
from tests.protocol.conftest import all_operations, botocore_model
from tests.protocol.samples import Sampler
from tests.protocol.wire import botocore_request, run

# Operations whose whole request is identical to another's: routing picks the twin (S3's
# deprecated lifecycle/notification calls; S3 Express's ListDirectoryBuckets is
# ListBuckets on another host). Their params are checked with parse_as.
TWINS = {
    ("s3", "GetBucketLifecycle"): "GetBucketLifecycleConfiguration",
    ("s3", "PutBucketLifecycle"): "PutBucketLifecycleConfiguration",
    ("s3", "GetBucketNotification"): "GetBucketNotificationConfiguration",
    ("s3", "PutBucketNotification"): "PutBucketNotificationConfiguration",
    ("s3", "ListDirectoryBuckets"): "ListBuckets",
}


def expected_params(op: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    shape = op.input_shape
    if shape is None:
        return {}
    out = dict(params)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if name not in out:
            payload = shape.serialization.get("payload")
            if member.serialization.get("streaming") and name == payload:
                out[name] = b""
            elif (
                location == "header"
                and member.serialization.get("name", "").lower() == "content-length"
                and op.http["method"] not in ("GET", "HEAD")
            ):
                out[name] = content_length(op, params)
            continue
        if location == "header" and member.type_name == "timestamp":
            out[name] = out[name].replace(microsecond=0)
        elif location == "headers":
            out[name] = {k.lower(): v for k, v in out[name].items()}
        else:
            out[name] = normalized(out[name], member)
    if op.name == "PutBucketNotification":
        # The deprecated notification configurations have a member Event and a flattened
        # list Events whose items are also <Event>: on the wire they are one list, in the
        # order the members were written.
        for config in out["NotificationConfiguration"].values():
            merged: list[str] = []
            for key, value in list(config.items()):
                if key in ("Event", "Events"):
                    merged.extend([value] if key == "Event" else value)
                    del config[key]
            config["Events"] = merged
    return out


def content_length(op: OperationModel, params: dict[str, Any]) -> int:
    request = botocore_request(op, params)
    return int(request.headers.get("content-length") or 0)


def normalized(value: Any, shape: Shape) -> Any:
    """RFC 822 timestamps anywhere carry whole seconds only."""
    kind = shape.type_name
    if kind == "timestamp" and shape.serialization.get("timestampFormat") == "rfc822":
        return value.replace(microsecond=0)
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        members = shape.members  # type: ignore[attr-defined]
        return {k: normalized(v, members[k]) for k, v in value.items()}
    if kind == "list":
        return [normalized(v, shape.member) for v in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: normalized(v, shape.value) for k, v in value.items()}  # type: ignore[attr-defined]
    return value


def received_params(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for name, value in params.items():
        if isinstance(value, Body):
            out[name] = run(value.read(1 << 20))
    return out


@pytest.mark.parametrize(("service", "operation"), all_operations())
def test_request_round_trip(specs: Specs, service: str, operation: str) -> None:
    model = botocore_model(service)
    op = model.operation_model(operation)
    params = Sampler(model.protocol).operation(op)
    protocol = specs.get(service)

    call = run(protocol.parse(botocore_request(op, params)))

    assert call.service == service
    assert call.operation == TWINS.get((service, operation), operation)
    if call.operation != operation:
        call = run(protocol.parse_as(botocore_request(op, params), operation))
    assert received_params(call.params) == expected_params(op, params)


@pytest.mark.parametrize("service", sorted({s for s, _ in all_operations()}))
def test_operation_names_are_the_models(specs: Specs, service: str) -> None:
    assert sorted(specs.get(service).operation_names()) == sorted(
        botocore_model(service).operation_names
    )
