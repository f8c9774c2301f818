"""What the API handlers share: their signature, list pages, the audit's resources,
DryRun and the request members fogbank does not support."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.kms import errors, pagination
from fogbank.services.kms.api import params as p
from fogbank.services.kms.engine import Engine

T = TypeVar("T")
Output = dict[str, object]
EngineHandler = Callable[[Engine, RequestContext, p.Params], Awaitable[Output]]
Handlers = Mapping[str, EngineHandler]

KEY_RESOURCE = "AWS::KMS::Key"


def touched(ctx: RequestContext, key_arn: str) -> None:
    """Name the key in the request's audit record (CloudTrail's ``resources``)."""
    entry = (KEY_RESOURCE, key_arn)
    if entry not in ctx.resources:
        ctx.resources.append(entry)


def page(page_: pagination.Page[T], member: str, entry: Callable[[T], object]) -> Output:
    """A list response: the entries, ``Truncated``, and ``NextMarker`` when truncated."""
    out: Output = {member: [entry(item) for item in page_.items], "Truncated": page_.truncated}
    if page_.next_marker is not None:
        out["NextMarker"] = page_.next_marker
    return out


def dry_run() -> AwsError:
    """What a request with ``DryRun`` answers once it has been found to succeed."""
    return AwsError(
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
        status=412,
    )


def is_dry_run(params: p.Params) -> bool:
    return p.flag(params, "DryRun")


def ignores_ciphertext(params: p.Params) -> bool:
    return "IGNORE_CIPHERTEXT" in p.strings(params, "DryRunModifiers")


def no_recipient(params: p.Params) -> None:
    """``Recipient`` (attested Nitro enclaves) needs an attestation fogbank cannot check."""
    if params.get("Recipient") is not None:
        raise errors.unsupported(
            "Recipient (cryptographic attestation for Nitro Enclaves) is not supported by fogbank."
        )


def bind(
    engine: Engine, handler: EngineHandler
) -> Callable[[RequestContext, dict[str, object]], Awaitable[Mapping[str, object]]]:
    """The handler as the gateway calls it, with the engine bound."""

    async def call(ctx: RequestContext, params: dict[str, object]) -> Mapping[str, object]:
        return await handler(engine, ctx, params)

    call.__name__ = getattr(handler, "__name__", "kms_handler")
    return call
