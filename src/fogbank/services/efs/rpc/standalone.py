"""A data-plane server on its own, for tests and benchmarks (no HTTP API needed).

``python -m fogbank.services.efs.rpc.standalone CONFIG.json`` opens (or creates) a
SQLite store in the config's data dir, creates the listed file systems, starts one
mount target per file system and prints ``READY fs_id host port`` lines. Access points,
static credentials and per-principal allowed client actions come from the config.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fogbank.auth.credentials import Credential
from fogbank.core.clock import Clock
from fogbank.core.principal import Principal, root_principal
from fogbank.services.efs.fs.schema import MIGRATIONS
from fogbank.services.efs.fs.store import FsStore, fast_handle
from fogbank.services.efs.rpc.auth import (
    ALL_CLIENT_ACTIONS,
    AccessPoint,
    CreationInfo,
    MountRequest,
    PosixUser,
)
from fogbank.services.efs.rpc.memory import tune_malloc, tune_threads
from fogbank.services.efs.rpc.server import MountTargetServer
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate

ACCOUNT = "000000000000"


class StaticKeys:
    def __init__(self, keys: dict[str, str]) -> None:
        self._keys = keys

    async def lookup(self, access_key_id: str) -> Credential | None:
        secret = self._keys.get(access_key_id)
        if secret is None:
            return None
        return Credential(access_key_id, secret, root_principal(ACCOUNT, access_key_id))


def _access_point(doc: dict[str, object]) -> AccessPoint:
    user = doc.get("posix_user")
    info = doc.get("creation_info")
    return AccessPoint(
        access_point_id=str(doc["id"]),
        fs_id=str(doc["fs_id"]),
        posix_user=PosixUser(**user) if isinstance(user, dict) else None,
        root_path=str(doc.get("root", "/")),
        creation_info=CreationInfo(**info) if isinstance(info, dict) else None,
    )


async def serve(config: dict[str, object]) -> None:
    data_dir = Path(str(config["data_dir"]))
    url = f"sqlite:///{data_dir}/meta.db"
    db = Database(DbSettings(url))
    migrate(db, MIGRATIONS)
    fast = fast_handle(url)
    io = ThreadPoolExecutor(16, thread_name_prefix="efs-io")
    store = FsStore(db, data_dir, Clock(), io, fast_db=fast)
    aps = {str(d["id"]): _access_point(d) for d in config.get("access_points", [])}  # type: ignore[attr-defined]
    # "iam": {"allow": {"<akid>|anonymous": [actions]}}
    allow: dict[str, list[str]] = config.get("allow", {})  # type: ignore[assignment]

    async def authorizer(req: MountRequest) -> frozenset[str]:
        who = "anonymous" if req.principal is None else _key_of(req.principal)
        if who in allow:
            return frozenset(f"elasticfilesystem:{a}" for a in allow[who])
        return ALL_CLIENT_ACTIONS

    async def lookup_ap(fs_id: str, ap_id: str) -> AccessPoint | None:
        return aps.get(ap_id)

    servers = []
    for fs in config["file_systems"]:  # type: ignore[attr-defined]
        fs_id = str(fs["id"])
        key = bytes.fromhex(fs["key"]) if fs.get("key") else None
        if not await store.exists(fs_id):
            await store.create_file_system(fs_id, encrypted=key is not None)
        server = MountTargetServer(
            store.open(fs_id, key),
            str(fs.get("host", "127.0.0.1")),
            int(fs.get("port", 0)),
            authorizer=authorizer,
            access_points=lookup_ap,
            credentials=StaticKeys(config.get("keys", {})),  # type: ignore[arg-type]
        )
        await server.start()
        servers.append(server)
        print(f"READY {fs_id} {server.host} {server.port}", flush=True)
    print("ALL READY", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        await server.stop()
    io.shutdown()
    fast.close()
    db.close()


def _key_of(principal: Principal) -> str:
    return principal.access_key_id or principal.arn


if __name__ == "__main__":
    import uvloop

    tune_malloc()
    tune_threads()
    uvloop.run(serve(json.loads(Path(sys.argv[1]).read_text())))
