"""KMS across restarts: keys, aliases, tags, grants and schedules persist; the root key in
a key file or derived from a passphrase (env or file, handed to worker processes); and
nothing secret at rest or in the logs."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fogbank.services.kms.crypto import blob as blobs
from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.models import KeyMaterial
from fogbank.services.kms.rootkey import KEY_FILE, RootKey
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Database, DbSettings
from tests.support.server import FogbankServer

PASSPHRASE = "correct horse battery staple"


def restart(
    make_server: Callable[..., FogbankServer], srv: FogbankServer, **kwargs: Any
) -> FogbankServer:
    srv.stop()
    return make_server(data_dir=srv.data_dir, metadata_url=srv.metadata_url, **kwargs)


def test_state_survives_a_restart(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    srv = make_server(data_dir=tmp_path / "d")
    kms = srv.client("kms")
    key_id = kms.create_key(Description="durable", Tags=[{"TagKey": "t", "TagValue": "v"}])[
        "KeyMetadata"
    ]["KeyId"]
    kms.create_alias(AliasName="alias/durable", TargetKeyId=key_id)
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    grant = kms.create_grant(
        KeyId=key_id, GranteePrincipal="arn:aws:iam::000000000000:user/u", Operations=["Decrypt"]
    )
    blob = kms.encrypt(KeyId="alias/durable", Plaintext=b"kept", EncryptionContext={"a": "b"})[
        "CiphertextBlob"
    ]
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)

    again = restart(make_server, srv, workers=2)
    kms = again.client("kms")
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"kept"
    meta = kms.describe_key(KeyId="alias/durable")["KeyMetadata"]
    assert meta["KeyId"] == key_id and meta["Description"] == "durable"
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "t", "TagValue": "v"}]
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 90
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id)["Grants"]] == [grant["GrantId"]]
    kms.retire_grant(GrantToken=grant["GrantToken"])  # tokens stay valid across restarts
    assert kms.describe_key(KeyId=doomed)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    holdings = json.loads(again.fogbank("status", "--json").stdout)["holdings"]["kms"]
    assert holdings == {"keys": 2, "by_state": {"Enabled": 1, "PendingDeletion": 1}}
    again.fogbank("clock", "advance", "8d")  # the deletion schedule survived too
    assert doomed not in [k["KeyId"] for k in kms.list_keys()["Keys"]]


def _children(pid: int) -> list[str]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(out.split())


def test_root_key_from_a_passphrase(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    data = tmp_path / "d"
    srv = make_server(data_dir=data, workers=2, env={"FOGBANK_KMS_PASSPHRASE": PASSPHRASE})
    assert not (data / KEY_FILE).exists()
    workers = _children(srv.pid)
    blobs = []
    for _ in range(6):  # fresh connections: the kernel spreads them over both processes
        blobs.append(
            srv.client("kms").encrypt(KeyId="alias/aws/s3", Plaintext=b"p")["CiphertextBlob"]
        )
    time.sleep(1.5)
    assert _children(srv.pid) == workers, "a worker process could not open the root key"
    assert not any("exited" in line for line in srv.output)
    assert not any(PASSPHRASE in line for line in srv.output)

    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    again = restart(make_server, srv, workers=2, extra_args=["--kms-passphrase-file", str(secret)])
    for blob in blobs:
        assert again.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
    again.stop()

    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase")
    refused = make_server(
        start=False,
        data_dir=data,
        metadata_url=srv.metadata_url,
        extra_args=["--kms-passphrase-file", str(wrong)],
    )
    done = subprocess.run(
        refused.argv(), env=refused.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0 and "wrong KMS passphrase" in done.stderr
    assert "Traceback" not in done.stderr
    plain = make_server(start=False, data_dir=data, metadata_url=srv.metadata_url)
    done = subprocess.run(plain.argv(), env=plain.env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "passphrase" in done.stderr
    missing = make_server(
        start=False, data_dir=data, extra_args=["--kms-passphrase-file", str(tmp_path / "none")]
    )
    done = subprocess.run(
        missing.argv(), env=missing.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "cannot read the KMS passphrase file" in done.stderr


def _files(*roots: Path) -> Iterator[Path]:
    for root in roots:
        yield from (p for p in root.rglob("*") if p.is_file())


def _material(url: str, key_id: str) -> KeyMaterial:
    db = Database(DbSettings(url))
    try:
        found = db.read_sync(lambda c: key_store.material(c, key_id, 1))
        if db.dialect.name == "postgresql":  # write the pages out, so the files hold them
            db.write_sync(lambda c: c.execute("CHECKPOINT"))
    finally:
        db.close()
    assert found is not None
    return found


def test_nothing_secret_at_rest_or_in_logs(
    make_server: Callable[..., FogbankServer], pg_cluster: Any, tmp_path: Path
) -> None:
    srv = make_server(data_dir=tmp_path / "d")
    kms = srv.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    plaintext = b"plaintext that must not be kept anywhere 0123456789"
    blob = kms.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"]
    url = srv.metadata_url or f"sqlite:///{srv.data_dir / 'metadata.db'}"
    srv.stop()

    # The key's material, unsealed with the root key file: the real key (it opens the
    # ciphertext) and stored only sealed.
    root = RootKey((srv.data_dir / KEY_FILE).read_bytes())
    material = _material(url, key_id)
    secret = Keyring(root).unseal(material)
    assert blobs.open_blob(secret, blob, None) == plaintext

    roots = [srv.data_dir]
    if pg_cluster is not None:
        roots.append(pg_cluster.data)
    needles = {
        "data key": data_key["Plaintext"],
        "plaintext": plaintext,
        "key material": secret,
    }
    needles.update({f"{k} (base64)": base64.b64encode(v) for k, v in list(needles.items())})
    needles["key material (hex)"] = secret.hex().encode()
    for path in _files(*roots):
        if path.name == KEY_FILE:
            continue
        content = path.read_bytes()
        for what, needle in needles.items():
            assert needle not in content, f"{what} found in {path}"
    log = "".join(srv.output).encode()
    for what, needle in needles.items():
        assert needle not in log, f"{what} found in the server's output"
