"""fogbank's own endpoints under ``/_fogbank/``: health (open); status, clock and accounts
(signed).

Signed admin calls use SigV4 with the credential scope service ``fogbank`` and must come
from the root user of the installation's default account.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from fogbank import __version__
from fogbank.auth.authenticator import Authenticator
from fogbank.core.clock import Clock, ClockState, parse_duration
from fogbank.core.errors import AwsError
from fogbank.protocol.catalog import SERVICES, ServiceInfo
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.server.accounts import NewAccount, create_account, list_accounts
from fogbank.services.registry import ServiceRegistry
from fogbank.storage.clock_store import StoredClockSource
from fogbank.storage.db import Conn, Database

PREFIX = "/_fogbank/"
ADMIN_SERVICE = ServiceInfo("fogbank", "fogbank", "rest-json", "2026-11-01", "fogbank.local")
_MAX_BODY = 64 * 1024

ClockHook = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class AdminInfo:
    """Facts about this gateway shown by ``fogbank status``."""

    data_dir: str
    metadata: str  # "sqlite" | "postgresql"
    workers: int
    tls: bool
    iam_mode: str
    default_account: str


class Admin:
    def __init__(
        self,
        *,
        authenticator: Authenticator,
        clock: Clock,
        clock_source: StoredClockSource,
        db: Database,
        services: ServiceRegistry,
        info: AdminInfo,
        after_clock_change: Sequence[ClockHook] = (),
    ) -> None:
        self.authenticator = authenticator
        self.clock = clock
        self.clock_source = clock_source
        self.db = db
        self.services = services
        self.info = info
        self.after_clock_change = list(after_clock_change)
        self.started = time.time()
        self.ready = False

    async def handle(self, request: HttpRequest, request_id: str) -> HttpResponse:
        path = request.path[len(PREFIX) :].rstrip("/")
        try:
            if path == "health" and request.method in ("GET", "HEAD"):
                return self._json(200, self.health(), request_id)
            await self._authenticate(request)
            if path == "status" and request.method == "GET":
                return self._json(200, await self.status(), request_id)
            if path == "clock" and request.method == "GET":
                return self._json(200, self._clock_doc(self.clock.state()), request_id)
            if path == "clock/advance" and request.method == "POST":
                doc = await self._body(request)
                seconds = _seconds(doc)
                state = await asyncio.to_thread(self.clock_source.advance, seconds)
                await self._clock_changed()
                return self._json(200, self._clock_doc(state), request_id)
            if path == "clock/scale" and request.method == "POST":
                doc = await self._body(request)
                scale = doc.get("scale")
                if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
                    raise AwsError("ValidationException", "scale must be a positive number")
                state = await asyncio.to_thread(self.clock_source.set_scale, float(scale))
                await self._clock_changed()
                return self._json(200, self._clock_doc(state), request_id)
            if path == "accounts" and request.method == "GET":
                return self._json(200, {"Accounts": await list_accounts(self.db)}, request_id)
            if path == "accounts" and request.method == "POST":
                doc = await self._body(request)
                made = await create_account(
                    self.db, self.clock.time(), _optional(doc, "id"), _optional(doc, "name")
                )
                return self._json(200, _account_doc(made), request_id)
            raise AwsError(
                "NotFound", f"no admin endpoint {request.method} {request.path}", status=404
            )
        except AwsError as err:
            return self._json(err.status, {"__type": err.code, "message": err.message}, request_id)

    def health(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "starting",
            "version": __version__,
            "uptime_seconds": round(time.time() - self.started, 3),
            "services": {
                info.name: "available" if info.name in self.services.names else "not-implemented"
                for info in SERVICES
            },
        }

    async def status(self) -> dict[str, object]:
        def counts(conn: Conn) -> dict[str, object]:
            accounts = conn.all("SELECT account_id, name FROM accounts ORDER BY account_id")
            keys = conn.scalar("SELECT COUNT(*) AS n FROM iam_access_keys")
            return {
                "accounts": [{"id": a["account_id"], "name": a["name"]} for a in accounts],
                "access_keys": keys,
            }

        held = await self.db.read(counts)
        summaries: dict[str, object] = {}
        await self.services.build_in_use()  # the others hold nothing
        for name, svc in sorted(self.services.built.items()):
            summary = await svc.summary(self.info.default_account)
            if summary:
                summaries[name] = summary
        return {
            **self.health(),
            "data_dir": self.info.data_dir,
            "metadata": self.info.metadata,
            "workers": self.info.workers,
            "tls": self.info.tls,
            "iam": self.info.iam_mode,
            "clock": self._clock_doc(self.clock.state()),
            **held,
            "holdings": summaries,
        }

    async def _authenticate(self, request: HttpRequest) -> None:
        auth = await self.authenticator.authenticate(request, ADMIN_SERVICE)
        principal = auth.principal
        if not (principal.is_root and principal.account_id == self.info.default_account):
            raise AwsError(
                "AccessDenied",
                "fogbank admin calls need the root user of the default account",
                status=403,
            )

    async def _clock_changed(self) -> None:
        for hook in self.after_clock_change:
            await hook()

    async def _body(self, request: HttpRequest) -> dict[str, object]:
        raw = await request.body.read(_MAX_BODY)
        try:
            doc = json.loads(raw or b"{}")
        except ValueError as exc:
            raise AwsError("SerializationException", "the body is not valid JSON") from exc
        if not isinstance(doc, dict):
            raise AwsError("SerializationException", "the body must be a JSON object")
        return doc

    def _clock_doc(self, state: ClockState) -> dict[str, object]:
        now = state.at(self.clock.real_time())
        return {
            "now": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "epoch": now,
            "scale": state.scale,
            "offset_seconds": round(now - self.clock.real_time(), 3),
        }

    @staticmethod
    def _json(status: int, doc: object, request_id: str) -> HttpResponse:
        return HttpResponse(
            status,
            [("content-type", "application/json"), ("x-amzn-requestid", request_id)],
            json.dumps(doc).encode(),
        )


def _seconds(doc: Mapping[str, object]) -> float:
    if "duration" in doc:
        text = doc["duration"]
        if not isinstance(text, str):
            raise AwsError("ValidationException", "duration must be a string such as 30d")
        try:
            return parse_duration(text).total_seconds()
        except ValueError as exc:
            raise AwsError("ValidationException", str(exc)) from exc
    seconds = doc.get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise AwsError("ValidationException", "give duration (e.g. 30d) or seconds >= 0")
    return float(seconds)


def _optional(doc: Mapping[str, object], name: str) -> str | None:
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AwsError("ValidationException", f"{name} must be a string")
    return value


def _account_doc(made: NewAccount) -> dict[str, object]:
    return {
        "AccountId": made.account_id,
        "Name": made.name,
        "AccessKeyId": made.access_key_id,
        "SecretAccessKey": made.secret_access_key,
    }
