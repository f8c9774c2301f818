"""Issue 6's acceptance with the AWS CLI: create-key, create-alias, an encrypt/decrypt
round trip (binary files, base64 output), a wrong encryption context refused, deletion
after the pending window on the fogbank clock, and rotation keeping old ciphertexts
readable. The commands are the ones docs/kms.md shows."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

from tests.integration.kms.support import unique
from tests.support.server import FogbankServer


def cli(server: FogbankServer, *args: str) -> str:
    return server.aws("kms", *args).stdout.strip()


def encrypt_file(server: FogbankServer, key: str, plain: Path, out: Path, ctx: str) -> None:
    text = cli(
        server,
        "encrypt",
        "--key-id",
        key,
        "--plaintext",
        f"fileb://{plain}",
        "--encryption-context",
        ctx,
        "--query",
        "CiphertextBlob",
        "--output",
        "text",
    )
    out.write_bytes(base64.b64decode(text))


def decrypt_file(server: FogbankServer, blob: Path, ctx: str, check: bool = True) -> str:
    done = server.aws(
        "kms",
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{blob}",
        "--encryption-context",
        ctx,
        "--query",
        "Plaintext",
        "--output",
        "text",
        check=check,
    )
    return done.stdout.strip() if done.returncode == 0 else done.stderr


def test_create_alias_encrypt_decrypt_with_the_cli(server: FogbankServer, tmp_path: Path) -> None:
    key_id = cli(
        server,
        "create-key",
        "--description",
        "cli demo",
        "--query",
        "KeyMetadata.KeyId",
        "--output",
        "text",
    )
    alias = unique("alias/cli-demo")
    cli(server, "create-alias", "--alias-name", alias, "--target-key-id", key_id)
    described = json.loads(cli(server, "describe-key", "--key-id", alias))["KeyMetadata"]
    assert described["KeyId"] == key_id and described["Description"] == "cli demo"

    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"attack at dawn\n\x00\xff binary too")
    blob = tmp_path / "secret.bin"
    encrypt_file(server, alias, plain, blob, "purpose=demo")
    assert plain.read_bytes() not in blob.read_bytes()
    out = decrypt_file(server, blob, "purpose=demo")
    assert base64.b64decode(out) == plain.read_bytes()

    for wrong in ("purpose=other", "purpose=demo,extra=1"):
        refused = decrypt_file(server, blob, wrong, check=False)
        assert "InvalidCiphertextException" in refused
    aliases = json.loads(cli(server, "list-aliases", "--key-id", key_id))["Aliases"]
    assert [a["AliasName"] for a in aliases] == [alias]


def test_deleted_key_is_gone_after_its_window(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    srv = make_server()
    key_id = cli(srv, "create-key", "--query", "KeyMetadata.KeyId", "--output", "text")
    plain, blob = tmp_path / "p", tmp_path / "c"
    plain.write_bytes(b"short-lived secret")
    encrypt_file(srv, key_id, plain, blob, "k=v")

    scheduled = json.loads(
        cli(srv, "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7")
    )
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    assert "KMSInvalidStateException" in decrypt_file(srv, blob, "k=v", check=False)

    srv.fogbank("clock", "advance", "6d")  # still within the window: the key is there
    state = json.loads(cli(srv, "describe-key", "--key-id", key_id))["KeyMetadata"]["KeyState"]
    assert state == "PendingDeletion"

    srv.fogbank("clock", "advance", "2d")
    gone = srv.aws("kms", "describe-key", "--key-id", key_id, check=False)
    assert gone.returncode != 0 and "NotFoundException" in gone.stderr
    assert "NotFoundException" in decrypt_file(srv, blob, "k=v", check=False)
    keys = json.loads(cli(srv, "list-keys"))["Keys"]
    assert key_id not in [k["KeyId"] for k in keys]


def test_ciphertexts_from_before_a_rotation_decrypt_after_it(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    srv = make_server()
    key_id = cli(srv, "create-key", "--query", "KeyMetadata.KeyId", "--output", "text")
    cli(srv, "enable-key-rotation", "--key-id", key_id, "--rotation-period-in-days", "90")
    plain, old = tmp_path / "p", tmp_path / "old"
    plain.write_bytes(b"written before the rotation")
    encrypt_file(srv, key_id, plain, old, "era=before")
    before = json.loads(cli(srv, "describe-key", "--key-id", key_id))["KeyMetadata"]

    srv.fogbank("clock", "advance", "91d")
    rotations = json.loads(cli(srv, "list-key-rotations", "--key-id", key_id))["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    after = json.loads(cli(srv, "describe-key", "--key-id", key_id))["KeyMetadata"]
    assert after["CurrentKeyMaterialId"] != before["CurrentKeyMaterialId"]

    assert base64.b64decode(decrypt_file(srv, old, "era=before")) == plain.read_bytes()
    new = tmp_path / "new"
    encrypt_file(srv, key_id, plain, new, "era=after")
    opened = json.loads(
        cli(
            srv,
            "decrypt",
            "--ciphertext-blob",
            f"fileb://{new}",
            "--encryption-context",
            "era=after",
        )
    )
    assert opened["KeyMaterialId"] == after["CurrentKeyMaterialId"]
