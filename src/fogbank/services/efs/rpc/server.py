"""A mount target's data-plane endpoint: a TCP server on its own loopback address.

One process serves a file system's mount targets (the gateway holding that file
system's lease), so that locks and open-file tracking are coherent across clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import stat
import time
from collections.abc import Callable

from fogbank.auth.credentials import CredentialLookup
from fogbank.core.principal import Principal
from fogbank.services.efs.fs.filesystem import FileSystem
from fogbank.services.efs.fs.model import ROOT, ROOT_INO, FsError, SetAttr
from fogbank.services.efs.rpc import wire
from fogbank.services.efs.rpc.auth import (
    CLIENT_MOUNT,
    CLIENT_ROOT_ACCESS,
    CLIENT_WRITE,
    AccessPoint,
    AccessPointLookup,
    Admit,
    Authorizer,
    MountRequest,
    admit_all,
    allow_all,
    compute_signature,
    date_ok,
    no_access_points,
)
from fogbank.services.efs.rpc.batch import outcome
from fogbank.services.efs.rpc.framing import FrameConnection
from fogbank.services.efs.rpc.locks import LockTable
from fogbank.services.efs.rpc.session import Session
from fogbank.services.efs.rpc.wire import Op, Value, as_dict

log = logging.getLogger(__name__)


def _forget(
    pending: dict[int, asyncio.Task[None]], msg_id: int
) -> Callable[[asyncio.Task[None]], None]:
    def done(_task: asyncio.Task[None]) -> None:
        pending.pop(msg_id, None)

    return done


class MountTargetServer:
    def __init__(
        self,
        fs: FileSystem,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        admit: Admit = admit_all,
        authorizer: Authorizer = allow_all,
        access_points: AccessPointLookup = no_access_points,
        credentials: CredentialLookup | None = None,
        locks: LockTable | None = None,
    ) -> None:
        if not host.startswith("127.") and host not in ("::1", "localhost"):
            raise ValueError("mount targets bind loopback addresses only")
        self.fs = fs
        self.host = host
        self.port = port
        self._admit = admit
        self._authorizer = authorizer
        self._access_points = access_points
        self._credentials = credentials
        self.locks = locks or LockTable()
        self._server: asyncio.AbstractServer | None = None
        self._sessions: set[asyncio.Task[None]] = set()
        self._live: dict[str, FrameConnection] = {}

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    async def start(self) -> None:
        await self.fs.recover()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: FrameConnection(self._connection), self.host, self.port
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._sessions):
            task.cancel()
        for task in list(self._sessions):
            with contextlib.suppress(BaseException):
                await task
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, conn: FrameConnection) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        try:
            await self._serve(conn)
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("efs data plane: connection failed")
        finally:
            self._sessions.discard(task)
            conn.close()

    async def _serve(self, conn: FrameConnection) -> None:
        admission = await self._admit(conn.peer(), self.port)
        if not admission.allowed:
            log.info("efs mount target %s:%s: %s not admitted", self.host, self.port, conn.peer())
            conn.send(wire.frame(0, Op.REFUSED, admission.message or "connection refused"))
            return
        challenge = secrets.token_bytes(32)
        conn.send(wire.frame(0, Op.CHALLENGE, challenge))
        msg_id, code, body = await conn.read_frame()
        try:
            if code != Op.HELLO:
                raise FsError(errno.EPROTO, "expected HELLO")
            session = await self._hello(as_dict(wire.decode(body)), challenge, conn.peer())
        except FsError as exc:
            conn.send(wire.frame(msg_id, exc.errno, str(exc)))
            return
        welcome: Value = {
            "root": session.root_ino,
            "read_only": session.read_only,
            "root_access": session.root_access,
            "session": session.id,
            "forced_identity": session.posix_user is not None,
        }
        conn.send(wire.frame(msg_id, 0, welcome))
        pending: dict[int, asyncio.Task[None]] = {}
        session.broadcast = self._broadcast
        self._live[session.id] = conn
        try:
            while True:
                msg_id, code, body = await conn.read_frame()
                if code == Op.CANCEL:
                    victim = pending.get(wire.as_int(wire.decode(body)))
                    if victim is not None:
                        victim.cancel()
                    continue
                t = asyncio.create_task(self._request(session, conn, msg_id, code, body))
                pending[msg_id] = t
                t.add_done_callback(_forget(pending, msg_id))
        finally:
            for t in list(pending.values()):
                t.cancel()
            await asyncio.gather(*pending.values(), return_exceptions=True)
            self._live.pop(session.id, None)
            await session.close()

    async def _request(
        self,
        session: Session,
        conn: FrameConnection,
        msg_id: int,
        code: int,
        body: bytes | bytearray,
    ) -> None:
        try:
            args = wire.decode(body)
        except (ValueError, IndexError, TypeError):
            conn.send(wire.frame(msg_id, errno.EPROTO, None))
            return
        status, result = await outcome(session.dispatch, code, args)
        conn.send(wire.frame(msg_id, status, result))

    def _broadcast(self, origin: str, events: list[Value]) -> None:
        """Tell every other client of this file system what to drop from its caches."""
        for session_id, conn in list(self._live.items()):
            if session_id != origin and not conn.closing:
                conn.send(wire.frame(0, Op.NOTIFY, events))

    # -- handshake ----------------------------------------------------------------

    async def _hello(self, hello: dict[str, Value], challenge: bytes, peer: str) -> Session:
        fs_id = str(hello.get("fs_id"))
        if fs_id != self.fs.fs_id:
            raise FsError(errno.ENOENT, "no such file system at this mount target")
        principal = await self._authenticate(hello.get("iam"), fs_id, challenge)
        ap_id = hello.get("access_point")
        access_point: AccessPoint | None = None
        if ap_id is not None:
            access_point = await self._access_points(fs_id, str(ap_id))
            if access_point is None or access_point.fs_id != fs_id:
                raise FsError(errno.ENOENT, "no such access point")
        allowed = await self._authorizer(
            MountRequest(fs_id, principal, access_point, source_ip=peer)
        )
        if CLIENT_MOUNT not in allowed:
            raise FsError(errno.EACCES, "ClientMount denied")
        root_access = CLIENT_ROOT_ACCESS in allowed
        read_only = bool(hello.get("read_only")) or CLIENT_WRITE not in allowed
        posix_user = access_point.posix_user if access_point is not None else None
        if posix_user is not None and posix_user.uid == 0 and not root_access:
            raise FsError(errno.EACCES, "access point user 0 needs ClientRootAccess")
        root = ROOT_INO
        if access_point is not None and access_point.root_path.strip("/"):
            root = await self._resolve_root(access_point)
        return Session(
            secrets.token_hex(8), self.fs, self.locks, root, posix_user, root_access, read_only
        )

    async def _authenticate(self, iam: Value, fs_id: str, challenge: bytes) -> Principal | None:
        if iam is None:
            return None
        signed = as_dict(iam)
        if self._credentials is None:
            raise FsError(errno.EACCES, "IAM authentication is not available")
        akid = str(signed.get("access_key_id"))
        cred = await self._credentials.lookup(akid)
        if cred is None or not cred.active:
            raise FsError(errno.EACCES, "unknown access key")
        token = signed.get("session_token")
        if cred.session_token is not None and token != cred.session_token:
            raise FsError(errno.EACCES, "bad session token")
        amz_date = str(signed.get("amz_date"))
        if not date_ok(amz_date, time.time()):
            raise FsError(errno.EACCES, "signature date out of range")
        expected = compute_signature(
            cred.secret_access_key,
            fs_id,
            challenge,
            akid,
            amz_date,
            str(signed.get("region")),
            None if token is None else str(token),
        )
        if not secrets.compare_digest(expected, str(signed.get("signature"))):
            raise FsError(errno.EACCES, "signature does not match")
        return cred.principal

    async def _resolve_root(self, ap: AccessPoint) -> int:
        """The access point's root directory, created from CreationInfo if missing."""
        ino = ROOT_INO
        for part in [p for p in ap.root_path.split("/") if p]:
            name = part.encode()
            try:
                ino = (await self.fs.lookup(ROOT, ino, name)).ino
            except FsError as exc:
                if exc.errno != errno.ENOENT or ap.creation_info is None:
                    raise FsError(
                        errno.ENOENT, f"access point root {ap.root_path} missing"
                    ) from exc
                ci = ap.creation_info
                made = await self.fs.create(
                    ROOT, ino, name, stat.S_IFDIR | (ci.permissions & 0o7777)
                )
                assert made.attr is not None
                attr = made.attr
                await self.fs.setattr(
                    ROOT,
                    attr.ino,
                    SetAttr(uid=ci.owner_uid, gid=ci.owner_gid, mode=ci.permissions & 0o7777),
                )
                ino = attr.ino
        return ino
