"""The ASGI application: admin endpoints under /_fogbank/, everything else to the gateway."""

from __future__ import annotations

import logging

from fogbank.core import ids
from fogbank.server.admin import PREFIX, Admin
from fogbank.server.asgi import Receive, Scope, Send, request_from_scope, send_response
from fogbank.server.gateway import Gateway

log = logging.getLogger("fogbank.app")


class App:
    def __init__(self, gateway: Gateway, admin: Admin) -> None:
        self.gateway = gateway
        self.admin = admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = request_from_scope(scope, receive)
        body = request.body
        if request.path.startswith(PREFIX):
            response = await self.admin.handle(request, ids.request_id())
        else:
            response = await self.gateway.handle(request)
        if not body.consumed and _expects_continue(request.headers.get("expect")):
            # Answered (a denial, an error) before asking for the body: the client never
            # sends it, so this connection cannot carry another request.
            response.headers.append(("connection", "close"))
        await send_response(send, response, request.method)


def _expects_continue(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "100-continue"
