"""The AWS error each service answers for each authentication failure: a data table.

Services do not agree on these: S3 says ``InvalidAccessKeyId`` where IAM says
``InvalidClientTokenId``, KMS ``UnrecognizedClientException`` and EC2 ``AuthFailure``. The
table is keyed by a *family* of services (see :func:`family_of`) and a :class:`Failure`.
Messages are templates; the details they name are passed by the caller (see
:data:`DETAIL_NAMES`). No template may name a secret.

Sources (wire captures and SDK issue threads; also the S3-compatible gateway
versity/versitygw ``s3err/*.go``, whose messages are checked against AWS):
- S3 InvalidAccessKeyId / SignatureDoesNotMatch / AccessDenied "Request has expired" /
  AuthorizationQueryParametersError / AuthorizationHeaderMalformed / MissingContentLength /
  XAmzContentSHA256Mismatch (+ ClientComputedContentSHA256, S3ComputedContentSHA256 fields):
  versitygw s3err/s3err.go, presigned-urls.go, sigv4.go; s3tools/s3cmd#812 (wire XML).
- S3 RequestTimeTooSkewed 403 + RequestTime/ServerTime/MaxAllowedSkewMilliseconds:
  reference/aws-protocol-notes.md §1.6; versitygw request-time-too-skewed-error.go.
- S3 ExpiredToken 400 "The provided token has expired.": craftcms/aws-s3#182 (wire XML).
- S3 InvalidToken 400 "The provided token is malformed or otherwise invalid.": s3cmd#297.
- S3 AccessDenied "AWS authentication requires a valid Date or x-amz-date header" (403):
  gaul/s3proxy#29 (s3-tests against AWS), carrierwave#205 (403 Forbidden).
- S3 IncompleteBody "The request body terminated unexpectedly": aws-sdk-java-v2#180.
- S3 BadDigest "The CRC32 you specified did not match the calculated checksum.":
  aws-sdk-ruby#3322, arrow-rs-object-store#709.
- S3 InvalidArgument for a bad x-amz-content-sha256 (text listing the allowed values),
  InvalidRequest "Missing required header for this request: x-amz-content-sha256",
  MalformedTrailerError, InvalidChunkSizeError: versitygw s3err.go (recent), versitygw#1427.
- IAM/STS/RDS InvalidClientTokenId 403 "The security token included in the request is
  invalid.": jrl84/amazon-sp-api#218 (STS ErrorResponse), evanshortiss/sns-mobile#14 (403).
- Query SignatureDoesNotMatch "Signature expired: … is now earlier than … (… - 15 min.)":
  aws/aws-cli#6676; "Credential should be scoped to correct service": cllunsford/
  aws-signing-proxy#25; ExpiredToken 403 "The security token included in the request is
  expired": cfn-sphere#55 (IAM ErrorResponse), aws-sdk-java-v2#1649 (STS, 403).
- JSON (KMS/CloudTrail) UnrecognizedClientException 400, InvalidSignatureException 400
  (also for "Signature expired"), ExpiredTokenException 400: aws-azure-login#37,
  aws-sdk-js#254, getsops/sops#621, teralytics/prometheus-ecs-discovery#7.
- rest-json (EFS) uses the JSON codes with 403 (API-Gateway-fronted services):
  iann0036/iamlive#58, aws/aws-sdk-go#1850. EFS itself not captured: assumption.
- EC2 AuthFailure 401 "AWS was not able to validate the provided access credentials":
  aws-sdk-java#2508, terraform#17273; RequestExpired 400 "Request has expired.":
  aws-sdk-java#1443 (also what EC2 says for expired temporary credentials:
  aws-sdk-go-v2#1674); SignatureDoesNotMatch: aws/aws-cli#135.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.auth.error_kinds import DETAIL_NAMES, ErrorSpec, Failure, Family
from fogbank.core.errors import AwsError
from fogbank.protocol.catalog import ServiceInfo

__all__ = ["DETAIL_NAMES", "ErrorSpec", "Failure", "Family", "auth_error", "family_of", "spec_for"]


_SIG_MISMATCH_GENERIC = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_TOKEN_INVALID = "The security token included in the request is invalid."  # noqa: S105
_TOKEN_EXPIRED = "The security token included in the request is expired"  # noqa: S105
_EXPIRED = "Signature expired: {date} is now earlier than {limit} ({now} - {minutes} min.)"
_NOT_YET = "Signature not yet current: {date} is still later than {limit} ({now} + {minutes} min.)"
_WRONG_SERVICE = "Credential should be scoped to correct service: '{expected}'. "
_WRONG_TERMINATOR = (
    "Credential should be scoped with a valid terminator: 'aws4_request', not '{got}'. "
)
_DATE_MISMATCH = (
    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
    "HTTP: '{got}' != '{expected}', from '{date}'."
)
_NO_DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
_CONTENT_SHA256_VALUES = (
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
    "or a valid sha256 value."
)
_MALFORMED_HEADER = "The authorization header is malformed; {detail}"
_CRED_PARAM = "Error parsing the X-Amz-Credential parameter; "


def _s3_table() -> dict[Failure, ErrorSpec]:
    f = Failure
    return {
        f.UNKNOWN_KEY: ErrorSpec(
            "InvalidAccessKeyId",
            403,
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        f.INVALID_TOKEN: ErrorSpec(
            "InvalidToken", 400, "The provided token is malformed or otherwise invalid."
        ),
        f.EXPIRED_TOKEN: ErrorSpec("ExpiredToken", 400, "The provided token has expired."),
        f.BAD_SIGNATURE: ErrorSpec(
            "SignatureDoesNotMatch",
            403,
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        ),
        f.SKEWED_PAST: ErrorSpec(
            "RequestTimeTooSkewed",
            403,
            "The difference between the request time and the current time is too large.",
        ),
        f.MISSING_DATE: ErrorSpec(
            "AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"
        ),
        f.MALFORMED_AUTH: ErrorSpec("AuthorizationHeaderMalformed", 400, _MALFORMED_HEADER),
        f.UNSUPPORTED_AUTH: ErrorSpec("InvalidArgument", 400, "Unsupported Authorization Type"),
        f.UNSUPPORTED_ALGORITHM: ErrorSpec(
            "InvalidRequest",
            400,
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256.",
        ),
        f.WRONG_SERVICE: ErrorSpec(
            "AuthorizationHeaderMalformed",
            400,
            'The authorization header is malformed; incorrect service "{got}". '
            'This endpoint belongs to "{expected}".',
        ),
        f.WRONG_TERMINATOR: ErrorSpec(
            "AuthorizationHeaderMalformed",
            400,
            'The authorization header is malformed; incorrect terminal "{got}". '
            'This endpoint uses "aws4_request".',
        ),
        f.DATE_MISMATCH: ErrorSpec(
            "AuthorizationHeaderMalformed",
            400,
            "The authorization header is malformed; Invalid credential date. "
            "Date is not the same as X-Amz-Date.",
        ),
        f.MALFORMED_CREDENTIAL: ErrorSpec(
            "AuthorizationHeaderMalformed",
            400,
            "The authorization header is malformed; the Credential is mal-formed; "
            'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        ),
        f.QUERY_PARAMS: ErrorSpec("AuthorizationQueryParametersError", 400, "{detail}"),
        f.PRESIGN_EXPIRED: ErrorSpec("AccessDenied", 403, "Request has expired"),
        f.PRESIGN_NOT_YET_VALID: ErrorSpec("AccessDenied", 403, "Request is not valid yet"),
        f.MISSING_CONTENT_SHA256: ErrorSpec(
            "InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256"
        ),
        f.INVALID_CONTENT_SHA256: ErrorSpec("InvalidArgument", 400, _CONTENT_SHA256_VALUES),
        f.CONTENT_SHA256_USAGE: ErrorSpec(
            "InvalidRequest", 400, "The value of x-amz-content-sha256 header is invalid."
        ),
        f.CONTENT_SHA256_MISMATCH: ErrorSpec(
            "XAmzContentSHA256Mismatch",
            400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ),
        f.MISSING_DECODED_LENGTH: ErrorSpec(
            "MissingContentLength", 411, "You must provide the Content-Length HTTP header."
        ),
        f.INVALID_DECODED_LENGTH: ErrorSpec(
            "InvalidArgument", 400, "x-amz-decoded-content-length must be a non-negative integer."
        ),
        f.DECODED_LENGTH_MISMATCH: ErrorSpec(
            "IncompleteBody",
            400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header",
        ),
        f.INCOMPLETE_BODY: ErrorSpec(
            "IncompleteBody", 400, "The request body terminated unexpectedly"
        ),
        # Not captured from AWS: S3 answers malformed aws-chunked framing in ways we have no
        # record of; InvalidRequest with a precise message is our choice.
        f.MALFORMED_CHUNK: ErrorSpec(
            "InvalidRequest", 400, "The aws-chunked request body is malformed: {detail}"
        ),
        f.CHUNK_TOO_SMALL: ErrorSpec(
            "InvalidChunkSizeError",
            400,
            "Only the last chunk is allowed to have a size less than 8192 bytes",
        ),
        f.MALFORMED_TRAILER: ErrorSpec(
            "MalformedTrailerError",
            400,
            "The request contained trailing data that was not well-formed or did not conform "
            "to our published schema.",
        ),
        f.UNSUPPORTED_TRAILER: ErrorSpec(
            "InvalidRequest",
            400,
            "The value specified in the x-amz-trailer header is not supported",
        ),
        f.INVALID_CHECKSUM_VALUE: ErrorSpec(
            "InvalidRequest", 400, "Value for {header} trailing header is invalid."
        ),
        f.BAD_DIGEST: ErrorSpec(
            "BadDigest", 400, "The {algorithm} you specified did not match the calculated checksum."
        ),
    }


def _s3_presign_table() -> dict[Failure, ErrorSpec]:
    f = Failure
    qp = "AuthorizationQueryParametersError"
    return {
        f.WRONG_SERVICE: ErrorSpec(
            qp,
            400,
            _CRED_PARAM + 'incorrect service "{got}". This endpoint belongs to "{expected}".',
        ),
        f.WRONG_TERMINATOR: ErrorSpec(
            qp, 400, _CRED_PARAM + 'incorrect terminal "{got}". This endpoint uses "aws4_request".'
        ),
        f.MALFORMED_CREDENTIAL: ErrorSpec(
            qp,
            400,
            _CRED_PARAM + "the Credential is mal-formed; expecting "
            '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        ),
        f.DATE_MISMATCH: ErrorSpec(
            qp,
            400,
            'Invalid credential date "{got}". '
            'This date is not the same as X-Amz-Date: "{expected}".',
        ),
        f.UNSUPPORTED_ALGORITHM: ErrorSpec(
            qp, 400, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'
        ),
    }


def _generic_table(
    *,
    unknown: ErrorSpec,
    bad_sig: ErrorSpec,
    skew_code: str,
    skew_status: int,
    expired_token: ErrorSpec,
    incomplete_code: str,
) -> dict[Failure, ErrorSpec]:
    """Query, JSON and rest-json services share the shape, not the codes."""
    f = Failure
    incomplete = ErrorSpec(incomplete_code, 400, "{detail}")
    sig_code, sig_status = bad_sig.code, bad_sig.status
    return {
        f.UNKNOWN_KEY: unknown,
        f.INVALID_TOKEN: unknown,
        f.EXPIRED_TOKEN: expired_token,
        f.BAD_SIGNATURE: bad_sig,
        f.SKEWED_PAST: ErrorSpec(skew_code, skew_status, _EXPIRED),
        f.SKEWED_FUTURE: ErrorSpec(skew_code, skew_status, _NOT_YET),
        f.PRESIGN_EXPIRED: ErrorSpec(skew_code, skew_status, _EXPIRED),
        f.PRESIGN_NOT_YET_VALID: ErrorSpec(skew_code, skew_status, _NOT_YET),
        f.MISSING_DATE: ErrorSpec(incomplete_code, 400, _NO_DATE),
        f.MALFORMED_AUTH: incomplete,
        f.MALFORMED_CREDENTIAL: ErrorSpec(
            incomplete_code,
            400,
            "Credential must have exactly 5 slash-delimited elements, "
            "e.g. keyid/date/region/service/term, got '{got}'",
        ),
        f.UNSUPPORTED_AUTH: ErrorSpec(incomplete_code, 400, "Unsupported Authorization Type"),
        f.UNSUPPORTED_ALGORITHM: ErrorSpec(
            incomplete_code, 400, "Unsupported AWS 'algorithm': '{got}'"
        ),
        f.QUERY_PARAMS: incomplete,
        f.WRONG_SERVICE: ErrorSpec(sig_code, sig_status, _WRONG_SERVICE),
        f.WRONG_TERMINATOR: ErrorSpec(sig_code, sig_status, _WRONG_TERMINATOR),
        f.DATE_MISMATCH: ErrorSpec(sig_code, sig_status, _DATE_MISMATCH),
        f.CONTENT_SHA256_MISMATCH: bad_sig,
        f.INVALID_CONTENT_SHA256: bad_sig,
    }


_TABLE: dict[Family, dict[Failure, ErrorSpec]] = {
    Family.S3: _s3_table(),
    Family.S3_PRESIGN: _s3_presign_table(),
    Family.QUERY: _generic_table(
        unknown=ErrorSpec("InvalidClientTokenId", 403, _TOKEN_INVALID),
        bad_sig=ErrorSpec("SignatureDoesNotMatch", 403, _SIG_MISMATCH_GENERIC),
        skew_code="SignatureDoesNotMatch",
        skew_status=403,
        expired_token=ErrorSpec("ExpiredToken", 403, _TOKEN_EXPIRED),
        incomplete_code="IncompleteSignature",
    ),
    Family.JSON: _generic_table(
        unknown=ErrorSpec("UnrecognizedClientException", 400, _TOKEN_INVALID),
        bad_sig=ErrorSpec("InvalidSignatureException", 400, _SIG_MISMATCH_GENERIC),
        skew_code="InvalidSignatureException",
        skew_status=400,
        expired_token=ErrorSpec("ExpiredTokenException", 400, _TOKEN_EXPIRED),
        incomplete_code="IncompleteSignatureException",
    ),
    Family.REST_JSON: _generic_table(
        unknown=ErrorSpec("UnrecognizedClientException", 403, _TOKEN_INVALID),
        bad_sig=ErrorSpec("InvalidSignatureException", 403, _SIG_MISMATCH_GENERIC),
        skew_code="InvalidSignatureException",
        skew_status=403,
        expired_token=ErrorSpec("ExpiredTokenException", 403, _TOKEN_EXPIRED),
        incomplete_code="IncompleteSignatureException",
    ),
    Family.EC2: _generic_table(
        unknown=ErrorSpec(
            "AuthFailure", 401, "AWS was not able to validate the provided access credentials"
        ),
        bad_sig=ErrorSpec("SignatureDoesNotMatch", 403, _SIG_MISMATCH_GENERIC),
        skew_code="RequestExpired",
        skew_status=400,
        expired_token=ErrorSpec("RequestExpired", 400, "Request has expired."),
        incomplete_code="IncompleteSignature",
    ),
}
# EC2 words skew like an expired request, not like a signature failure.
_TABLE[Family.EC2][Failure.SKEWED_PAST] = ErrorSpec("RequestExpired", 400, "Request has expired.")
_TABLE[Family.EC2][Failure.SKEWED_FUTURE] = ErrorSpec(
    "RequestExpired", 400, "Request is not yet valid."
)
_TABLE[Family.EC2][Failure.PRESIGN_EXPIRED] = _TABLE[Family.EC2][Failure.SKEWED_PAST]
# S3 says RequestTimeTooSkewed both ways.
_TABLE[Family.S3][Failure.SKEWED_FUTURE] = _TABLE[Family.S3][Failure.SKEWED_PAST]


def family_of(service: ServiceInfo) -> Family:
    if service.signing_name == "s3":
        return Family.S3
    if service.protocol == "ec2":
        return Family.EC2
    if service.protocol == "json":
        return Family.JSON
    if service.protocol == "rest-json":
        return Family.REST_JSON
    return Family.QUERY  # query, and rest-xml services other than S3


def spec_for(family: Family, failure: Failure) -> ErrorSpec | None:
    """The spec, or None where the failure cannot happen for this family (S3-only checks)."""
    if family is Family.S3_PRESIGN:
        found = _TABLE[Family.S3_PRESIGN].get(failure)
        if found is not None:
            return found
        family = Family.S3
    if failure is Failure.MISSING_TOKEN:  # a temporary key without its token is unknown
        failure = Failure.UNKNOWN_KEY
    return _TABLE[family].get(failure)


def auth_error(
    family: Family,
    failure: Failure,
    *,
    fields: Mapping[str, object] | None = None,
    **details: str,
) -> AwsError:
    """The AwsError for ``failure`` as ``family`` answers it."""
    spec = spec_for(family, failure)
    if spec is None:  # an S3-only failure seen by another service: a bad signature to it
        spec = spec_for(family, Failure.BAD_SIGNATURE)
        assert spec is not None
    values = dict.fromkeys(DETAIL_NAMES, "")
    values.update(details)
    return AwsError(spec.code, spec.message.format(**values), status=spec.status, fields=fields)
