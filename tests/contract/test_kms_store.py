"""KMS keys in the store, on SQLite and PostgreSQL alike: lifecycle, aliases, deletion and
rotation on the fogbank clock, grants, the root key, and no plaintext material at rest."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from fogbank.core.principal import Principal, PrincipalKind, Session, SessionIssuer
from fogbank.services.kms import wire
from fogbank.services.kms.engine import Engine
from fogbank.services.kms.grants_check import grant_allows
from fogbank.services.kms.jobs import KeyJob
from fogbank.services.kms.models import KeyMaterial
from fogbank.services.kms.ops import aliases, datakeys, encryption, grants, keys, rotation
from fogbank.services.kms.rootkey import KEY_FILE, RootKeyError
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn, Database
from tests.contract.kms_support import (
    ACCOUNT,
    DAY,
    OTHER_ACCOUNT,
    REGION,
    Kms,
    ManualClock,
    fails,
    kms_db_fixture,  # noqa: F401 - fixture
    kms_fixture,  # noqa: F401 - fixture
    run,
)


def new_key(k: Kms, **kwargs: object) -> str:
    return run(keys.create_key(k.engine, ACCOUNT, REGION, **kwargs)).key_id


def enc(k: Kms, key_id: str, data: bytes = b"data", ctx: dict[str, str] | None = None) -> bytes:
    return run(encryption.encrypt(k.engine, ACCOUNT, REGION, key_id, data, ctx)).ciphertext_blob


def dec(k: Kms, blob: bytes, ctx: dict[str, str] | None = None) -> bytes:
    return run(encryption.decrypt(k.engine, ACCOUNT, REGION, blob, ctx)).plaintext


# -- lifecycle ----------------------------------------------------------------------------


def test_create_describe_by_every_name(kms: Kms) -> None:
    key_id = new_key(kms, description="orders")
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    run(aliases.create_alias(kms.engine, ACCOUNT, REGION, "alias/orders", key_id))
    for name in (key_id, arn, "alias/orders", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders"):
        key = run(keys.describe_key(kms.engine, ACCOUNT, REGION, name))
        assert key.key_id == key_id and key.arn == arn
    meta = wire.key_metadata(key)
    assert uuid.UUID(key_id).version == 4
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert meta["KeyManager"] == "CUSTOMER" and meta["Description"] == "orders"
    assert meta["CreationDate"] == wire.when(kms.clock.now())


def test_keys_are_per_account_and_region(kms: Kms) -> None:
    key_id = new_key(kms)
    blob = enc(kms, key_id)
    fails(keys.describe_key(kms.engine, OTHER_ACCOUNT, REGION, key_id), "NotFoundException")
    err = fails(keys.describe_key(kms.engine, ACCOUNT, "eu-west-1", key_id), "NotFoundException")
    assert err.message == f"Key 'arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key_id}' does not exist"
    fails(encryption.decrypt(kms.engine, ACCOUNT, "eu-west-1", blob), "NotFoundException")
    page = run(keys.list_keys(kms.engine, OTHER_ACCOUNT, REGION))
    assert page.items == ()


def test_disable_and_enable(kms: Kms) -> None:
    key_id = new_key(kms)
    blob = enc(kms, key_id)
    run(keys.disable_key(kms.engine, ACCOUNT, REGION, key_id))
    key = run(keys.describe_key(kms.engine, ACCOUNT, REGION, key_id))
    assert key.state.value == "Disabled"
    err = fails(encryption.encrypt(kms.engine, ACCOUNT, REGION, key_id, b"x"), "DisabledException")
    assert err.message == f"{key.arn} is disabled."
    fails(encryption.decrypt(kms.engine, ACCOUNT, REGION, blob), "DisabledException")
    run(keys.enable_key(kms.engine, ACCOUNT, REGION, key_id))
    assert dec(kms, blob) == b"data"


def test_list_keys_pages(kms: Kms) -> None:
    made = sorted(new_key(kms) for _ in range(5))
    first = run(keys.list_keys(kms.engine, ACCOUNT, REGION, limit=3))
    assert [i for i, _ in first.items] == made[:3] and first.truncated
    rest = run(keys.list_keys(kms.engine, ACCOUNT, REGION, limit=3, marker=first.next_marker))
    assert [i for i, _ in rest.items] == made[3:] and not rest.truncated
    fails(keys.list_keys(kms.engine, ACCOUNT, REGION, marker="%%%"), "InvalidMarkerException")


# -- aliases ------------------------------------------------------------------------------


def test_alias_rules(kms: Kms) -> None:
    a, b = new_key(kms), new_key(kms)
    e = kms.engine
    run(aliases.create_alias(e, ACCOUNT, REGION, "alias/app", a))
    err = fails(aliases.create_alias(e, ACCOUNT, REGION, "alias/app", b), "AlreadyExistsException")
    assert (
        err.message
        == f"An alias with the name arn:aws:kms:{REGION}:{ACCOUNT}:alias/app already exists"
    )
    err = fails(aliases.create_alias(e, ACCOUNT, REGION, "app", a), "ValidationException")
    assert err.message.startswith('Alias must start with the prefix "alias/".')
    fails(aliases.create_alias(e, ACCOUNT, REGION, "alias/a:b", a), "ValidationException")
    fails(aliases.create_alias(e, ACCOUNT, REGION, "alias/aws/mine", a), "NotAuthorizedException")
    fails(
        aliases.create_alias(e, ACCOUNT, REGION, "alias/x", str(uuid.uuid4())), "NotFoundException"
    )
    run(aliases.update_alias(e, ACCOUNT, REGION, "alias/app", b))
    assert run(keys.describe_key(e, ACCOUNT, REGION, "alias/app")).key_id == b
    hmac_key = new_key(kms, key_spec="HMAC_256", key_usage="GENERATE_VERIFY_MAC")
    fails(aliases.update_alias(e, ACCOUNT, REGION, "alias/app", hmac_key), "ValidationException")
    run(aliases.delete_alias(e, ACCOUNT, REGION, "alias/app"))
    err = fails(keys.describe_key(e, ACCOUNT, REGION, "alias/app"), "NotFoundException")
    assert err.message == f"Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/app is not found."


def test_list_aliases_by_key_and_pages(kms: Kms) -> None:
    a, b = new_key(kms), new_key(kms)
    for name, target in (("alias/a1", a), ("alias/a2", a), ("alias/a3", a), ("alias/b1", b)):
        run(aliases.create_alias(kms.engine, ACCOUNT, REGION, name, target))
    page = run(aliases.list_aliases(kms.engine, ACCOUNT, REGION, key_id=a, limit=2))
    assert [x.name for x in page.items] == ["alias/a1", "alias/a2"] and page.truncated
    page = run(aliases.list_aliases(kms.engine, ACCOUNT, REGION, a, 2, page.next_marker))
    assert [x.name for x in page.items] == ["alias/a3"] and not page.truncated
    everything = run(aliases.list_aliases(kms.engine, ACCOUNT, REGION))
    assert {x.name for x in everything.items} == {"alias/a1", "alias/a2", "alias/a3", "alias/b1"}


# -- deletion on the fogbank clock -------------------------------------------------------


def test_schedule_and_cancel_deletion(kms: Kms) -> None:
    key_id = new_key(kms)
    blob = enc(kms, key_id)
    for days in (6, 31):
        err = fails(
            keys.schedule_key_deletion(kms.engine, ACCOUNT, REGION, key_id, days),
            "ValidationException",
        )
        assert err.message == "PendingWindowInDays must be between 7 and 30"
    key = run(keys.schedule_key_deletion(kms.engine, ACCOUNT, REGION, key_id, 7))
    assert key.state.value == "PendingDeletion"
    assert key.deletion_at == kms.clock.now() + 7 * DAY
    assert wire.key_metadata(key)["DeletionDate"] == wire.when(kms.clock.now() + 7 * DAY)
    err = fails(encryption.decrypt(kms.engine, ACCOUNT, REGION, blob), "KMSInvalidStateException")
    assert err.message == f"{key.arn} is pending deletion."
    fails(keys.enable_key(kms.engine, ACCOUNT, REGION, key_id), "KMSInvalidStateException")
    key = run(keys.cancel_key_deletion(kms.engine, ACCOUNT, REGION, key_id))
    assert key.state.value == "Disabled" and key.deletion_at is None
    fails(keys.cancel_key_deletion(kms.engine, ACCOUNT, REGION, key_id), "KMSInvalidStateException")
    run(keys.enable_key(kms.engine, ACCOUNT, REGION, key_id))
    assert dec(kms, blob) == b"data"


def test_material_destroyed_when_window_passes(kms: Kms) -> None:
    key_id = new_key(kms)
    keep = new_key(kms)
    run(aliases.create_alias(kms.engine, ACCOUNT, REGION, "alias/doomed", key_id))
    blob, kept_blob = enc(kms, key_id), enc(kms, keep)
    run(keys.schedule_key_deletion(kms.engine, ACCOUNT, REGION, key_id, 7))
    job = KeyJob(kms.engine)
    run(job.run_due(kms.clock.advance(7 * DAY - 60)))
    assert (
        run(keys.describe_key(kms.engine, ACCOUNT, REGION, key_id)).state.value == "PendingDeletion"
    )
    run(job.run_due(kms.clock.advance(120)))
    run(job.run_due(kms.clock.now()))  # idempotent
    err = fails(encryption.decrypt(kms.engine, ACCOUNT, REGION, blob), "NotFoundException")
    assert err.message == f"Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}' does not exist"
    fails(keys.describe_key(kms.engine, ACCOUNT, REGION, "alias/doomed"), "NotFoundException")
    rows = kms.db.read_sync(
        lambda c: c.scalar(
            "SELECT COUNT(*) AS n FROM kms_key_materials WHERE key_id = ?", (key_id,)
        )
    )
    assert rows == 0
    assert dec(kms, kept_blob) == b"data"  # other keys untouched


def test_cancelled_deletion_is_not_carried_out(kms: Kms) -> None:
    key_id = new_key(kms)
    run(keys.schedule_key_deletion(kms.engine, ACCOUNT, REGION, key_id, 7))
    run(keys.cancel_key_deletion(kms.engine, ACCOUNT, REGION, key_id))
    run(KeyJob(kms.engine).run_due(kms.clock.advance(30 * DAY)))
    assert run(keys.describe_key(kms.engine, ACCOUNT, REGION, key_id)).state.value == "Disabled"


# -- rotation on the fogbank clock ------------------------------------------------------


def versions(k: Kms, key_id: str) -> list[int]:
    return [m.version for m in k.db.read_sync(lambda c: key_store.materials(c, key_id, 0, 100))]


def test_rotation_keeps_old_ciphertexts_and_uses_new_version(kms: Kms) -> None:
    key_id = new_key(kms)
    start = kms.clock.now()
    run(rotation.enable_key_rotation(kms.engine, ACCOUNT, REGION, key_id, 90))
    status = run(rotation.get_key_rotation_status(kms.engine, ACCOUNT, REGION, key_id))
    assert (
        status.enabled and status.period_days == 90 and status.next_rotation_at == start + 90 * DAY
    )
    old = enc(kms, key_id, b"before", {"a": "1"})
    job = KeyJob(kms.engine)
    run(job.run_due(kms.clock.advance(89 * DAY)))
    assert versions(kms, key_id) == [1]
    run(job.run_due(kms.clock.advance(2 * DAY)))
    run(job.run_due(kms.clock.now()))  # running again does nothing more
    assert versions(kms, key_id) == [1, 2]
    new = enc(kms, key_id, b"after")
    assert int.from_bytes(old[17:21], "big") == 1 and int.from_bytes(new[17:21], "big") == 2
    assert dec(kms, old, {"a": "1"}) == b"before" and dec(kms, new) == b"after"
    key, page = run(rotation.list_key_rotations(kms.engine, ACCOUNT, REGION, key_id))
    [entry] = [wire.rotation_entry(key, m) for m in page.items]
    assert entry["RotationType"] == "AUTOMATIC" and entry["KeyMaterialState"] == "CURRENT"
    assert entry["RotationDate"] == wire.when(start + 90 * DAY)
    status = run(rotation.get_key_rotation_status(kms.engine, ACCOUNT, REGION, key_id))
    assert status.next_rotation_at == start + 180 * DAY
    _, page = run(
        rotation.list_key_rotations(
            kms.engine, ACCOUNT, REGION, key_id, include_key_material="ALL_KEY_MATERIAL"
        )
    )
    original, rotated = (wire.rotation_entry(key, m) for m in page.items)
    assert original["KeyMaterialState"] == "NON_CURRENT" and "RotationType" not in original
    assert rotated["KeyMaterialId"] == entry["KeyMaterialId"]
    found = run(encryption.key_of_ciphertext(kms.engine, REGION, old))
    assert found is not None and found.key_id == key_id
    assert run(encryption.key_of_ciphertext(kms.engine, REGION, b"junk")) is None


def test_clock_jump_rotates_once_per_missed_date(kms: Kms) -> None:
    key_id = new_key(kms)
    start = kms.clock.now()
    run(rotation.enable_key_rotation(kms.engine, ACCOUNT, REGION, key_id, 100))
    run(KeyJob(kms.engine, batch=1).run_due(kms.clock.advance(350 * DAY)))
    assert versions(kms, key_id) == [1, 2, 3, 4]
    _, page = run(rotation.list_key_rotations(kms.engine, ACCOUNT, REGION, key_id, limit=2))
    assert [m.created_at for m in page.items] == [start + 100 * DAY, start + 200 * DAY]


def test_disabled_key_rotates_when_enabled_again(kms: Kms) -> None:
    key_id = new_key(kms)
    run(rotation.enable_key_rotation(kms.engine, ACCOUNT, REGION, key_id, 90))
    run(keys.disable_key(kms.engine, ACCOUNT, REGION, key_id))
    job = KeyJob(kms.engine)
    run(job.run_due(kms.clock.advance(200 * DAY)))
    assert versions(kms, key_id) == [1]
    run(keys.enable_key(kms.engine, ACCOUNT, REGION, key_id))
    run(job.run_due(kms.clock.now()))
    assert versions(kms, key_id) == [1, 2]  # once, now; then every 90 days from now


def test_on_demand_rotation_and_its_limits(kms: Kms) -> None:
    key_id = new_key(kms)
    blob = enc(kms, key_id)
    run(rotation.rotate_key_on_demand(kms.engine, ACCOUNT, REGION, key_id))
    assert versions(kms, key_id) == [1, 2] and dec(kms, blob) == b"data"
    _, page = run(rotation.list_key_rotations(kms.engine, ACCOUNT, REGION, key_id))
    assert [m.rotation_type.value for m in page.items if m.rotation_type] == ["ON_DEMAND"]
    rsa = new_key(kms, key_spec="RSA_2048", key_usage="SIGN_VERIFY")
    for op in (rotation.rotate_key_on_demand, rotation.enable_key_rotation):
        err = fails(op(kms.engine, ACCOUNT, REGION, rsa), "UnsupportedOperationException")
        assert "non-symmetric key" in err.message
    fails(
        rotation.enable_key_rotation(kms.engine, ACCOUNT, REGION, key_id, 89), "ValidationException"
    )
    fails(
        rotation.enable_key_rotation(kms.engine, ACCOUNT, REGION, key_id, 2561),
        "ValidationException",
    )


# -- grants ---------------------------------------------------------------------------------


def user(name: str, account: str = ACCOUNT) -> Principal:
    return Principal(
        PrincipalKind.IAM_USER, account, f"arn:aws:iam::{account}:user/{name}", "AIDA" + name
    )


def test_grant_lookups_with_constraints(kms: Kms) -> None:
    key_id = new_key(kms)
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    alice = user("alice")
    made = run(
        grants.create_grant(
            kms.engine,
            ACCOUNT,
            REGION,
            key_id,
            alice.arn,
            ["Decrypt", "Encrypt"],
            encryption_context_subset={"tenant": "t1"},
        )
    )
    allows = lambda p, op, ctx: run(grant_allows(kms.engine, key_arn, p, op, ctx))  # noqa: E731
    assert allows(alice, "Decrypt", {"tenant": "t1", "doc": "9"}).grant_id == made.grant_id
    assert allows(alice, "Decrypt", {"tenant": "t2"}) is None
    assert allows(alice, "Decrypt", None) is None
    assert allows(alice, "GenerateDataKey", {"tenant": "t1"}) is None
    assert allows(user("bob"), "Decrypt", {"tenant": "t1"}) is None
    exact = run(
        grants.create_grant(
            kms.engine,
            ACCOUNT,
            REGION,
            key_id,
            "arn:aws:iam::111122223333:role/app",
            ["GenerateDataKey"],
            encryption_context_equals={"tenant": "t1"},
        )
    )
    issuer = SessionIssuer("Role", "AROAX", "arn:aws:iam::111122223333:role/app", ACCOUNT, "app")
    session = Principal(
        PrincipalKind.ASSUMED_ROLE,
        ACCOUNT,
        "arn:aws:sts::111122223333:assumed-role/app/s1",
        "AROAX:s1",
        session=Session(issuer, wire.when(0), wire.when(1e10)),
    )
    assert allows(session, "GenerateDataKey", {"tenant": "t1"}).grant_id == exact.grant_id
    assert allows(session, "GenerateDataKey", {"tenant": "t1", "x": "y"}) is None


def test_grant_listing_retiring_revoking(kms: Kms) -> None:
    key_id = new_key(kms)
    e = kms.engine
    retirer = user("ops")
    g1 = run(
        grants.create_grant(
            e,
            ACCOUNT,
            REGION,
            key_id,
            user("a").arn,
            ["Decrypt"],
            retiring_principal=retirer.arn,
            name="g1",
        )
    )
    again = run(
        grants.create_grant(
            e,
            ACCOUNT,
            REGION,
            key_id,
            user("a").arn,
            ["Decrypt"],
            retiring_principal=retirer.arn,
            name="g1",
        )
    )
    assert again == g1  # same name and terms: the same grant and token
    g2 = run(
        grants.create_grant(e, ACCOUNT, REGION, key_id, user("b").arn, ["Encrypt", "RetireGrant"])
    )
    listed = run(grants.list_grants(e, ACCOUNT, REGION, key_id))
    assert {g.grant_id for g in listed.items} == {g1.grant_id, g2.grant_id}
    entry = wire.grant_entry(next(g for g in listed.items if g.grant_id == g1.grant_id))
    assert entry["IssuingAccount"] == f"arn:aws:iam::{ACCOUNT}:root" and entry["Name"] == "g1"
    retirable = run(grants.list_retirable_grants(e, REGION, retirer.arn))
    assert [g.grant_id for g in retirable.items] == [g1.grant_id]
    fails(
        grants.retire_grant(e, user("a"), REGION, grant_token=g1.grant_token),
        "AccessDeniedException",
    )
    fails(
        grants.retire_grant(e, retirer, REGION, grant_token="bogus"), "InvalidGrantTokenException"
    )
    run(grants.retire_grant(e, retirer, REGION, grant_token=g1.grant_token))
    run(grants.retire_grant(e, user("b"), REGION, key_id=key_id, grant_id=g2.grant_id))
    assert run(grants.list_grants(e, ACCOUNT, REGION, key_id)).items == ()
    g3 = run(grants.create_grant(e, ACCOUNT, REGION, key_id, user("c").arn, ["Decrypt"]))
    fails(grants.revoke_grant(e, ACCOUNT, REGION, key_id, "0" * 64), "NotFoundException")
    run(grants.revoke_grant(e, ACCOUNT, REGION, key_id, g3.grant_id))
    assert run(grant_allows(e, key_id, user("c"), "Decrypt")) is None


def test_grant_operations_must_suit_the_key(kms: Kms) -> None:
    key_id = new_key(kms)
    sign_key = new_key(kms, key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY")
    fails(
        grants.create_grant(kms.engine, ACCOUNT, REGION, key_id, user("a").arn, ["Sign"]),
        "ValidationException",
    )
    fails(
        grants.create_grant(kms.engine, ACCOUNT, REGION, key_id, user("a").arn, ["Fly"]),
        "ValidationException",
    )
    fails(
        grants.create_grant(
            kms.engine,
            ACCOUNT,
            REGION,
            sign_key,
            user("a").arn,
            ["Sign"],
            encryption_context_equals={"a": "b"},
        ),
        "ValidationException",
    )
    run(
        grants.create_grant(
            kms.engine, ACCOUNT, REGION, sign_key, user("a").arn, ["Sign", "GetPublicKey"]
        )
    )


# -- the root key ---------------------------------------------------------------------------


def test_root_key_file_is_private_and_reused(kms: Kms) -> None:
    path = kms.data_dir / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(path.read_bytes()) == 32
    blob = enc(kms, new_key(kms))
    again = kms.reopen()
    assert run(encryption.decrypt(again, ACCOUNT, REGION, blob)).plaintext == b"data"


def test_root_key_file_missing_or_replaced_is_reported(kms: Kms) -> None:
    path: Path = kms.data_dir / KEY_FILE
    original = path.read_bytes()
    path.unlink()
    with pytest.raises(RootKeyError, match="missing"):
        kms.reopen()
    path.write_bytes(bytes(32))
    path.chmod(0o600)
    with pytest.raises(RootKeyError, match="not the one"):
        kms.reopen()
    path.write_bytes(original)
    with pytest.raises(RootKeyError, match="kept in a key file"):
        kms.reopen("a passphrase")


def test_passphrase_mode(kms_db: Database, tmp_path: Path) -> None:
    clock = ManualClock()
    engine = Engine.open(kms_db, clock.clock, tmp_path, "correct horse battery")
    assert not (tmp_path / KEY_FILE).exists()
    key = run(keys.create_key(engine, ACCOUNT, REGION))
    blob = run(
        encryption.encrypt(engine, ACCOUNT, REGION, key.key_id, b"p", {"c": "1"})
    ).ciphertext_blob
    again = Engine.open(kms_db, clock.clock, tmp_path, "correct horse battery")
    assert run(encryption.decrypt(again, ACCOUNT, REGION, blob, {"c": "1"})).plaintext == b"p"
    with pytest.raises(RootKeyError, match="wrong KMS passphrase"):
        Engine.open(kms_db, clock.clock, tmp_path, "correct horse battery!")
    with pytest.raises(RootKeyError, match="passphrase"):
        Engine.open(kms_db, clock.clock, tmp_path)


# -- nothing secret at rest ---------------------------------------------------------------


def secrets_of(k: Kms) -> list[bytes]:
    """Every secret the engine holds: unsealed key material, plus the root key file."""

    def read(c: Conn) -> list[KeyMaterial | None]:
        rows = c.all("SELECT key_id, version FROM kms_key_materials")
        return [key_store.material(c, str(r["key_id"]), int(str(r["version"]))) for r in rows]

    found = [k.engine.keyring.unseal(m) for m in k.db.read_sync(read) if m is not None]
    return [*found, (k.data_dir / KEY_FILE).read_bytes()]


def stored_values(k: Kms) -> bytes:
    """Everything in KMS's tables, bytes as they are and the rest as text."""
    out = bytearray()
    for table in (
        "kms_root",
        "kms_keys",
        "kms_key_materials",
        "kms_aliases",
        "kms_tags",
        "kms_grants",
    ):
        for row in k.db.read_sync(lambda c, t=table: c.all(f"SELECT * FROM {t}")):  # type: ignore[misc]
            for name in row.keys():  # noqa: SIM118 - a DB-API row, not a dict
                value = row[name]
                out += (
                    bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                )
    return bytes(out)


def test_no_plaintext_key_material_in_the_store(kms: Kms) -> None:
    sym = new_key(kms)
    new_key(kms, key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT")
    new_key(kms, key_spec="HMAC_256", key_usage="GENERATE_VERIFY_MAC")
    run(rotation.rotate_key_on_demand(kms.engine, ACCOUNT, REGION, sym))
    data_key = run(datakeys.generate_data_key(kms.engine, ACCOUNT, REGION, sym, number_of_bytes=32))
    assert data_key.plaintext is not None
    secrets = [*secrets_of(kms), data_key.plaintext]
    assert len(secrets) == 6 and all(len(s) >= 32 for s in secrets)
    stored = stored_values(kms)
    sealed = [
        bytes(r["sealed"])
        for r in kms.db.read_sync(lambda c: c.all("SELECT sealed FROM kms_key_materials"))
    ]
    assert len(sealed) == 4 and all(s in stored for s in sealed)  # the search does find bytes
    for secret in secrets:
        assert secret not in stored and secret.hex().encode() not in stored
    if kms.db.dialect.name == "sqlite":
        path = kms.db.settings.url.removeprefix("sqlite:///")
        raw = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if Path(p).exists())
        assert all(s in raw for s in sealed)
        for secret in secrets:
            assert secret not in raw
