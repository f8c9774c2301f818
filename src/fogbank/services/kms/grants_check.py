"""The question the authorizer asks about grants: does one let principal P do operation O
on key K, with this encryption context?

A grant matches a caller whose ARN is its grantee principal; for an assumed-role session,
the role's ARN also matches, as in KMS. Encryption context constraints apply to the
operations that take an encryption context: ``EncryptionContextEquals`` needs exactly
the grant's pairs, ``EncryptionContextSubset`` needs at least them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.kms import specs
from fogbank.services.kms.engine import Engine, parse_ref
from fogbank.services.kms.models import Grant, GrantOperation, Key, KeyUsage
from fogbank.services.kms.ops.common import check_grant_tokens
from fogbank.services.kms.store import grants as grant_store

G = GrantOperation

# Operations that take an encryption context (grant constraints apply to them).
CONTEXT_OPERATIONS = frozenset(
    {
        G.DECRYPT,
        G.ENCRYPT,
        G.GENERATE_DATA_KEY,
        G.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT,
        G.GENERATE_DATA_KEY_PAIR,
        G.GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT,
        G.RE_ENCRYPT_FROM,
        G.RE_ENCRYPT_TO,
        # Allowed in a constrained grant; the constraint does not apply to them.
        G.CREATE_GRANT,
        G.RETIRE_GRANT,
        G.DESCRIBE_KEY,
    }
)
_CONTEXT_BOUND = CONTEXT_OPERATIONS - {G.CREATE_GRANT, G.RETIRE_GRANT, G.DESCRIBE_KEY}
_COMMON = frozenset({G.CREATE_GRANT, G.RETIRE_GRANT, G.DESCRIBE_KEY})
_SYMMETRIC = _COMMON | (_CONTEXT_BOUND)
_RSA_ENCRYPT = _COMMON | {
    G.ENCRYPT,
    G.DECRYPT,
    G.RE_ENCRYPT_FROM,
    G.RE_ENCRYPT_TO,
    G.GET_PUBLIC_KEY,
}
_SIGN = _COMMON | {G.SIGN, G.VERIFY, G.GET_PUBLIC_KEY}
_MAC = _COMMON | {G.GENERATE_MAC, G.VERIFY_MAC}


def operations_for(key: Key) -> frozenset[GrantOperation]:
    """The grant operations a key of this spec and usage can be granted for."""
    if key.usage is KeyUsage.SIGN_VERIFY:
        return _SIGN
    if key.usage is KeyUsage.GENERATE_VERIFY_MAC:
        return _MAC
    return _RSA_ENCRYPT if specs.is_rsa(key.spec) else _SYMMETRIC


def grantee_names(principal: Principal) -> list[str]:
    """The grantee principals that designate this caller."""
    names = [principal.arn]
    session = principal.session
    if principal.kind is PrincipalKind.ASSUMED_ROLE and session is not None and session.issuer:
        names.append(session.issuer.arn)
    return names


def context_satisfies(grant: Grant, context: Mapping[str, str] | None) -> bool:
    """In a grant constraint the keys are case-insensitive and the values are not (KMS
    API reference, GrantConstraints)."""
    given = {k.lower(): v for k, v in (context or {}).items()}
    c = grant.constraints
    if c.encryption_context_equals is not None:
        return given == {k.lower(): v for k, v in c.encryption_context_equals}
    if c.encryption_context_subset is not None:
        return all(given.get(k.lower()) == v for k, v in c.encryption_context_subset)
    return True


def permits(grant: Grant, operation: GrantOperation, context: Mapping[str, str] | None) -> bool:
    if operation not in grant.operations:
        return False
    return operation not in _CONTEXT_BOUND or context_satisfies(grant, context)


async def grant_allows(
    engine: Engine,
    key: str,
    principal: Principal,
    operation: str,
    context: Mapping[str, str] | None = None,
    grant_tokens: Sequence[str] = (),
) -> Grant | None:
    """The grant that lets ``principal`` do ``operation`` on ``key`` (its key ARN or id)
    with ``context``, or None.

    ``operation`` is a grant operation name (``Decrypt``, ``ReEncryptFrom`` ...). Grant
    tokens are checked (a token fogbank did not issue is ``InvalidGrantTokenException``);
    since grants take effect at once here, a token adds no permission a stored grant
    would not give.
    """
    check_grant_tokens(engine, grant_tokens)
    try:
        wanted = GrantOperation(operation)
    except ValueError:
        return None
    ref = parse_ref(key, principal.account_id, "", allow_alias=False)
    assert ref.key_id is not None
    names = grantee_names(principal)
    found = await engine.db.read(
        lambda c: grant_store.for_grantees(c, ref.key_id or "", names, engine.partition)
    )
    for grant in found:
        if permits(grant, wanted, context):
            return grant
    return None
