"""The TCP front: one listener per instance endpoint ``(127.0.x.y, port)``.

Every connection is first put to the ``Admitter`` (security groups); a refused one gets an
immediate error in the client's own protocol, naming the group and the missing rule. An
admitted one is joined to the engine's unix socket and bytes are passed both ways by two
protocol objects on the event loop (uvloop in the server), with flow control: a side that
cannot write fast enough pauses reading on the other. This measured faster than a pair of
``os.splice`` threads per connection (docs/performance.md).

With kernel routes (netfilter.py), connections from networks the groups admit never
reach the front: the kernel hands them to the engine's own TCP listener. The front keeps
them in step with the targets and the groups' rules (``_sync``) and still serves every
other connection, refusals included.

Later the front is where IAM database authentication intercepts the handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from fogbank.services.rds.engines import wire
from fogbank.services.rds.engines.admission import AdmissionRequest, Admitter, Guard
from fogbank.services.rds.engines.netfilter import KernelRoutes, Route

log = logging.getLogger("fogbank.rds.front")

REFUSAL_TIMEOUT = 10.0
WRITE_BUFFER_HIGH = 1 << 20  # large results stream without pausing the engine often
SYNC_INTERVAL = 0.05  # how often kernel routes look at the groups' rules (a stat each)


@dataclass(frozen=True)
class Target:
    """What the front needs to know about an instance; replaced as the instance changes."""

    resource_id: str
    instance_id: str
    protocol: str  # "mysql" | "postgres"
    security_group_ids: tuple[str, ...]
    publicly_accessible: bool
    status: str
    backend: Path | None  # the engine's socket; None while it is not accepting
    engine_tcp: tuple[str, int] | None = None  # its TCP listener, for kernel routes
    account_id: str = ""
    region: str = ""


class _Backend(asyncio.Protocol):
    def __init__(self, client: _Client) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH)

    def data_received(self, data: bytes) -> None:
        self.client.transport.write(data)

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.transport.close()

    def pause_writing(self) -> None:
        self.client.transport.pause_reading()

    def resume_writing(self) -> None:
        self.client.transport.resume_reading()


class _Client(asyncio.Protocol):
    transport: asyncio.Transport

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.backend: _Backend | None = None
        self.refusing: tuple[str, str] | None = None  # (sqlstate, message) for PostgreSQL
        self.pending = b""
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.pause_reading()
        self.transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.task = asyncio.get_running_loop().create_task(self._admit())

    async def _admit(self) -> None:
        target = self.endpoint.target
        peer = self.transport.get_extra_info("peername")
        client_ip = str(peer[0]) if peer else "unknown"
        request = AdmissionRequest(
            target.instance_id,
            target.security_group_ids,
            target.publicly_accessible,
            client_ip,
            self.endpoint.port,
            target.account_id,
            target.region,
        )
        try:
            admission = await self.endpoint.admitter.admit(request)
        except Exception:
            log.exception("admission check failed for %s", target.instance_id)
            self._refuse(True, "fogbank: the security group check failed; see the server log")
            return
        if not admission.ok:
            self._refuse(True, admission.message)
            return
        target = self.endpoint.target
        if target.backend is None:
            self._refuse(False, _unavailable(target))
            return
        loop = asyncio.get_running_loop()
        try:
            _, backend = await loop.create_unix_connection(
                lambda: _Backend(self), str(target.backend)
            )
        except OSError:
            self._refuse(False, _unavailable(target))
            return
        if self.transport.is_closing():
            assert backend.transport is not None
            backend.transport.close()
            return
        self.backend = backend
        if self.pending:  # what arrived before the link (the loop may not pause at once)
            assert backend.transport is not None
            backend.transport.write(self.pending)
            self.pending = b""
        self.transport.resume_reading()

    def _refuse(self, by_rule: bool, message: str) -> None:
        if self.transport.is_closing():
            return
        if self.endpoint.target.protocol == "mysql":
            code = wire.ER_HOST_NOT_PRIVILEGED if by_rule else wire.ER_SERVER_SHUTDOWN
            self.transport.write(wire.mysql_error(code, message))
            self.transport.close()
            return
        state = wire.PG_INVALID_AUTHORIZATION if by_rule else wire.PG_CANNOT_CONNECT_NOW
        self.refusing = (state, message)
        asyncio.get_running_loop().call_later(REFUSAL_TIMEOUT, self.transport.abort)
        self.transport.resume_reading()
        self._pg_refusal(b"")  # what the client sent already

    def data_received(self, data: bytes) -> None:
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.write(data)
        elif self.refusing is not None:
            self._pg_refusal(data)
        else:
            self.pending += data
            if len(self.pending) > wire.MAX_STARTUP_LENGTH:
                self.transport.pause_reading()

    def _pg_refusal(self, data: bytes) -> None:
        """Answer SSL/GSS requests with 'N', then the StartupMessage with the error."""
        assert self.refusing is not None
        self.pending += data
        while True:
            found = wire.pg_first_message(self.pending)
            if found is None:
                return
            kind, length = found
            self.pending = self.pending[length:]
            if kind in ("ssl", "gssenc"):
                self.transport.write(b"N")
                continue
            if kind == "startup":
                self.transport.write(wire.pg_error(*self.refusing))
            self.transport.close()
            return

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.close()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def pause_writing(self) -> None:
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.resume_reading()


def _unavailable(target: Target) -> str:
    return (
        f"fogbank: DB instance {target.instance_id} is not accepting connections"
        f" (status: {target.status})"
    )


class Endpoint:
    def __init__(self, address: str, port: int, target: Target, admitter: Admitter) -> None:
        self.address = address
        self.port = port
        self.target = target
        self.admitter = admitter
        self.server: asyncio.AbstractServer | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: _Client(self), self.address, self.port, reuse_address=True, backlog=512
        )

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


class Front:
    """All endpoint listeners of this process (the supervising one)."""

    def __init__(self, admitter: Admitter, kernel: KernelRoutes | None = None) -> None:
        self.admitter = admitter
        self.kernel = kernel
        self._endpoints: dict[str, Endpoint] = {}
        self._changed = asyncio.Event()
        self._sync_task: asyncio.Task[None] | None = None
        self._closing = False

    def _touch(self) -> None:
        if self.kernel is None or self._closing:
            return
        self._changed.set()
        if self._sync_task is None:
            self._sync_task = asyncio.get_running_loop().create_task(self._sync())

    async def _sync(self) -> None:
        """Keep the kernel routes equal to what the endpoints and the groups say now."""
        assert self.kernel is not None
        kernel = self.kernel
        seen: set[tuple[str, int]] = set()
        while True:
            # (not wait_for's cancellation: before 3.12 it can be lost when the wait ends)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), SYNC_INTERVAL)
            self._changed.clear()
            if self._closing:
                return
            try:
                routes = await self._routes()
                endpoints = {r.endpoint for r in routes}
                if not endpoints <= seen:  # a new endpoint: no dead process's rule for it
                    await asyncio.to_thread(kernel.sweep)
                    seen |= endpoints
                if kernel.changed(routes):
                    await asyncio.to_thread(kernel.write, routes)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("RDS kernel routes: sync failed")

    async def _routes(self) -> list[Route]:
        routes = []
        for endpoint in list(self._endpoints.values()):
            t = endpoint.target
            if t.engine_tcp is None:
                continue
            guard = Guard(
                t.instance_id,
                t.security_group_ids,
                t.publicly_accessible,
                endpoint.port,
                t.account_id,
                t.region,
            )
            try:
                sources = await self.admitter.admitted_networks(guard)
            except Exception:
                log.exception("admitted networks of %s", t.instance_id)
                sources = ()  # the front decides, connection by connection
            routes.append(Route((endpoint.address, endpoint.port), t.engine_tcp, sources))
        return routes

    async def expose(self, address: str, port: int, target: Target) -> None:
        """Listen on ``(address, port)`` for ``target`` (or just update what it serves).

        Raises OSError when the address and port cannot be bound.
        """
        current = self._endpoints.get(target.resource_id)
        if current is not None and (current.address, current.port) == (address, port):
            current.target = target
            self._touch()
            return
        if current is not None:
            await current.close()
            del self._endpoints[target.resource_id]
        endpoint = Endpoint(address, port, target, self.admitter)
        await endpoint.open()
        self._endpoints[target.resource_id] = endpoint
        self._touch()

    def update(self, target: Target) -> None:
        current = self._endpoints.get(target.resource_id)
        if current is not None:
            current.target = target
            self._touch()

    def endpoint(self, resource_id: str) -> tuple[str, int] | None:
        current = self._endpoints.get(resource_id)
        return None if current is None else (current.address, current.port)

    async def remove(self, resource_id: str) -> None:
        current = self._endpoints.pop(resource_id, None)
        if current is not None:
            await current.close()
            self._touch()

    async def close(self) -> None:
        self._closing = True
        self._changed.set()
        for rid in list(self._endpoints):
            await self.remove(rid)
        task, self._sync_task = self._sync_task, None
        if task is not None:
            await task
        if self.kernel is not None:
            await asyncio.to_thread(self.kernel.close)
