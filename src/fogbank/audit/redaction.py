"""Which request and response members never reach a CloudTrail record, per service.

AWS's practice, followed here: secrets that a call returns or takes are left out of the
record altogether (IAM ``CreateAccessKey`` records the access key id, not the secret; KMS
``Encrypt`` records the key id and encryption context, not the plaintext; STS records the
access key id of the credentials it issued). A few inputs are recorded but masked with
``HIDDEN_DUE_TO_SECURITY_REASONS`` (RDS master passwords). Any other member the service model
marks ``sensitive`` is masked too, unless the table below says AWS records it (S3 records
the SSE-KMS key id, which the S3 model marks sensitive). Blobs (payloads, ciphertexts, data
keys, object bodies) are never recorded: they are not JSON, and most are secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"


class Treatment(Enum):
    KEEP = "keep"
    HIDE = "hide"  # recorded as HIDDEN_DUE_TO_SECURITY_REASONS
    OMIT = "omit"  # left out of the record


_OMIT = Treatment.OMIT
_HIDE = Treatment.HIDE
_KEEP = Treatment.KEEP

# Member names (the model's names, at any depth of the input or the output).
COMMON: Mapping[str, Treatment] = {
    "Body": _OMIT,
    "SecretAccessKey": _OMIT,
    "SessionToken": _OMIT,
    "Password": _OMIT,
}

TABLES: Mapping[str, Mapping[str, Treatment]] = {
    "iam": {
        "Password": _OMIT,
        "NewPassword": _OMIT,
        "OldPassword": _OMIT,
        "SecretAccessKey": _OMIT,
        "PrivateKey": _OMIT,
        "ServicePassword": _OMIT,
        "ServiceCredentialSecret": _OMIT,
        "Base32StringSeed": _OMIT,
        "QRCodePNG": _OMIT,
        "AuthenticationCode1": _OMIT,
        "AuthenticationCode2": _OMIT,
    },
    "sts": {
        "SecretAccessKey": _OMIT,
        "SessionToken": _OMIT,
        "SAMLAssertion": _OMIT,
        "WebIdentityToken": _OMIT,
        "TradeInToken": _OMIT,
        "TokenCode": _OMIT,
        "EncodedMessage": _OMIT,
        "DecodedMessage": _OMIT,
    },
    "kms": {
        "Plaintext": _OMIT,
        "PrivateKeyPlaintext": _OMIT,
        "SharedSecret": _OMIT,
        "Message": _OMIT,
        "CiphertextBlob": _OMIT,
        "CiphertextForRecipient": _OMIT,
        "KeyStorePassword": _HIDE,
        "RawSecretAccessKey": _OMIT,
        "Mac": _OMIT,
        "Signature": _OMIT,
        "PublicKey": _KEEP,
        "GrantTokens": _OMIT,
        "GrantToken": _OMIT,
    },
    "rds": {
        "MasterUserPassword": _HIDE,
        "TdeCredentialPassword": _HIDE,
        "NewMasterUserPassword": _HIDE,
        "PreSignedUrl": _HIDE,
        "LogFileData": _OMIT,
    },
    "s3": {
        "SSECustomerKey": _OMIT,
        "CopySourceSSECustomerKey": _OMIT,
        "SSEKMSKeyId": _KEEP,
        "SSEKMSEncryptionContext": _KEEP,
        "KMSMasterKeyID": _KEEP,
        "KMSKeyArn": _KEEP,
        "KeyId": _KEEP,
        "SecretAccessKey": _OMIT,
        "SessionToken": _OMIT,
        "Body": _OMIT,
    },
    "ec2": {"UserData": _HIDE, "PasswordData": _OMIT, "KeyMaterial": _OMIT},
    "efs": {},
    "cloudtrail": {},
}


def treatment(service: str, member: str, sensitive: bool) -> Treatment:
    """What happens to member ``member`` of ``service`` (model-sensitive or not)."""
    found = TABLES.get(service, {}).get(member) or COMMON.get(member)
    if found is not None:
        return found
    return _HIDE if sensitive else _KEEP
