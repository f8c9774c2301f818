"""The one exception type that every layer raises for an AWS-visible failure."""

from __future__ import annotations

from collections.abc import Mapping


class AwsError(Exception):
    """An error answered to the client in its protocol's error format.

    ``code`` is the wire error code (``NoSuchKey``, ``AccessDenied``, ``ValidationException``).
    ``status`` is the HTTP status. ``fields`` are extra members of the modeled error shape
    (S3's ``BucketName``, ``StorageClass`` ...), serialized next to code and message.
    ``headers`` are extra response headers (S3's ``x-amz-delete-marker`` on a 404 ...).
    """

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        status: int = 400,
        sender_fault: bool = True,
        fields: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields: dict[str, object] = dict(fields or {})
        self.headers: dict[str, str] = dict(headers or {})

    def __repr__(self) -> str:
        return f"AwsError({self.code!r}, {self.message!r}, status={self.status})"


def internal_error(
    message: str = "We encountered an internal error. Please try again.",
) -> AwsError:
    return AwsError("InternalError", message, status=500, sender_fault=False)


def not_implemented(service: str, operation: str) -> AwsError:
    return AwsError(
        "NotImplemented",
        f"The operation {operation} of {service} is not implemented by fogbank yet.",
        status=501,
        sender_fault=False,
    )
