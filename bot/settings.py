"""The web app's settings, read from the environment (one pydantic-settings class).

Production refuses the development secret: a deployment that forgot to set ``SECRET_KEY`` must
fail at start rather than sign cookies with a key published in this repository.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.session import database_url
from engine.assumptions import DEFAULT_MARKET, Market

#: Signs session cookies in development only; production must set SECRET_KEY.
DEVELOPMENT_SECRET = "development-secret-key-do-not-use-in-production"
#: Shortest secret accepted in production (bytes of text); 32 matches a 256-bit random key.
MIN_PRODUCTION_SECRET = 32


class Settings(BaseSettings):
    """Settings of the web app.

    Attributes
    ----------
    database_url : str
        SQLAlchemy URL of the project's database (default: ``$DATABASE_URL`` or var/advisor.db).
    rasa_url : str
        Base URL of the Rasa server; the gateway posts to its REST channel.
    rasa_urls : str
        Comma-separated base URLs of several Rasa servers sharing one tracker store; when set, it
        replaces ``rasa_url``.
    rasa_routing : {"conversation", "turns"}
        How messages are spread over several Rasa servers (``bot.chat.rasa_gateway``):
        ``conversation`` (default) sends every turn of a conversation to the same server, so each
        server's in-memory lock store is enough; ``turns`` takes the servers in turn and needs a
        lock store they share (Redis).
    rasa_timeout_seconds : float
        How long to wait for Rasa's reply, in seconds, before telling the user to retry.
    secret_key : str
        Key that signs the session cookie.
    environment : {"development", "production"}
        Production marks cookies Secure and refuses development secrets and demo passwords.
    session_idle_minutes : int
        A session unused this long (minutes) expires.
    session_max_hours : int
        No session lives longer than this (hours), however active.
    chat_rate_limit : int
        Chat messages allowed per session within ``chat_rate_window_seconds``. The default, 45 a
        minute, is more than a person clicking a button every 2 s sends (30), and stops a script
        sending one a second within its first minute.
    chat_address_rate_limit : int or None
        Chat messages allowed per client address within the same window, whatever the session: a
        script that drops its cookie to get a new session still meets it. Unset: four times
        ``chat_rate_limit``, room for several people behind one office's address.
    chat_rate_window_seconds : float
        The rate limit's sliding window, in seconds.
    redis_url : str or None
        ``redis://host:port/db``: when set, the chat rate limit is counted in Redis, shared by
        every web worker; otherwise each worker process counts on its own.
    signin_max_failures : int
        Failed sign-ins for one user name, within ``signin_lockout_minutes`` and since its last
        successful sign-in, after which further attempts for that name are refused (429).
    market : {"us", "cn"}
        The market the deployment advises in (``MARKET``): ``cn`` for China's suitability rules
        and yuan assumptions; the action server reads the same setting (actions/market.py).
    signin_lockout_minutes : int
        The window (minutes) in which failed sign-ins are counted; a lock ends when enough of
        them have left it (see ``bot.auth.sign_ins``).
    signin_address_max_failures : int
        Failed sign-ins from one client address, for any user names, within
        ``signin_lockout_minutes``, after which further attempts from it are refused (429).
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = Field(default_factory=lambda: database_url())
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_urls: str = ""
    rasa_routing: Literal["conversation", "turns"] = "conversation"
    rasa_timeout_seconds: float = Field(default=30.0, gt=0)
    secret_key: str = DEVELOPMENT_SECRET
    environment: Literal["development", "production"] = "development"
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    chat_rate_limit: int = Field(default=45, ge=1)
    chat_address_rate_limit: int | None = Field(default=None, ge=1)
    chat_rate_window_seconds: float = Field(default=60.0, gt=0)
    redis_url: str | None = None
    signin_max_failures: int = Field(default=5, ge=1)
    signin_lockout_minutes: int = Field(default=15, ge=1)
    signin_address_max_failures: int = Field(default=20, ge=1)
    market: Market = DEFAULT_MARKET

    @field_validator("market", mode="before")
    @classmethod
    def _market_as_typed(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def chat_address_limit(self) -> int:
        """Chat messages allowed per client address per window (see ``chat_address_rate_limit``)."""
        return self.chat_address_rate_limit or 4 * self.chat_rate_limit

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def rasa_servers(self) -> list[str]:
        """The Rasa servers' base URLs: ``rasa_urls`` if set, else ``rasa_url``."""
        return [u.strip() for u in self.rasa_urls.split(",") if u.strip()] or [self.rasa_url]

    @model_validator(mode="after")
    def _rasa_and_redis_urls(self) -> Settings:
        for url in self.rasa_servers:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"RASA_URL/RASA_URLS: {url!r} is not an http(s):// URL")
        if self.redis_url is not None and not self.redis_url.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError(f"REDIS_URL: {self.redis_url!r} is not a redis:// URL")
        return self

    @model_validator(mode="after")
    def _production_secret(self) -> Settings:
        if self.production:
            if self.secret_key == DEVELOPMENT_SECRET:
                raise ValueError(
                    "SECRET_KEY: production refuses the development secret; set a random key "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            if len(self.secret_key) < MIN_PRODUCTION_SECRET:
                raise ValueError(
                    f"SECRET_KEY: production needs at least {MIN_PRODUCTION_SECRET} characters"
                )
        return self
