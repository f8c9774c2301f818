"""KMS's errors, with the codes and (where known) the messages KMS answers with.

Every KMS error is a 400 except the internal ones. Messages follow what KMS says on the
wire; docs/kms.md lists the ones we could not confirm.
"""

from __future__ import annotations

from collections.abc import Iterable

from fogbank.core.errors import AwsError


def _err(code: str, message: str) -> AwsError:
    return AwsError(code, message, status=400)


def validation(message: str) -> AwsError:
    return _err("ValidationException", message)


def constraint(field: str, text: str, value: object | None = None) -> AwsError:
    """The generic model-constraint failure (``1 validation error detected: ...``)."""
    shown = "" if value is None else f" '{value}'"
    return validation(
        f"1 validation error detected: Value{shown} at '{field}' failed to satisfy "
        f"constraint: {text}"
    )


def length_at_most(field: str, limit: int) -> AwsError:
    return constraint(field, f"Member must have length less than or equal to {limit}")


def length_at_least(field: str, limit: int) -> AwsError:
    return constraint(field, f"Member must have length greater than or equal to {limit}")


def value_between(field: str, value: int, low: int, high: int) -> AwsError:
    if value < low:
        return constraint(field, f"Member must have value greater than or equal to {low}", value)
    return constraint(field, f"Member must have value less than or equal to {high}", value)


def enum_value(field: str, value: str, allowed: Iterable[str]) -> AwsError:
    return constraint(field, f"Member must satisfy enum value set: [{', '.join(allowed)}]", value)


def key_not_found(arn: str) -> AwsError:
    return _err("NotFoundException", f"Key '{arn}' does not exist")


def alias_not_found(alias_arn: str) -> AwsError:
    return _err("NotFoundException", f"Alias {alias_arn} is not found.")


def invalid_key_id(key_id: str) -> AwsError:
    return _err("NotFoundException", f"Invalid keyId {key_id}")


def not_found(message: str) -> AwsError:
    return _err("NotFoundException", message)


def disabled(arn: str) -> AwsError:
    return _err("DisabledException", f"{arn} is disabled.")


def pending_deletion(arn: str) -> AwsError:
    return _err("KMSInvalidStateException", f"{arn} is pending deletion.")


def not_pending_deletion(arn: str) -> AwsError:
    return _err("KMSInvalidStateException", f"{arn} is not pending deletion.")


def invalid_state(message: str) -> AwsError:
    return _err("KMSInvalidStateException", message)


def wrong_usage(arn: str, usage: str, operation: str) -> AwsError:
    return _err(
        "InvalidKeyUsageException",
        f"{arn} key usage is {usage} which is not valid for {operation}.",
    )


def incompatible_algorithm(algorithm: str, spec: str) -> AwsError:
    return _err(
        "InvalidKeyUsageException", f"Algorithm {algorithm} is incompatible with key spec {spec}."
    )


def incorrect_key() -> AwsError:
    return _err(
        "IncorrectKeyException",
        "The key ID in the request does not identify a KMS key that can perform this operation.",
    )


def invalid_ciphertext() -> AwsError:
    # KMS answers this one without a message.
    return _err("InvalidCiphertextException", "")


def invalid_signature() -> AwsError:
    return _err("KMSInvalidSignatureException", "")


def invalid_mac() -> AwsError:
    return _err("KMSInvalidMacException", "")


def unsupported(message: str) -> AwsError:
    return _err("UnsupportedOperationException", message)


def not_symmetric_encrypt() -> AwsError:
    return unsupported(
        "You cannot perform this operation on a non-symmetric key or a key with "
        "non-ENCRYPT_DECRYPT key usage."
    )


def aws_managed(arn: str) -> AwsError:
    return unsupported(f"{arn} is an AWS managed key; its properties cannot be changed.")


def already_exists(message: str) -> AwsError:
    return _err("AlreadyExistsException", message)


def malformed_policy(message: str) -> AwsError:
    return _err("MalformedPolicyDocumentException", message)


def tag_error(message: str) -> AwsError:
    return _err("TagException", message)


def limit_exceeded(message: str) -> AwsError:
    return _err("LimitExceededException", message)


def invalid_marker() -> AwsError:
    return _err("InvalidMarkerException", "Invalid marker")


def invalid_grant_token() -> AwsError:
    return _err("InvalidGrantTokenException", "Invalid grant token")


def invalid_grant_id(grant_id: str) -> AwsError:
    return _err("InvalidGrantIdException", f"Invalid grant id {grant_id}")


def invalid_arn(message: str) -> AwsError:
    return _err("InvalidArnException", message)


def access_denied(message: str) -> AwsError:
    return _err("AccessDeniedException", message)
