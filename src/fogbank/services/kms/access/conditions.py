"""KMS condition keys: what a request and the key it uses put in the request context.

Names follow the KMS developer guide, "AWS KMS condition keys", lower-cased as the
evaluator compares them (condition key names are case-insensitive). Values:

- key properties, on every operation authorized for a key: ``kms:KeySpec``,
  ``kms:KeyUsage``, ``kms:KeyOrigin``, ``kms:MultiRegion`` (and the deprecated
  ``kms:CustomerMasterKeySpec``/``kms:CustomerMasterKeyUsage``), ``kms:ResourceAliases``
  (the key's aliases) and ``aws:ResourceTag/<key>``;
- request values (defaults included, as KMS does for a parameter left out):
  ``kms:EncryptionContext:<key>`` and ``kms:EncryptionContextKeys``,
  ``kms:EncryptionAlgorithm``, ``kms:SigningAlgorithm``, ``kms:MessageType``,
  ``kms:MacAlgorithm``, ``kms:DataKeyPairSpec``, ``kms:GrantOperations`` ...;
- who calls: ``kms:CallerAccount`` always, ``kms:ViaService`` when a service calls KMS
  on a user's behalf.

In ``kms:EncryptionContext:<key>`` the context key is case-insensitive (it is part of the
condition key's name) while the value is not; ``kms:EncryptionContextKeys`` keeps the
keys as given, for policies that need them case-sensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import ContextValue
from fogbank.services.kms.models import Key

Context = dict[str, ContextValue]

CONTEXT_PREFIX = "kms:encryptioncontext:"
CONTEXT_KEYS = "kms:encryptioncontextkeys"


def caller(account_id: str, via_service: str | None) -> Context:
    out: Context = {"kms:calleraccount": account_id}
    if via_service is not None:
        out["kms:viaservice"] = via_service
    return out


def key_properties(key: Key, aliases: Sequence[str], tags: Sequence[tuple[str, str]]) -> Context:
    out: Context = {
        "kms:keyspec": key.spec.value,
        "kms:keyusage": key.usage.value,
        "kms:keyorigin": "AWS_KMS",
        "kms:multiregion": False,
        "kms:customermasterkeyspec": key.spec.value,
        "kms:customermasterkeyusage": key.usage.value,
    }
    if aliases:
        out["kms:resourcealiases"] = tuple(aliases)
    for tag_key, value in tags:
        out[f"aws:resourcetag/{tag_key.lower()}"] = value
    return out


def encryption_context(pairs: Mapping[str, str] | None) -> Context:
    """``kms:EncryptionContext:<key>`` per pair, and ``kms:EncryptionContextKeys``."""
    if not pairs:
        return {}
    out: Context = {f"{CONTEXT_PREFIX}{k.lower()}": v for k, v in pairs.items()}
    out[CONTEXT_KEYS] = tuple(pairs)
    return out


def context_of(values: Mapping[str, ContextValue]) -> dict[str, str]:
    """The encryption context a requirement carries (keys lower-cased, as grant
    constraints compare them)."""
    return {
        name[len(CONTEXT_PREFIX) :]: value
        for name, value in values.items()
        if name.lower().startswith(CONTEXT_PREFIX) and isinstance(value, str)
    }


def request_tags(tags: Sequence[tuple[str, str]]) -> Context:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` of CreateKey and TagResource."""
    if not tags:
        return {}
    out: Context = {f"aws:requesttag/{k.lower()}": v for k, v in tags}
    out["aws:tagkeys"] = tuple(k for k, _ in tags)
    return out


def tag_keys(keys: Sequence[str]) -> Context:
    return {"aws:tagkeys": tuple(keys)} if keys else {}


def grant_request(
    operations: Sequence[str],
    grantee: str | None,
    retiring: str | None,
    constraint_type: str | None,
    via_service: str | None,
) -> Context:
    out: Context = {
        "kms:grantoperations": tuple(operations),
        "kms:grantisforawsresource": via_service is not None,
    }
    if grantee is not None:
        out["kms:granteeprincipal"] = grantee
    if retiring is not None:
        out["kms:retiringprincipal"] = retiring
    if constraint_type is not None:
        out["kms:grantconstrainttype"] = constraint_type
    return out
