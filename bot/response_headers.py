"""Middleware that edits the headers of every HTTP response, whatever handler produced it.

Pure ASGI rather than Starlette's ``BaseHTTPMiddleware``, which would buffer streamed responses and
run handlers in another task; only the response's start message is touched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]


class ResponseHeadersMiddleware:
    """A subclass says in :meth:`headers` what each HTTP response's headers become."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.headers(scope, list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def headers(self, scope: Scope, headers: Headers) -> Headers:
        """The headers of the response to the request of ``scope``, given those it has."""
        raise NotImplementedError
