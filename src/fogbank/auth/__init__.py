"""Authentication: who signed this request, verified before anything untrusted is parsed.

The server edge calls :class:`Authenticator`; the RDS and S3 POST paths call
:func:`verify_rds_token` and :func:`verify_post_policy`. Signing helpers are exported for
the modules that sign or verify outside an HTTP request (EFS mount certificates).
"""

from fogbank.auth.authenticator import Authenticator
from fogbank.auth.chunked import AwsChunkedBody, ChunkDecoder, ChunkSigning
from fogbank.auth.credentials import Credential, CredentialLookup
from fogbank.auth.post_policy import PostPolicyResult, verify_post_policy
from fogbank.auth.rds_token import RdsTokenIdentity, TokenRejected, verify_rds_token
from fogbank.auth.result import AuthResult
from fogbank.auth.sigv4 import signing_key, sigv4_signature

__all__ = [
    "AuthResult",
    "Authenticator",
    "AwsChunkedBody",
    "ChunkDecoder",
    "ChunkSigning",
    "Credential",
    "CredentialLookup",
    "PostPolicyResult",
    "RdsTokenIdentity",
    "TokenRejected",
    "signing_key",
    "sigv4_signature",
    "verify_post_policy",
    "verify_rds_token",
]
