"""The application factory.

``create_app(settings)`` builds the web app; ``app`` is the instance for
``uvicorn bot.app:app``, configured from the environment.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError

from bot import algorithm, errors, i18n, pages
from bot.api import clients, docs, engine_api
from bot.auth.demo_passwords import refuse_demo_passwords
from bot.auth.sessions import SessionCookieMiddleware, purge_expired
from bot.chat import routes as chat
from bot.chat.rate_limit import SlidingWindowLimiter
from bot.console import automation, staff_accounts
from bot.console import routes as console
from bot.security import SecurityHeadersMiddleware
from bot.settings import Settings
from db.session import make_engine, session_factory

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app with ``settings`` (read from the environment when None)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        with app.state.sessionmaker() as db:
            try:
                purge_expired(db)
            except DBAPIError as exc:
                raise RuntimeError(
                    "the database has no web_sessions table: run `python -m db.prepare` first"
                ) from exc
            if settings.production:
                refuse_demo_passwords(db)
            db.commit()
        yield
        app.state.http_client.close()
        engine.dispose()

    app = FastAPI(
        title="Robo-advisor",
        summary="Chat gateway, allocation engine API and staff review console.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local files by bot.api.docs, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessionmaker = session_factory(engine)
    app.state.chat_limiter = SlidingWindowLimiter(
        settings.chat_rate_limit, settings.chat_rate_window_seconds
    )
    app.state.chat_address_limiter = SlidingWindowLimiter(
        settings.chat_address_limit, settings.chat_rate_window_seconds
    )
    app.state.http_client = httpx.Client()
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    # Page words go through gettext (Jinja2's i18n extension): `{{ _("...") }}` and {% trans %}.
    app.state.templates.env.add_extension("jinja2.ext.i18n")
    app.state.templates.env.install_null_translations(newstyle=True)
    # The public pages' words in each language, compiled from the catalogs once (bot.i18n); each
    # request's page gets its language's functions in its context, never installed globally.
    app.state.translations = i18n.load_translations()
    app.state.page_words = i18n.page_words(app.state.translations)

    errors.install(app)
    app.add_middleware(SessionCookieMiddleware, secure=settings.production)
    app.add_middleware(SecurityHeadersMiddleware, production=settings.production)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    docs.install(app)
    for router in (engine_api.router, clients.router, chat.router, pages.router, console.router,
                   staff_accounts.router, automation.router, algorithm.router):
        app.include_router(router)
    return app


def __getattr__(name: str):
    # ``bot.app:app`` is built on first access so that importing create_app (in tests, say)
    # does not read the environment or open the default database.
    if name == "app":
        instance = create_app()
        globals()["app"] = instance
        return instance
    raise AttributeError(f"module 'bot.app' has no attribute '{name}'")
