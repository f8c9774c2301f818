"""What each KMS call needs to be allowed: ``kms:<Operation>`` on the key it uses.

From the KMS API reference's "Required permissions" of each operation:

- operations on one key are authorized on that key's ARN (an alias is resolved to its
  key; the key policy is consulted, see ``decide``);
- CreateKey, ListKeys, ListAliases, GenerateRandom and ListRetirableGrants on ``*``
  (IAM policies only); CreateKey with tags also needs ``kms:TagResource``;
- CreateAlias, UpdateAlias and DeleteAlias need the action on the alias (IAM policy)
  and on each key involved (key policy);
- ReEncrypt is ``kms:ReEncryptFrom`` on the source key and ``kms:ReEncryptTo`` on the
  destination key; Decrypt and ReEncrypt find the source key from the ciphertext when no
  key is named;
- RetireGrant is decided by the grant itself (its retiring principal, its grantee, the
  issuing account), so it declares no requirement here.

``via_service`` is for other fogbank services calling KMS on a user's behalf (S3
SSE-KMS ...): it becomes ``kms:ViaService`` (``s3.us-east-1.amazonaws.com``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from fogbank.authz.requirements import Requirement
from fogbank.services.kms import managed
from fogbank.services.kms.access import conditions, targets
from fogbank.services.kms.access.conditions import Context
from fogbank.services.kms.api import params as p
from fogbank.services.kms.engine import Engine
from fogbank.services.kms.models import alias_arn
from fogbank.services.kms.ops import aliases

Params = p.Params

GLOBAL_OPERATIONS = frozenset(
    {"CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants"}
)
# Operations on the key named by ``KeyId``: whether an alias may name it.
KEY_OPERATIONS: Mapping[str, bool] = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "DescribeKey",
                "Encrypt",
                "GenerateDataKey",
                "GenerateDataKeyWithoutPlaintext",
                "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext",
                "GenerateMac",
                "VerifyMac",
                "Sign",
                "Verify",
                "GetPublicKey",
            ),
            True,
        ),
        **dict.fromkeys(
            (
                "EnableKey",
                "DisableKey",
                "UpdateKeyDescription",
                "ScheduleKeyDeletion",
                "CancelKeyDeletion",
                "EnableKeyRotation",
                "DisableKeyRotation",
                "GetKeyRotationStatus",
                "RotateKeyOnDemand",
                "ListKeyRotations",
                "TagResource",
                "UntagResource",
                "ListResourceTags",
                "GetKeyPolicy",
                "PutKeyPolicy",
                "ListKeyPolicies",
                "CreateGrant",
                "ListGrants",
                "RevokeGrant",
            ),
            False,
        ),
    }
)
NO_REQUIREMENT = frozenset({"RetireGrant"})

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"


def _encryption(params: Params, context_member: str, algorithm_member: str) -> Context:
    out = conditions.encryption_context(p.pairs(params, context_member))
    out["kms:encryptionalgorithm"] = p.opt_text(params, algorithm_member) or SYMMETRIC_DEFAULT
    return out


def _data_key(params: Params) -> Context:
    out = conditions.encryption_context(p.pairs(params, "EncryptionContext"))
    out["kms:encryptionalgorithm"] = SYMMETRIC_DEFAULT
    spec = p.opt_text(params, "KeyPairSpec")
    if spec is not None:
        out["kms:datakeypairspec"] = spec
    return out


def _signing(params: Params) -> Context:
    return {
        "kms:signingalgorithm": p.text(params, "SigningAlgorithm"),
        "kms:messagetype": p.opt_text(params, "MessageType") or "RAW",
    }


def _grant(params: Params, via_service: str | None) -> Context:
    constraints = p.structure(params, "Constraints")
    equals = p.pairs(constraints, "EncryptionContextEquals")
    subset = p.pairs(constraints, "EncryptionContextSubset")
    kind = (
        "EncryptionContextEquals"
        if equals is not None
        else "EncryptionContextSubset"
        if subset is not None
        else None
    )
    grantee = p.opt_text(params, "GranteePrincipal") or p.opt_text(
        params, "GranteeServicePrincipal"
    )
    retiring = p.opt_text(params, "RetiringPrincipal") or p.opt_text(
        params, "RetiringServicePrincipal"
    )
    out = conditions.grant_request(
        p.strings(params, "Operations"), grantee, retiring, kind, via_service
    )
    out.update(conditions.encryption_context(equals if equals is not None else subset))
    return out


_RequestKeys = Callable[[Params, str | None], Context]

# The request's own condition keys, per operation on one key.
_REQUEST_KEYS: Mapping[str, _RequestKeys] = MappingProxyType(
    {
        "Encrypt": lambda q, v: _encryption(q, "EncryptionContext", "EncryptionAlgorithm"),
        "GenerateDataKey": lambda q, v: _data_key(q),
        "GenerateDataKeyWithoutPlaintext": lambda q, v: _data_key(q),
        "GenerateDataKeyPair": lambda q, v: _data_key(q),
        "GenerateDataKeyPairWithoutPlaintext": lambda q, v: _data_key(q),
        "Sign": lambda q, v: _signing(q),
        "Verify": lambda q, v: _signing(q),
        "GenerateMac": lambda q, v: {"kms:macalgorithm": p.text(q, "MacAlgorithm")},
        "VerifyMac": lambda q, v: {"kms:macalgorithm": p.text(q, "MacAlgorithm")},
        "EnableKeyRotation": lambda q, v: {
            "kms:rotationperiodindays": p.opt_int(q, "RotationPeriodInDays") or 365
        },
        "ScheduleKeyDeletion": lambda q, v: {
            "kms:schedulekeydeletionpendingwindowindays": p.opt_int(q, "PendingWindowInDays") or 30
        },
        "PutKeyPolicy": lambda q, v: {
            "kms:bypasspolicylockoutsafetycheck": p.flag(q, "BypassPolicyLockoutSafetyCheck")
        },
        "TagResource": lambda q, v: conditions.request_tags(p.tags(q)),
        "UntagResource": lambda q, v: conditions.tag_keys(p.strings(q, "TagKeys")),
        "CreateGrant": _grant,
    }
)


def _on(action: str, target: targets.Target, *contexts: Context) -> Requirement:
    merged: Context = {}
    for part in (target.context, *contexts):
        merged.update(part)
    return Requirement(f"kms:{action}", target.arn, target.account_id, merged)


def _create_key(params: Params, who: Context) -> list[Requirement]:
    spec = p.opt_text(params, "KeySpec") or p.opt_text(params, "CustomerMasterKeySpec")
    context: Context = {
        **who,
        "kms:keyspec": spec or SYMMETRIC_DEFAULT,
        "kms:customermasterkeyspec": spec or SYMMETRIC_DEFAULT,
        "kms:keyusage": p.opt_text(params, "KeyUsage") or "ENCRYPT_DECRYPT",
        "kms:customermasterkeyusage": p.opt_text(params, "KeyUsage") or "ENCRYPT_DECRYPT",
        "kms:keyorigin": p.opt_text(params, "Origin") or "AWS_KMS",
        "kms:multiregion": p.flag(params, "MultiRegion"),
        "kms:bypasspolicylockoutsafetycheck": p.flag(params, "BypassPolicyLockoutSafetyCheck"),
    }
    tags = p.tags(params)
    context.update(conditions.request_tags(tags))
    out = [Requirement("kms:CreateKey", "*", None, context)]
    if tags:
        out.append(Requirement("kms:TagResource", "*", None, context))
    return out


async def requirements_for(
    engine: Engine,
    account_id: str,
    region: str,
    operation: str,
    params: Params,
    via_service: str | None = None,
) -> list[Requirement]:
    """The requirements of ``operation`` with ``params``, called from ``account_id``."""
    who = conditions.caller(account_id, via_service)
    if operation in NO_REQUIREMENT:
        return []
    if operation == "CreateKey":
        return _create_key(params, who)
    if operation in GLOBAL_OPERATIONS:
        return [Requirement(f"kms:{operation}", "*", None, dict(who))]
    if operation in KEY_OPERATIONS:
        target = await targets.named(
            engine,
            account_id,
            region,
            p.text(params, "KeyId"),
            allow_alias=KEY_OPERATIONS[operation],
        )
        extra = _REQUEST_KEYS.get(operation)
        request = extra(params, via_service) if extra is not None else {}
        return [_on(operation, target, who, request)]
    if operation == "Decrypt":
        source = await _source(engine, account_id, region, params, "KeyId")
        context = _encryption(params, "EncryptionContext", "EncryptionAlgorithm")
        return [_on("Decrypt", source, who, context)]
    if operation == "ReEncrypt":
        return await _re_encrypt(engine, account_id, region, params, who)
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias"):
        return await _alias(engine, account_id, region, operation, params, who)
    # An operation fogbank does not implement: the gateway answers NotImplemented.
    return [Requirement(f"kms:{operation}", "*", None, dict(who))]


async def _source(
    engine: Engine, account_id: str, region: str, params: Params, member: str
) -> targets.Target:
    key_id = p.opt_text(params, member)
    if key_id is not None:
        return await targets.named(engine, account_id, region, key_id, allow_alias=True)
    blob = p.blob(params, "CiphertextBlob")
    return await targets.of_ciphertext(engine, account_id, region, blob)


async def _re_encrypt(
    engine: Engine, account_id: str, region: str, params: Params, who: Context
) -> list[Requirement]:
    source = await _source(engine, account_id, region, params, "SourceKeyId")
    destination = await targets.named(
        engine, account_id, region, p.text(params, "DestinationKeyId"), allow_alias=True
    )
    same: Context = {"kms:reencryptonsamekey": source.arn == destination.arn}
    return [
        _on(
            "ReEncryptFrom",
            source,
            who,
            same,
            _encryption(params, "SourceEncryptionContext", "SourceEncryptionAlgorithm"),
        ),
        _on(
            "ReEncryptTo",
            destination,
            who,
            same,
            _encryption(params, "DestinationEncryptionContext", "DestinationEncryptionAlgorithm"),
        ),
    ]


async def _alias(
    engine: Engine, account_id: str, region: str, operation: str, params: Params, who: Context
) -> list[Requirement]:
    name = p.text(params, "AliasName")
    aliases.check_name(name)
    action = f"kms:{operation}"
    out = [Requirement(action, alias_arn(engine.partition, region, account_id, name), None, who)]
    if name.startswith(managed.PREFIX):
        return out  # AWS managed keys' aliases cannot be changed: the operation says so
    if operation != "CreateAlias":  # the key the alias points to now
        current = await targets.named(engine, account_id, region, name, allow_alias=True)
        if current.key is not None:
            out.append(_on(operation, current, who))
    if operation != "DeleteAlias":  # the key it is to point to
        key_id = p.text(params, "TargetKeyId")
        target = await targets.named(engine, account_id, region, key_id, allow_alias=False)
        out.append(_on(operation, target, who))
    return out
