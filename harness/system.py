"""The whole advisor running on 127.0.0.1, with servers a test can kill and restart.

``running_system()`` starts the action server and the Rasa server as child processes (the same
command lines as scripts/serve.sh, on free ports and a fresh SQLite database) and the web app with
uvicorn in a thread. Each server is a :class:`Service`: ``kill()`` ends it at once, as a crash
would, and ``start()`` brings it back on the same port with the same database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import text

from bot.app import create_app
from bot.auth.sessions import COOKIE_NAME
from bot.settings import Settings
from db.session import make_engine
from demo.accounts import add_demo_accounts
from harness.advisor import (
    ROOT,
    action_server_command,
    free_port,
    fresh_database,
    rasa_server_command,
    server_env,
    wait_ready,
)

TOKEN = "hardening-test-token"
#: Seconds to wait for Rasa to load its model (TensorFlow start-up is slow on a busy machine).
RASA_START_SECONDS = 300
#: Seconds the web app waits for Rasa's reply; well above one turn, well below the test timeout.
REPLY_SECONDS = 60


@dataclass
class Service:
    """A server process that can be started, killed and started again on the same port."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    ready_urls: list[str]
    ready_seconds: float
    process: subprocess.Popen | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.with_suffix(f".{self.starts}.log").open("w") as out:
            # A session of its own: kill() must reach the workers Sanic forks, or an orphaned
            # worker would keep answering on the port.
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        for url in self.ready_urls:
            wait_ready(url, self.process, self.log.parent, self.ready_seconds, self.name)
        if self.process.poll() is not None:  # another process answered on our port
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}")


    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """End the server and its workers at once (SIGKILL), as a crash would."""
        if self.process is not None:
            self._signal_group(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Ask the server to shut down (SIGTERM); kill it if it has not within 30 s."""
        if self.process is None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self._signal_group(signal.SIGKILL)  # workers left behind by the main process

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class System:
    """The running advisor: its servers, its database and the web app's address."""

    folder: Path
    database_url: str
    actions: Service
    rasa: Service
    rasa_url: str
    web_url: str
    browsers: list[httpx.Client] = field(default_factory=list)

    def browser(self) -> httpx.Client:
        """A new visitor: an HTTP client with its own cookies (its own session)."""
        client = httpx.Client(base_url=self.web_url, timeout=REPLY_SECONDS + 30)
        self.browsers.append(client)
        return client

    def tracker(self, conversation_id: str) -> dict:
        """The conversation as Rasa's tracker store keeps it (needs the token)."""
        response = httpx.get(f"{self.rasa_url}/conversations/{conversation_id}/tracker",
                             params={"token": TOKEN}, timeout=60)
        response.raise_for_status()
        return response.json()


def conversation_id(system: System, browser: httpx.Client) -> str:
    """The conversation id the web app gave this browser's session (read from the database)."""
    return session_conversation(system.database_url, browser.cookies[COOKIE_NAME])


def session_conversation(database_url: str, cookie: str) -> str:
    """The conversation id the web app gave the session whose cookie (``COOKIE_NAME``) holds
    ``cookie``, read from the database at ``database_url``."""
    token = cookie.rsplit(".", 1)[0]
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT conversation_id FROM web_sessions WHERE token_hash = :h"),
                {"h": hashlib.sha256(token.encode()).hexdigest()}).scalar_one()
    finally:
        engine.dispose()


def say(browser: httpx.Client, text: str) -> httpx.Response:
    return browser.post("/api/chat", json={"text": text})


def texts(response: httpx.Response) -> str:
    """The bot's reply texts of one /api/chat response, joined by new lines."""
    return "\n".join(m.get("text") or "" for m in response.json().get("messages", []))


def _web_app(database_url: str, rasa_url: str) -> tuple[uvicorn.Server, threading.Thread, str]:
    settings = Settings(database_url=database_url, rasa_url=rasa_url,
                        rasa_timeout_seconds=REPLY_SECONDS, chat_rate_limit=10_000)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.1)
    return server, thread, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def running_system(folder: Path | None = None) -> Iterator[System]:
    """Start the action server, the Rasa server and the web app on 127.0.0.1."""
    with contextlib.ExitStack() as stack:
        folder, database_url = fresh_database(stack, folder)
        add_demo_accounts(database_url)
        action_port, rasa_port = free_port(), free_port()
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        env = server_env(database_url, action_port)
        actions = Service("the action server", action_server_command(action_port), env,
                          folder / "actions.log", [f"http://127.0.0.1:{action_port}/health"], 90)
        # "/" answers before the model is loaded; /status needs the model.
        rasa = Service(
            "the Rasa server", rasa_server_command(rasa_port, token=TOKEN), env,
            folder / "rasa.log", [f"{rasa_url}/", f"{rasa_url}/status?token={TOKEN}"],
            RASA_START_SECONDS)
        stack.callback(actions.stop)
        stack.callback(rasa.stop)
        actions.start()
        rasa.start()
        server, thread, web_url = _web_app(database_url, rasa_url)
        system = System(folder, database_url, actions, rasa, rasa_url, web_url)
        try:
            yield system
        finally:
            for browser in system.browsers:
                browser.close()
            server.should_exit = True
            thread.join(timeout=30)
