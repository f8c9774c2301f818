"""The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.

Answered by the same evaluator that authorizes every request (``authz.policy.simulate``),
over the same policies the authorizer would use for the principal
(``services.iam.directory``), plus the policies given in the request.
"""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.authz.identity import PolicyText
from fogbank.authz.policy import (
    CallerKind,
    ContextEntry,
    Policy,
    PolicyError,
    PolicyKind,
    PolicySet,
    PolicyType,
    PrincipalInfo,
    SessionInfo,
    SimulationResult,
    context_from_entries,
    parse_policy,
    simulate,
    simulate_custom,
)
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors
from fogbank.services.iam.directory import entity_policies, user_policies
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.ops import common
from fogbank.storage.db import Conn


def _strings(params: Params, name: str) -> list[str]:
    raw = params.get(name)
    return [str(v) for v in raw] if isinstance(raw, list) else []


def _entries(params: Params) -> list[ContextEntry]:
    raw = params.get("ContextEntries")
    out: list[ContextEntry] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and item.get("ContextKeyName"):
                values = item.get("ContextKeyValues") or []
                out.append(
                    ContextEntry(
                        str(item["ContextKeyName"]),
                        tuple(str(v) for v in values),
                        str(item.get("ContextKeyType") or "string"),
                    )
                )
    return out


def _parse(text: str, kind: PolicyKind, source_id: str, source_type: str) -> Policy:
    try:
        return parse_policy(text, kind).labeled(source_id, source_type)
    except PolicyError as err:
        raise errors.malformed_policy(err.message) from None


def _compiled(texts: Sequence[PolicyText], kind: PolicyKind) -> tuple[Policy, ...]:
    return tuple(_parse(t.document, kind, t.source_id, t.source_type) for t in texts)


def _source(
    iam: IamEngine, conn: Conn, account: str, arn: str
) -> tuple[PrincipalInfo, tuple[PolicyText, ...], PolicyText | None]:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or "/" not in parts[5]:
        raise errors.invalid_input(f"Invalid ARN: {arn}")
    kind, _, rest = parts[5].partition("/")
    name = rest.rsplit("/", 1)[-1]
    if parts[4] != account:
        raise errors.no_such_entity(f"The {kind} with name {name} cannot be found.")
    if kind == "user":
        user = common.need_user(conn, account, name)
        info = PrincipalInfo(
            user.arn, CallerKind.USER, account, user.user_id, user.name, dict(user.tags)
        )
        texts = user_policies(iam, conn, account, user.key)
        return info, texts, _boundary(iam, conn, account, user.boundary_arn)
    if kind == "role":
        role = common.need_role(conn, account, name)
        info = PrincipalInfo(
            role.arn,
            CallerKind.ASSUMED_ROLE,
            account,
            role.role_id,
            None,
            dict(role.tags),
            SessionInfo(role.arn, None),
        )
        texts = entity_policies(iam, conn, account, "role", role.key)
        return info, texts, _boundary(iam, conn, account, role.boundary_arn)
    if kind == "group":
        group = common.need_group(conn, account, name)
        info = PrincipalInfo(group.arn, CallerKind.USER, account, group.group_id)
        return info, entity_policies(iam, conn, account, "group", group.key), None
    raise errors.invalid_input(f"Invalid ARN: {arn}")


def _boundary(iam: IamEngine, conn: Conn, account: str, arn: str | None) -> PolicyText | None:
    if arn is None:
        return None
    document = iam.policy_document(conn, arn, account)
    if document is None:
        return None
    kind = "aws-managed" if iam.catalog.get(arn) else "user-managed"
    return PolicyText(document, arn.rsplit("/", 1)[-1], kind)


def _result(result: SimulationResult) -> dict[str, object]:
    matched = []
    for statement in result.matched_statements:
        entry: dict[str, object] = {
            "SourcePolicyId": statement.source_policy_id or "",
            "SourcePolicyType": statement.source_policy_type or "none",
        }
        if statement.start is not None:
            entry["StartPosition"] = {
                "Line": statement.start.line,
                "Column": statement.start.column,
            }
        if statement.end is not None:
            entry["EndPosition"] = {"Line": statement.end.line, "Column": statement.end.column}
        matched.append(entry)
    out: dict[str, object] = {
        "EvalActionName": result.action,
        "EvalResourceName": result.resource,
        "EvalDecision": result.decision.value,
        "MatchedStatements": matched,
        "MissingContextValues": list(result.missing_context_values),
    }
    allowed = result.allowed_by_permissions_boundary
    if allowed is not None:
        out["PermissionsBoundaryDecisionDetail"] = {"AllowedByPermissionsBoundary": allowed}
    if PolicyType.RESOURCE in result.details:
        out["EvalDecisionDetails"] = {
            "IAM Policy": result.details.get(PolicyType.IDENTITY, result.decision).value,
            "Resource Policy": result.details[PolicyType.RESOURCE].value,
        }
    return out


def _output(results: list[SimulationResult], params: Params) -> Output:
    indexed = list(enumerate(results))
    shown, marker = common.paginate(indexed, lambda item: f"{item[0]:08d}", params)
    return common.page("EvaluationResults", [_result(r) for _, r in shown], marker)


def _caller(arn: str | None) -> PrincipalInfo | None:
    if arn is None:
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("user/"):
        raise errors.invalid_input("CallerArn must be the ARN of an IAM user.")
    name = parts[5].rsplit("/", 1)[-1]
    return PrincipalInfo(arn, CallerKind.USER, parts[4], None, name)


async def simulate_principal_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    source = common.required(params, "PolicySourceArn")
    actions = _strings(params, "ActionNames")
    resources = _strings(params, "ResourceArns") or ["*"]
    inputs = _strings(params, "PolicyInputList")
    boundaries = _strings(params, "PermissionsBoundaryPolicyInputList")
    account = ctx.account_id

    found = await iam.read(lambda conn: _source(iam, conn, account, source))
    info, texts, boundary_text = found
    identity = _compiled(texts, PolicyKind.IDENTITY) + tuple(
        _parse(t, PolicyKind.IDENTITY, f"PolicyInputList.{n}", "IAM Policy")
        for n, t in enumerate(inputs, start=1)
    )
    boundary = None
    if boundaries:
        boundary = _parse(
            boundaries[0], PolicyKind.BOUNDARY, "PermissionsBoundaryPolicyInputList.1", "IAM Policy"
        )
    elif boundary_text is not None:
        boundary = _compiled([boundary_text], PolicyKind.BOUNDARY)[0]
    resource = None
    if params.get("ResourcePolicy") is not None:
        resource = _parse(
            str(params["ResourcePolicy"]), PolicyKind.RESOURCE, "ResourcePolicy", "resource"
        )
    caller = _caller(common.text(params, "CallerArn")) or info
    owner = common.text(params, "ResourceOwner")
    results = simulate(
        caller,
        PolicySet(identity=identity, resource=resource, boundary=boundary),
        actions,
        resources,
        context=context_from_entries(_entries(params)),
        resource_account=_account_of(owner),
    )
    return _output(results, params)


async def simulate_custom_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    inputs = _strings(params, "PolicyInputList")
    if not inputs:
        raise errors.constraint("policyInputList", None, "must not be null")
    try:
        results = simulate_custom(
            inputs,
            _strings(params, "ActionNames"),
            _strings(params, "ResourceArns") or ["*"],
            context=context_from_entries(_entries(params)),
            caller=_caller(common.text(params, "CallerArn")),
            resource_policy=common.text(params, "ResourcePolicy"),
            resource_owner=common.text(params, "ResourceOwner"),
            boundary_texts=_strings(params, "PermissionsBoundaryPolicyInputList"),
        )
    except PolicyError as err:
        raise errors.malformed_policy(err.message) from None
    return _output(results, params)


def _account_of(owner: str | None) -> str | None:
    if owner is None or not owner.startswith("arn:"):
        return owner
    parts = owner.split(":", 5)
    return parts[4] if len(parts) == 6 else owner
