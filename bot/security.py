"""Security headers on every response, and the CSRF check for forms.

The Content-Security-Policy allows scripts, styles and connections from this origin only, so an
injected ``<script>`` or inline handler never runs. The API documentation pages
(Swagger UI and ReDoc, served from local files by ``bot.api.docs``, showing no user content) also
allow inline styles and blob workers, which both bundles use; nothing is loaded from elsewhere.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Scope

from bot.response_headers import Headers, ResponseHeadersMiddleware

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware(ResponseHeadersMiddleware):
    """Adds the security headers (HSTS too in production, where the site is served over HTTPS)."""

    def __init__(self, app: ASGIApp, *, production: bool):
        super().__init__(app)
        self.production = production

    def headers(self, scope: Scope, headers: Headers) -> Headers:
        kept = [(name, value) for name, value in headers
                if name.decode().lower() not in BASE_HEADERS]
        csp = DOCS_CSP if scope["path"] in DOCS_PATHS else STRICT_CSP
        extra = {**BASE_HEADERS, "content-security-policy": csp}
        if self.production:
            extra["strict-transport-security"] = HSTS
        return kept + [(k.encode(), v.encode()) for k, v in extra.items()]


def check_csrf(expected: str, submitted: str | None) -> None:
    """Raise 403 unless the form's CSRF token equals the session's (compared in constant time)."""
    if not submitted or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "The form's security token is missing or out of date; reload the page and try again.",
        )
