"""The names a bucket policy may use: S3's IAM actions (by the resource type they apply
to) and S3's condition keys (Service Authorization Reference, "Actions, resources, and
condition keys for Amazon S3")."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Actions on a bucket (arn:aws:s3:::bucket).
BUCKET_ACTIONS = _words(
    """
    CreateBucket DeleteBucket ListBucket ListBucketVersions ListBucketMultipartUploads
    GetBucketLocation GetBucketPolicy PutBucketPolicy DeleteBucketPolicy GetBucketPolicyStatus
    GetBucketAcl PutBucketAcl GetBucketCORS PutBucketCORS GetBucketTagging PutBucketTagging
    GetBucketVersioning PutBucketVersioning GetBucketLogging PutBucketLogging
    GetBucketNotification PutBucketNotification GetBucketWebsite PutBucketWebsite
    DeleteBucketWebsite GetBucketRequestPayment PutBucketRequestPayment
    GetBucketPublicAccessBlock PutBucketPublicAccessBlock GetBucketOwnershipControls
    PutBucketOwnershipControls GetBucketObjectLockConfiguration PutBucketObjectLockConfiguration
    GetLifecycleConfiguration PutLifecycleConfiguration GetReplicationConfiguration
    PutReplicationConfiguration GetEncryptionConfiguration PutEncryptionConfiguration
    GetAccelerateConfiguration PutAccelerateConfiguration GetAnalyticsConfiguration
    PutAnalyticsConfiguration GetInventoryConfiguration PutInventoryConfiguration
    GetMetricsConfiguration PutMetricsConfiguration GetIntelligentTieringConfiguration
    PutIntelligentTieringConfiguration ListBucketByTags GetBucketOwnershipControls
    CreateAccessPoint ReplicateDelete ReplicateObject ReplicateTags
    """
)
# Actions on an object (arn:aws:s3:::bucket/key).
OBJECT_ACTIONS = _words(
    """
    GetObject GetObjectVersion PutObject DeleteObject DeleteObjectVersion GetObjectAcl
    PutObjectAcl GetObjectVersionAcl PutObjectVersionAcl GetObjectTagging PutObjectTagging
    DeleteObjectTagging GetObjectVersionTagging PutObjectVersionTagging
    DeleteObjectVersionTagging GetObjectAttributes GetObjectVersionAttributes
    GetObjectRetention PutObjectRetention GetObjectLegalHold PutObjectLegalHold
    BypassGovernanceRetention RestoreObject AbortMultipartUpload ListMultipartUploadParts
    GetObjectTorrent GetObjectVersionTorrent GetObjectVersionForReplication
    ObjectOwnerOverrideToBucketOwner ReplicateObject ReplicateDelete ReplicateTags
    InitiateReplication
    """
)
# Actions on no resource of a bucket (account level): never apply in a bucket policy.
ACCOUNT_ACTIONS = _words(
    """
    ListAllMyBuckets GetAccountPublicAccessBlock PutAccountPublicAccessBlock ListAccessPoints
    CreateJob ListJobs GetAccessPoint ListStorageLensConfigurations
    """
)
ALL_ACTIONS = BUCKET_ACTIONS | OBJECT_ACTIONS | ACCOUNT_ACTIONS
BY_LOWER = {name.lower(): name for name in ALL_ACTIONS}

# S3's own condition keys (lower-cased); keys with a "/<name>" suffix are listed as prefixes.
CONDITION_KEYS = frozenset(
    k.lower()
    for k in _words(
        """
    s3:authType s3:delimiter s3:max-keys s3:prefix s3:signatureAge s3:signatureversion
    s3:TlsVersion s3:versionid s3:x-amz-acl s3:x-amz-content-sha256 s3:x-amz-copy-source
    s3:x-amz-grant-full-control s3:x-amz-grant-read s3:x-amz-grant-read-acp
    s3:x-amz-grant-write s3:x-amz-grant-write-acp s3:x-amz-metadata-directive
    s3:x-amz-server-side-encryption s3:x-amz-server-side-encryption-aws-kms-key-id
    s3:x-amz-server-side-encryption-customer-algorithm s3:x-amz-storage-class
    s3:x-amz-website-redirect-location s3:x-amz-object-ownership s3:x-amz-content-type
    s3:LocationConstraint s3:RequestObjectTagKeys s3:ResourceAccount s3:DataAccessPointArn
    s3:DataAccessPointAccount s3:AccessPointNetworkOrigin s3:object-lock-mode
    s3:object-lock-retain-until-date s3:object-lock-remaining-retention-days
    s3:object-lock-legal-hold s3:ExistingJobPriority s3:ExistingJobOperation
    s3:JobSuspendedCause s3:RequestJobPriority s3:RequestJobOperation s3:if-match
    s3:if-none-match s3:x-amz-checksum-algorithm s3:BucketObjectLockEnabled
    """
    )
)
CONDITION_KEY_PREFIXES = (
    "s3:existingobjecttag/",
    "s3:requestobjecttag/",
)
