"""S3's ACL errors (S3 API reference, "Error responses"; user guide, "Troubleshooting"
for Object Ownership)."""

from __future__ import annotations

from fogbank.core.errors import AwsError


def not_supported() -> AwsError:
    return AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", status=400)


def invalid_with_ownership() -> AwsError:
    return AwsError(
        "InvalidBucketAclWithObjectOwnership",
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        status=400,
    )


def malformed() -> AwsError:
    return AwsError(
        "MalformedACLError",
        "The XML you provided was not well-formed or did not validate against our published schema",
        status=400,
    )


def unresolvable_email(email: str) -> AwsError:
    return AwsError(
        "UnresolvableGrantByEmailAddress",
        "The e-mail address you provided does not match any account on record.",
        status=400,
        fields={"EmailAddress": email},
    )


def invalid_argument(message: str, name: str, value: str) -> AwsError:
    return AwsError(
        "InvalidArgument", message, status=400,
        fields={"ArgumentName": name, "ArgumentValue": value},
    )  # fmt: skip


def both_canned_and_grants() -> AwsError:
    return AwsError(
        "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed",
        status=400,
    )  # fmt: skip


def unexpected_content() -> AwsError:
    return AwsError("UnexpectedContent", "This request does not support content", status=400)


def public_blocked() -> AwsError:
    return AwsError("AccessDenied", "Access Denied", status=403)
