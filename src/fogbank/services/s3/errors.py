"""S3's errors: codes, statuses and messages as S3 answers them, with their extra fields."""

from __future__ import annotations

from fogbank.core.errors import AwsError


def _err(code: str, message: str, status: int = 400, **fields: object) -> AwsError:
    return AwsError(code, message, status=status, fields=fields)


def no_such_bucket(bucket: str) -> AwsError:
    return _err("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def no_such_key(key: str) -> AwsError:
    return _err("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_upload(upload_id: str) -> AwsError:
    return _err(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed.",
        404,
        UploadId=upload_id,
    )


def bucket_exists(bucket: str) -> AwsError:
    return _err(
        "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all "
        "users of the system. Please select a different name and try again.",
        409,
        BucketName=bucket,
    )


def bucket_owned(bucket: str) -> AwsError:
    return _err(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        BucketName=bucket,
    )


def bucket_not_empty(bucket: str) -> AwsError:
    return _err(
        "BucketNotEmpty", "The bucket you tried to delete is not empty", 409, BucketName=bucket
    )


def invalid_bucket_name(bucket: str) -> AwsError:
    return _err("InvalidBucketName", "The specified bucket is not valid.", BucketName=bucket)


def key_too_long(size: int) -> AwsError:
    return _err("KeyTooLongError", "Your key is too long", Size=size, MaxSizeAllowed=1024)


def invalid_argument(message: str, name: str | None = None, value: object = None) -> AwsError:
    fields: dict[str, object] = {}
    if name is not None:
        fields["ArgumentName"] = name
        fields["ArgumentValue"] = "" if value is None else value
    return AwsError("InvalidArgument", message, status=400, fields=fields)


def invalid_request(message: str) -> AwsError:
    return _err("InvalidRequest", message)


def malformed_xml() -> AwsError:
    return _err(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def bad_digest(
    message: str = "The Content-MD5 you specified did not match what we received.",
) -> AwsError:
    return _err("BadDigest", message)


def invalid_digest() -> AwsError:
    return _err("InvalidDigest", "The Content-MD5 you specified was invalid.")


def checksum_mismatch(algorithm: str) -> AwsError:
    return bad_digest(f"The {algorithm} you specified did not match the calculated checksum.")


def entity_too_large(size: int, limit: int) -> AwsError:
    return _err(
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        ProposedSize=size,
        MaxSizeAllowed=limit,
    )


def entity_too_small(size: int, limit: int) -> AwsError:
    return _err(
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed size",
        ProposedSize=size,
        MinSizeAllowed=limit,
    )


def incomplete_body() -> AwsError:
    return _err(
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
    )


def missing_content_length() -> AwsError:
    return _err("MissingContentLength", "You must provide the Content-Length HTTP header.", 411)


def invalid_range(size: int, requested: str) -> AwsError:
    return AwsError(
        "InvalidRange",
        "The requested range is not satisfiable",
        status=416,
        fields={"RangeRequested": requested, "ActualObjectSize": size},
        headers={"Content-Range": f"bytes */{size}"},
    )


def precondition_failed(condition: str) -> AwsError:
    return _err(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        Condition=condition,
    )


def not_modified(headers: dict[str, str]) -> AwsError:
    return AwsError("NotModified", "Not Modified", status=304, headers=headers)


def conditional_conflict() -> AwsError:
    return _err(
        "ConditionalRequestConflict",
        "A conflicting operation occurred. If using PutObject you can retry the request. If "
        "using multipart upload you should initiate another CreateMultipartUpload request "
        "and re-upload each part.",
        409,
    )


def invalid_part(part_number: int, etag: str | None = None) -> AwsError:
    fields: dict[str, object] = {"PartNumber": part_number}
    if etag is not None:
        fields["ETag"] = etag
    return AwsError(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.",
        status=400,
        fields=fields,
    )


def invalid_part_order() -> AwsError:
    return _err(
        "InvalidPartOrder",
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
    )


def no_such_tag_set() -> AwsError:
    return _err("NoSuchTagSet", "The TagSet does not exist", 404)


def no_such_cors() -> AwsError:
    return _err("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404)


def no_such_ownership_controls() -> AwsError:
    return _err(
        "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", 404
    )


def invalid_tag(message: str) -> AwsError:
    return _err("InvalidTag", message)


def invalid_location_constraint(region: str) -> AwsError:
    return _err(
        "InvalidLocationConstraint",
        "The specified location-constraint is not valid",
        LocationConstraint=region,
    )


def access_denied(message: str = "Access Denied") -> AwsError:
    return _err("AccessDenied", message, 403)


def method_not_allowed(method: str, resource: str) -> AwsError:
    return _err(
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        405,
        Method=method,
        ResourceType=resource,
    )


def invalid_object_state(storage_class: str, access_tier: str | None = None) -> AwsError:
    fields = {"StorageClass": storage_class}
    if access_tier is not None:
        fields["AccessTier"] = access_tier
    return _err(
        "InvalidObjectState", "The operation is not valid for the object's storage class", 403,
        **fields,
    )  # fmt: skip


def too_many_configurations() -> AwsError:
    return _err(
        "TooManyConfigurations", "You are attempting to create a new configuration but have"
        " already reached the 1,000-configuration limit.", 400,
    )  # fmt: skip


def no_such_configuration() -> AwsError:
    return _err("NoSuchConfiguration", "The specified configuration does not exist.", 404)


def not_implemented(what: str) -> AwsError:
    return AwsError(
        "NotImplemented",
        f"A header you provided implies functionality that is not implemented: {what}",
        status=501,
        sender_fault=False,
    )


def no_such_key_for_condition() -> AwsError:
    """A conditional write (``If-Match``) to a key that has no object."""
    return _err("NoSuchKey", "The specified key does not exist.", 404)


def invalid_request_illegal_location(constraint: str) -> AwsError:
    return _err(
        "IllegalLocationConstraintException",
        f"The {constraint} location constraint is incompatible for the region specific "
        "endpoint this request was sent to.",
    )


def too_many_buckets() -> AwsError:
    return _err("TooManyBuckets", "You have attempted to create more buckets than allowed")


def invalid_storage_class() -> AwsError:
    return _err("InvalidStorageClass", "The storage class you specified is not valid")


def metadata_too_large(size: int) -> AwsError:
    return _err(
        "MetadataTooLarge",
        "Your metadata headers exceed the maximum allowed metadata size",
        Size=size,
        MaxSizeAllowed=2048,
    )


def no_such_version(version_id: str) -> AwsError:
    return _err(
        "NoSuchVersion",
        "The specified version does not exist.",
        404,
        VersionId=version_id,
    )


def method_not_allowed_delete_marker() -> AwsError:
    return AwsError(
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        status=405,
        fields={"Method": "GET", "ResourceType": "DeleteMarker"},
        headers={"x-amz-delete-marker": "true"},
    )


def invalid_part_number() -> AwsError:
    return _err("InvalidPartNumber", "The requested partnumber is not satisfiable", 416)


def invalid_range_copy(size: int, requested: str) -> AwsError:
    return invalid_argument(
        f"Range specified is not valid for source object of size: {size}",
        "x-amz-copy-source-range",
        requested,
    )
