"""Whether a resource policy lets an AWS service principal act on a resource: the check
services make before they deliver into a customer's bucket (CloudTrail, S3 access logs)."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.authz.policy.context import AuthzRequest, ContextValue, PrincipalInfo
from fogbank.authz.policy.decision import PolicySet
from fogbank.authz.policy.document import parse_policy
from fogbank.authz.policy.errors import PolicyError
from fogbank.authz.policy.evaluate import evaluate
from fogbank.authz.policy.model import PolicyKind


def service_allowed(
    policy_text: str | None,
    *,
    service: str,
    action: str,
    resource: str,
    context: Mapping[str, ContextValue],
    resource_account: str,
) -> bool:
    """True when ``policy_text`` (a resource policy; none or unparsable: False) allows the
    service principal ``service`` (e.g. ``cloudtrail.amazonaws.com``) ``action`` on
    ``resource`` with the condition keys of ``context`` (any case)."""
    if not policy_text:
        return False
    try:
        policy = parse_policy(policy_text, PolicyKind.RESOURCE)
    except PolicyError:
        return False
    request = AuthzRequest(
        action=action,
        resource=resource,
        principal=PrincipalInfo.service(service),
        context={k.lower(): v for k, v in context.items()},
        resource_account=resource_account,
    )
    return evaluate(request, PolicySet(resource=policy)).allowed
