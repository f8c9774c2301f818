"""Why a policy document was rejected, and the text AWS answers with.

IAM (``MalformedPolicyDocument``) and the services that keep resource policies (S3's
``MalformedPolicy``, KMS, EFS ...) word the same fault differently. A :class:`PolicyError`
carries a machine-readable :class:`PolicyErrorReason` so that a service can substitute its
own wording, and a ``message`` already chosen for the policy's kind.

Sources for the texts (all observed answers of the real services):

* IAM: "Syntax errors in policy.", "The policy failed legacy parsing", "Policy statement
  must contain actions.", "Policy statement must contain resources.", "Statement IDs (SID)
  in a single policy must be unique.", "Actions/Conditions must be prefaced by a vendor ...",
  "Policy document must be version 2012-10-17 or greater." -- the messages moto's
  ``moto/iam/policy_validation.py`` reproduces after testing against AWS, and GitHub issues
  quoting them (boto/boto3#180, 99designs/iamy#65, aws-samples/torchserve-eks#3,
  Meteor-Community-Packages/Meteor-CollectionFS#630).
* "Policy document should not specify a principal.": hashicorp/terraform#13449.
* "Has prohibited field Resource" (trust policies): kubernetes-sigs/external-dns#3085,
  hashicorp/terraform#34231.
* Trust policy without principal: "Invalid principal in policy: com.amazon.balsa.error.
  InvalidPolicyException: The passed in policy has a statement with no principals!":
  terraform-aws-modules/terraform-aws-iam#47; an unknown principal in a trust policy:
  'Invalid principal in policy: "AWS":"arn:..."': databrickslabs/ucx#2269.
* S3 bucket policies: "Missing required field Principal" (humanmade/S3-Uploads#191),
  "Invalid principal in policy", "Policy has invalid resource", "Policy has invalid action",
  "Invalid effect: X", "Could not parse the policy: Statement is empty!", "Missing required
  field Statement", "Policies must be valid JSON and the first byte must be '{'", "This
  policy contains invalid Json" (versity/versitygw#645-#650, #1176, which mirror S3).
* Sid alphabet: IAM accepts only ``[0-9A-Za-z]`` while S3 and KMS accept more
  (thinkinglabs/aws-iam-policy#5; IAM user guide "IAM JSON policy elements: Sid").
"""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType


class PolicyErrorReason(Enum):
    INVALID_JSON = "InvalidJson"
    NOT_AN_OBJECT = "NotAnObject"
    SYNTAX = "Syntax"
    UNKNOWN_FIELD = "UnknownField"
    MISSING_STATEMENT = "MissingStatement"
    EMPTY_STATEMENT = "EmptyStatement"
    INVALID_VERSION = "InvalidVersion"
    VERSION_REQUIRED = "VersionRequired"
    MISSING_EFFECT = "MissingEffect"
    INVALID_EFFECT = "InvalidEffect"
    LEGACY_PARSING = "LegacyParsing"
    PRINCIPAL_NOT_ALLOWED = "PrincipalNotAllowed"
    MISSING_PRINCIPAL = "MissingPrincipal"
    INVALID_PRINCIPAL = "InvalidPrincipal"
    MISSING_ACTION = "MissingAction"
    INVALID_ACTION = "InvalidAction"
    MISSING_RESOURCE = "MissingResource"
    RESOURCE_NOT_ALLOWED = "ResourceNotAllowed"
    INVALID_RESOURCE = "InvalidResource"
    DUPLICATE_SID = "DuplicateSid"
    INVALID_SID = "InvalidSid"
    INVALID_CONDITION = "InvalidCondition"


class PolicyError(ValueError):
    """A malformed policy document; ``message`` is the text AWS gives for this kind."""

    def __init__(self, message: str, reason: PolicyErrorReason, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.detail = detail  # the offending field, value or element, when there is one

    def __repr__(self) -> str:
        return f"PolicyError({self.message!r}, {self.reason.name})"


_R = PolicyErrorReason
_SYNTAX = "Syntax errors in policy."

# IAM's wording (identity, boundary, session and trust policies). ``{}`` is the detail.
_IAM = MappingProxyType(
    {
        _R.INVALID_JSON: _SYNTAX,
        _R.NOT_AN_OBJECT: _SYNTAX,
        _R.SYNTAX: _SYNTAX,
        _R.UNKNOWN_FIELD: _SYNTAX,
        _R.MISSING_STATEMENT: _SYNTAX,
        _R.EMPTY_STATEMENT: _SYNTAX,
        _R.INVALID_VERSION: _SYNTAX,
        _R.VERSION_REQUIRED: "Policy document must be version 2012-10-17 or greater.",
        _R.MISSING_EFFECT: _SYNTAX,
        _R.INVALID_EFFECT: _SYNTAX,
        _R.LEGACY_PARSING: "The policy failed legacy parsing",
        _R.PRINCIPAL_NOT_ALLOWED: "Policy document should not specify a principal.",
        _R.MISSING_PRINCIPAL: (
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
            "The passed in policy has a statement with no principals!"
        ),
        _R.INVALID_PRINCIPAL: "Invalid principal in policy: {}",
        _R.MISSING_ACTION: "Policy statement must contain actions.",
        _R.INVALID_ACTION: "{}",
        _R.MISSING_RESOURCE: "Policy statement must contain resources.",
        _R.RESOURCE_NOT_ALLOWED: "Has prohibited field {}",
        _R.INVALID_RESOURCE: "{}",
        _R.DUPLICATE_SID: "Statement IDs (SID) in a single policy must be unique.",
        _R.INVALID_SID: (
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
            "regular expression [0-9A-Za-z]*"
        ),
        _R.INVALID_CONDITION: _SYNTAX,
    }
)

# The wording of services that keep resource policies (S3 first; KMS and EFS callers may
# translate ``reason`` to their own texts).
_RESOURCE = MappingProxyType(
    {
        **_IAM,
        _R.INVALID_JSON: "This policy contains invalid Json",
        _R.NOT_AN_OBJECT: "Policies must be valid JSON and the first byte must be '{'",
        _R.UNKNOWN_FIELD: "Unknown field {}",
        _R.MISSING_STATEMENT: "Missing required field Statement",
        _R.EMPTY_STATEMENT: "Could not parse the policy: Statement is empty!",
        _R.MISSING_EFFECT: "Missing required field Effect",
        _R.INVALID_EFFECT: "Invalid effect: {}",
        _R.LEGACY_PARSING: _SYNTAX,
        _R.MISSING_PRINCIPAL: "Missing required field Principal",
        _R.INVALID_PRINCIPAL: "Invalid principal in policy",
        _R.MISSING_ACTION: "Missing required field Action",
        _R.INVALID_ACTION: "Policy has invalid action",
        _R.MISSING_RESOURCE: "Missing required field Resource",
        _R.INVALID_RESOURCE: "Policy has invalid resource",
    }
)


def policy_error(
    reason: PolicyErrorReason, detail: str | None = None, *, resource_style: bool = False
) -> PolicyError:
    """The error for ``reason`` worded as IAM (default) or as a resource-policy service."""
    template = (_RESOURCE if resource_style else _IAM)[reason]
    message = template.format(detail or "") if "{}" in template else template
    return PolicyError(message, reason, detail)
