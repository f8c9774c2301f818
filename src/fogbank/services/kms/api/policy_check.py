"""Checks on a key policy given to CreateKey or PutKeyPolicy.

Beyond the engine's checks (JSON with a ``Statement``, 32 KB), the document must parse
as a resource policy in the IAM policy language, since the authorizer evaluates it on
every use of the key; and, unless ``BypassPolicyLockoutSafetyCheck`` is set, KMS's
*policy lockout safety check*: the new policy must let the caller make a later
PutKeyPolicy request, directly or by delegating to the account's IAM policies (an
IAM policy that allows it is assumed, as the check is about the key policy).
"""

from __future__ import annotations

from fogbank.authz.policy import (
    AuthzRequest,
    PolicyError,
    PolicyErrorReason,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    evaluate,
    parse_policy,
)
from fogbank.core.principal import Principal
from fogbank.services.kms import errors, policy

_ALLOW_ALL = parse_policy(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    PolicyKind.IDENTITY,
)

LOCKOUT_MESSAGE = "The new key policy will not allow you to update the key policy in the future."


def check_new_policy(document: str, caller: Principal, key_arn: str, bypass: bool = False) -> None:
    """Raise KMS's MalformedPolicyDocumentException (or LimitExceededException for the
    size) unless ``document`` may become the key policy of ``key_arn``."""
    policy.check_policy(document)
    try:
        parsed = parse_policy(document, PolicyKind.RESOURCE, source_type="key policy")
    except PolicyError as exc:
        if exc.reason is PolicyErrorReason.INVALID_PRINCIPAL:
            raise errors.malformed_policy(
                "Policy contains a statement with one or more invalid principals."
            ) from None
        raise errors.malformed_policy(exc.message) from None
    if bypass or caller.is_anonymous:
        return
    request = AuthzRequest(
        action="kms:PutKeyPolicy",
        resource=key_arn,
        principal=PrincipalInfo.from_principal(caller),
        context={"kms:calleraccount": caller.account_id},
        resource_account=caller.account_id,
    )
    decision = evaluate(
        request,
        PolicySet(identity=(_ALLOW_ALL,), resource=parsed, resource_policy_required=True),
    )
    if not decision.allowed:
        raise errors.malformed_policy(LOCKOUT_MESSAGE)
