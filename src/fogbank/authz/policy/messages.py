"""AWS's access-denied message texts.

IAM user guide, "Troubleshooting access denied error messages" (the format introduced in
2021-2022): ``User: <arn> is not authorized to perform: <action> on resource: <resource>
<context>``, where the context is ``with an explicit deny in a <type> policy`` or
``because no <type> policy allows the <action> action``. Its examples:

* "... because no identity-based policy allows the codecommit:ListRepositories action"
* "... with an explicit deny in an identity-based policy"
* "... because no resource-based policy allows the secretsmanager:GetSecretValue action"
* "... with an explicit deny in a resource-based policy"
* "... because no permissions boundary allows the codedeploy:ListDeployments action"
* "... with an explicit deny in a permissions boundary"
* "... because no session policy allows the codecommit:ListRepositories action"
* "... with an explicit deny in a sessions policy" (sic; fogbank says "a session policy")
* "... with an explicit deny in the role trust policy"; for a missing allow the page prints
  "because the role trust policy allows the sts:AssumeRole action", evidently missing its
  "no": fogbank says "because no role trust policy allows the sts:AssumeRole action".

Actions that have no resource leave out "on resource: ..." (the page's ListRepositories
examples). S3 puts the resource in double quotes (S3 user guide, "Troubleshoot access
denied (403 Forbidden) errors"); ``quote_resource`` does that.
"""

from __future__ import annotations

from fogbank.authz.policy.context import AuthzRequest, CallerKind
from fogbank.authz.policy.decision import Decision, PolicyType

_ARTICLE = {
    PolicyType.IDENTITY: "an",
    PolicyType.RESOURCE: "a",
    PolicyType.BOUNDARY: "a",
    PolicyType.SESSION: "a",
    PolicyType.TRUST: "the",
}


def explicit_deny_reason(policy_type: PolicyType) -> str:
    return f"with an explicit deny in {_ARTICLE[policy_type]} {policy_type.value}"


def implicit_deny_reason(policy_type: PolicyType, action: str) -> str:
    return f"because no {policy_type.value} allows the {action} action"


def denial_message(
    request: AuthzRequest, decision: Decision, *, quote_resource: bool = False
) -> str:
    """The message of the AccessDenied error for a denied ``decision``."""
    if decision.allowed:
        raise ValueError("the request was allowed; there is no denial message")
    principal = request.principal
    caller = "anonymous" if principal.kind is CallerKind.ANONYMOUS else principal.arn
    text = f"User: {caller} is not authorized to perform: {request.action}"
    if request.resource and request.resource != "*":
        resource = f'"{request.resource}"' if quote_resource else request.resource
        text += f" on resource: {resource}"
    return f"{text} {decision.reason}" if decision.reason else text
