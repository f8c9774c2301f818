"""Domain objects as the KMS API's output structures (member names as on the wire).

Timestamps are ``datetime`` in UTC; the json protocol serializer writes them as epoch
seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.services.kms import specs
from fogbank.services.kms.models import Alias, Grant, Key, KeyMaterial, KeyState

Output = dict[str, object]


def when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def key_metadata(key: Key) -> Output:
    out: Output = {
        "AWSAccountId": key.account_id,
        "KeyId": key.key_id,
        "Arn": key.arn,
        "CreationDate": when(key.created_at),
        "Enabled": key.state is KeyState.ENABLED,
        "Description": key.description,
        "KeyUsage": key.usage.value,
        "KeyState": key.state.value,
        "Origin": "AWS_KMS",
        "KeyManager": key.manager.value,
        "CustomerMasterKeySpec": key.spec.value,
        "KeySpec": key.spec.value,
        "MultiRegion": False,
    }
    if key.deletion_at is not None:
        out["DeletionDate"] = when(key.deletion_at)
    encryption = specs.encryption_algorithms(key.spec, key.usage)
    if encryption:
        out["EncryptionAlgorithms"] = [a.value for a in encryption]
    signing = specs.signing_algorithms(key.spec, key.usage)
    if signing:
        out["SigningAlgorithms"] = [a.value for a in signing]
    mac = specs.mac_algorithms(key.spec, key.usage)
    if mac:
        out["MacAlgorithms"] = [a.value for a in mac]
    if key.symmetric:
        out["CurrentKeyMaterialId"] = key.current_material_id
    return out


def key_list_entry(key_id: str, arn: str) -> Output:
    return {"KeyId": key_id, "KeyArn": arn}


def alias_entry(alias: Alias) -> Output:
    return {
        "AliasName": alias.name,
        "AliasArn": alias.arn,
        "TargetKeyId": alias.key_id,
        "CreationDate": when(alias.created_at),
        "LastUpdatedDate": when(alias.updated_at),
    }


def grant_entry(grant: Grant) -> Output:
    out: Output = {
        "KeyId": grant.key_arn,
        "GrantId": grant.grant_id,
        "CreationDate": when(grant.created_at),
        "GranteePrincipal": grant.grantee_principal,
        "IssuingAccount": grant.issuing_account,
        "Operations": [op.value for op in grant.operations],
    }
    if grant.name is not None:
        out["Name"] = grant.name
    if grant.retiring_principal is not None:
        out["RetiringPrincipal"] = grant.retiring_principal
    c = grant.constraints
    if c.encryption_context_equals is not None:
        out["Constraints"] = {"EncryptionContextEquals": dict(c.encryption_context_equals)}
    elif c.encryption_context_subset is not None:
        out["Constraints"] = {"EncryptionContextSubset": dict(c.encryption_context_subset)}
    return out


def rotation_entry(key: Key, material: KeyMaterial) -> Output:
    """A ListKeyRotations entry: a rotation, or (ALL_KEY_MATERIAL) the original material."""
    current = material.version == key.current_version
    out: Output = {
        "KeyId": key.key_id,
        "KeyMaterialId": material.material_id,
        "KeyMaterialState": "CURRENT" if current else "NON_CURRENT",
    }
    if material.rotation_type is not None:
        out["RotationDate"] = when(material.created_at)
        out["RotationType"] = material.rotation_type.value
    return out


def tag_list(pairs: list[tuple[str, str]]) -> list[Output]:
    return [{"TagKey": k, "TagValue": v} for k, v in pairs]
