"""CloudTrail's errors (all HTTP 400, json protocol), with AWS's wording where known."""

from __future__ import annotations

from fogbank.core.errors import AwsError


def _error(code: str, message: str) -> AwsError:
    return AwsError(code, message, status=400)


def trail_not_found(name: str, account: str) -> AwsError:
    return _error("TrailNotFoundException", f"Unknown trail: {name} for the user: {account}")


def trail_exists(name: str, account: str) -> AwsError:
    return _error(
        "TrailAlreadyExistsException", f"Trail {name} already exists for customer: {account}"
    )


def invalid_trail_name(message: str) -> AwsError:
    return _error("InvalidTrailNameException", message)


def invalid_arn(arn: str) -> AwsError:
    return _error(
        "CloudTrailARNInvalidException",
        f"ARN {arn} is invalid. The format of a trail ARN is "
        "arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail.",
    )


def home_region(arn: str, region: str) -> AwsError:
    return _error(
        "InvalidHomeRegionException",
        f"This operation can only be performed in the trail's home region. The trail {arn}"
        f" cannot be modified from the region {region}.",
    )


def bucket_missing(bucket: str) -> AwsError:
    return _error("S3BucketDoesNotExistException", f"S3 bucket {bucket} does not exist.")


def bucket_policy(bucket: str) -> AwsError:
    return _error(
        "InsufficientS3BucketPolicyException",
        f"Incorrect S3 bucket policy is detected for bucket: {bucket}",
    )


def invalid_bucket_name(message: str) -> AwsError:
    return _error("InvalidS3BucketNameException", message)


def invalid_prefix(message: str) -> AwsError:
    return _error("InvalidS3PrefixException", message)


def kms_key_not_found(key_id: str) -> AwsError:
    return _error("KmsKeyNotFoundException", f"KMS key {key_id} was not found.")


def invalid_kms_key(key_id: str) -> AwsError:
    return _error("InvalidKmsKeyIdException", f"KMS key ID {key_id} is not valid.")


def kms_error(message: str) -> AwsError:
    return _error("KmsException", message)


def encryption_policy(bucket: str, key_arn: str) -> AwsError:
    return _error(
        "InsufficientEncryptionPolicyException",
        f"Insufficient permissions to access S3 bucket {bucket} or KMS key {key_arn}.",
    )


def combination(message: str) -> AwsError:
    return _error("InvalidParameterCombinationException", message)


def parameter(message: str) -> AwsError:
    return _error("InvalidParameterException", message)


def too_many_trails(region: str) -> AwsError:
    return _error(
        "MaximumNumberOfTrailsExceededException",
        f"User already has 5 trails in {region}.",
    )


def unsupported(message: str) -> AwsError:
    return _error("UnsupportedOperationException", message)


def lookup_attributes(message: str) -> AwsError:
    return _error("InvalidLookupAttributesException", message)


def time_range(message: str = "Start time must be before end time.") -> AwsError:
    return _error("InvalidTimeRangeException", message)


def max_results(message: str) -> AwsError:
    return _error("InvalidMaxResultsException", message)


def next_token(message: str = "Invalid NextToken.") -> AwsError:
    return _error("InvalidNextTokenException", message)


def token(message: str = "Invalid token.") -> AwsError:
    return _error("InvalidTokenException", message)


def tag_parameter(message: str) -> AwsError:
    return _error("InvalidTagParameterException", message)


def tags_limit(message: str = "The number of tags exceeds the limit of 50.") -> AwsError:
    return _error("TagsLimitExceededException", message)


def resource_not_found(arn: str) -> AwsError:
    return _error("ResourceNotFoundException", f"Resource {arn} not found.")


def insight_selectors(message: str) -> AwsError:
    return _error("InvalidInsightSelectorsException", message)


def insight_not_enabled(arn: str) -> AwsError:
    return _error("InsightNotEnabledException", f"Trail {arn} does not have Insights enabled.")
