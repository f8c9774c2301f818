"""STS: who am I, and temporary credentials (AssumeRole, GetSessionToken).

Temporary credentials are ASIA... keys with a random opaque session token (kept only as
a SHA-256), expiring on the fogbank clock: after ``fogbank clock advance`` past their
expiry, every call with them answers ExpiredToken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import PrincipalKind
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.iam.client import IamClient, role_name_of
from fogbank.services.iam.models import SessionRecord, stamp
from fogbank.services.iam.principals import assumed_role_arn
from fogbank.services.sts import sessions

_TRUST_ACTIONS = frozenset({"sts:assumerole", "sts:tagsession", "sts:setsourceidentity"})
CHAINED_MAX = 3600
_ROOT_CANNOT_ASSUME = "Roles may not be assumed by root accounts."


def _access_denied(message: str) -> AwsError:
    return AwsError("AccessDenied", message, status=403)


async def get_caller_identity(ctx: RequestContext, params: Params) -> Output:
    principal = ctx.principal
    return {
        "UserId": principal.principal_id,
        "Account": principal.account_id,
        "Arn": principal.arn,
    }


def _credentials(creds: sessions.NewCredentials, expires: float) -> dict[str, object]:
    return {
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "SessionToken": creds.session_token,
        "Expiration": stamp(expires),
    }


class StsService(ServiceProvider):
    name = "sts"

    def __init__(self, iam: IamClient | None = None) -> None:
        self.iam = iam

    def operations(self) -> Mapping[str, Handler]:
        table: dict[str, Handler] = {"GetCallerIdentity": get_caller_identity}
        if self.iam is not None:
            table["AssumeRole"] = self.assume_role
            table["GetSessionToken"] = self.get_session_token
        return table

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        if ctx.operation == "AssumeRole" and ctx.principal.is_root:
            raise _access_denied(_ROOT_CANNOT_ASSUME)
        found = await super().requirements(ctx, params)
        out = []
        for requirement in found:
            owner = role_name_of(requirement.resource)
            if owner is not None:
                requirement = replace(requirement, resource_account=owner[0])
            out.append(requirement)
        return out

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        """For sts:AssumeRole (and TagSession, SetSourceIdentity): the role's trust policy."""
        if self.iam is None or requirement.action.lower() not in _TRUST_ACTIONS:
            return None
        role = await self.iam.role_by_arn(requirement.resource)
        if role is None:
            return None
        return ResourcePolicy(role.trust_policy, role.account_id, required=True, trust=True)

    async def assume_role(self, ctx: RequestContext, params: Params) -> Output:
        assert self.iam is not None
        caller = ctx.principal
        role_arn = str(params.get("RoleArn") or "")
        sessions.check_length("roleArn", role_arn, 20, 2048)
        name = sessions.session_name(str(params.get("RoleSessionName") or ""))
        sessions.external_id(_text(params, "ExternalId"))
        policy = sessions.session_policy(_text(params, "Policy"))
        arns = sessions.policy_arns(params.get("PolicyArns"))
        tags = sessions.tags(params.get("Tags"))
        transitive = _strings(params.get("TransitiveTagKeys"))
        source = sessions.source_identity(_text(params, "SourceIdentity"))
        chained = caller.kind is PrincipalKind.ASSUMED_ROLE
        seconds = sessions.duration(params.get("DurationSeconds"), 900, 43200, 3600)
        if caller.is_root:
            raise _access_denied(_ROOT_CANNOT_ASSUME)
        role = await self.iam.role_by_arn(role_arn)
        if role is None:
            raise _access_denied(
                f"User: {caller.arn} is not authorized to perform: sts:AssumeRole"
                f" on resource: {role_arn}"
            )
        if chained and seconds > CHAINED_MAX:
            raise sessions.validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles"
                " assumed by role chaining."
            )
        if seconds > role.max_session_duration:
            raise sessions.validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        for arn in arns:
            if not await self.iam.policy_exists(arn, role.account_id):
                raise AwsError(
                    "NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", status=404
                )
        known = {key.lower() for key, _ in tags}
        for key in transitive:
            if key.lower() not in known:
                raise sessions.validation(
                    "The specified transitive tag key must be included in the requested tags."
                )
        if chained and caller.session is not None:  # transitive tags and identity carry on
            inherited = [t for t in caller.session.tags if t[0].lower() not in known]
            tags = tuple(inherited) + tags
            source = source or caller.session.source_identity
        packed = sessions.packed_size(policy, arns, tags)
        creds = sessions.new_credentials()
        now = ctx.clock.time()
        expires = now + seconds
        await self.iam.open_session(
            SessionRecord(
                access_key_id=creds.access_key_id,
                secret_access_key=creds.secret_access_key,
                token_sha256=creds.token_sha256,
                account_id=role.account_id,
                kind="AssumedRole",
                issuer_name=role.name,
                issuer_arn=role.arn,
                issuer_id=role.role_id,
                created_at=now,
                expires_at=expires,
                session_name=name,
                policy=policy,
                policy_arns=arns,
                tags=tags,
                transitive_keys=transitive,
                source_identity=source,
                chained=chained,
            )
        )
        out: dict[str, object] = {
            "Credentials": _credentials(creds, expires),
            "AssumedRoleUser": {
                "AssumedRoleId": f"{role.role_id}:{name}",
                "Arn": assumed_role_arn(role.account_id, role.name, name),
            },
        }
        if packed is not None:
            out["PackedPolicySize"] = packed
        if source is not None:
            out["SourceIdentity"] = source
        return out

    async def get_session_token(self, ctx: RequestContext, params: Params) -> Output:
        assert self.iam is not None
        caller = ctx.principal
        if caller.session is not None:
            raise _access_denied("Cannot call GetSessionToken with session credentials")
        if caller.is_root:
            seconds = sessions.duration(params.get("DurationSeconds"), 900, 129600, 3600)
            seconds = min(seconds, 3600)
            kind, name, arn, unique = "Root", "", caller.arn, caller.account_id
        elif caller.kind is PrincipalKind.IAM_USER:
            seconds = sessions.duration(params.get("DurationSeconds"), 900, 129600, 43200)
            kind, name, arn, unique = "User", caller.name or "", caller.arn, caller.principal_id
        else:
            raise _access_denied("Cannot call GetSessionToken with session credentials")
        creds = sessions.new_credentials()
        now = ctx.clock.time()
        expires = now + seconds
        await self.iam.open_session(
            SessionRecord(
                access_key_id=creds.access_key_id,
                secret_access_key=creds.secret_access_key,
                token_sha256=creds.token_sha256,
                account_id=caller.account_id,
                kind=kind,
                issuer_name=name,
                issuer_arn=arn,
                issuer_id=unique,
                created_at=now,
                expires_at=expires,
            )
        )
        return {"Credentials": _credentials(creds, expires)}


def _text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def _strings(raw: object) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(str(v) for v in raw)
    return ()
