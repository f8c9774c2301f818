"""What an operation knows about the request it serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fogbank.core.clock import Clock
from fogbank.core.principal import Principal


@dataclass
class RequestContext:
    request_id: str
    service: str  # catalog name: "s3", "iam" ...
    operation: str
    region: str
    principal: Principal
    clock: Clock
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    secure_transport: bool = False
    # Request headers (lower-case names), for the few operations whose inputs the model
    # does not carry (browser POST uploads, CORS preflight).
    headers: Mapping[str, str] = field(default_factory=dict)
    # How the caller authenticated (condition keys s3:authType, s3:signatureAge ...).
    auth_method: str = "anonymous"  # sigv4-header | sigv4-query | sigv2-* | anonymous
    auth_type: str | None = None  # REST-HEADER | REST-QUERY-STRING | POST
    signature_age_ms: int | None = None
    access_key_id: str | None = None
    tls_version: str | None = None  # "TLSv1.3" over https
    # Filled by the operation for the audit record: ARNs it touched, and the response
    # elements worth recording (never secrets).
    resources: list[tuple[str, str]] = field(default_factory=list)  # (type, ARN)
    # The account owning the resource acted on, when it is not the caller's (anonymous or
    # cross-account requests): the account whose CloudTrail receives the event.
    resource_account: str | None = None
    # What a service read while authorizing that its operation reuses, so that a request
    # reads it once (S3's GetObject: the object, whose key KMS must allow decrypting).
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        """The caller's account: where the resources it creates live."""
        return self.principal.account_id
