"""scripts/serve.sh, the start-up behind `make run`, run for real.

Each test starts the script on free ports (RASA_PORT, ACTION_PORT, WEB_PORT) with a fresh SQLite
database and the trained model, as a person would start it, and looks at what it really does:
which addresses its processes listen on, what it prints while it waits, how Ctrl-C ends it, and
how it reports a server that cannot start.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from db.migrate import upgrade
from harness.advisor import MODEL, ROOT, free_port

SERVE = ROOT / "scripts" / "serve.sh"
TOKEN = "serve-test-token"
#: Seconds for the whole start: Rasa loads its model in 30-60 s, longer on a busy machine.
START_SECONDS = 420
#: Settings derived from others in scripts/settings.sh: cleared so that they follow the ports
#: and the database given here, whatever the calling shell (e.g. scripts/test.sh) exported.
DERIVED = ("RASA_URL", "RASA_URLS", "RASA_SERVERS", "ACTION_ENDPOINT_URL", "TRACKER_STORE_URL",
           "REDIS_URL", "LOCK_STORE_TYPE", "LOCK_STORE_HOST", "LOCK_STORE_PORT", "LOCK_STORE_DB",
           "WEB_WORKERS", "SERVE_TIMEOUT_SECONDS")
#: What the waiting must never show: the probes' own connection errors.
NOISE = re.compile(r"curl: \(|Failed to connect|Connection refused|ConnectError|Traceback")


def free_port_pair() -> int:
    """A free port of 127.0.0.1 whose next port is free too (serve.sh's second Rasa server)."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


@dataclass
class Serve:
    """One run of scripts/serve.sh in a session of its own (as a terminal runs `make run`)."""

    process: subprocess.Popen
    folder: Path
    ports: dict[str, int]

    @property
    def stdout(self) -> str:
        return (self.folder / "stdout").read_text()

    @property
    def stderr(self) -> str:
        return (self.folder / "stderr").read_text()

    def log(self, server: str) -> Path:
        return self.folder / "log" / {"the action server": "actions.log", "the web app": "web.log",
                                      "the Rasa server": f"rasa-{self.ports['rasa']}.log"}[server]

    def wait_until_running(self) -> None:
        """Until the script says the advisor is running; fails if it exits first."""
        deadline = time.monotonic() + START_SECONDS
        while "The advisor is running" not in self.stdout:
            assert self.process.poll() is None, (
                f"serve.sh exited with {self.process.returncode}:\n{self.stdout}\n{self.stderr}")
            assert time.monotonic() < deadline, f"not running after {START_SECONDS} s:\n{self.stdout}"
            time.sleep(0.5)

    def ctrl_c(self) -> int:
        """Send SIGINT to the script's process group, as Ctrl-C in its terminal does."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=90)


def start_serve(folder: Path, ports: dict[str, int]) -> Serve:
    """Start the script; ``ports`` may give the port of "rasa", "action" or "web"."""
    database_url = f"sqlite:///{folder / 'advisor.db'}"
    upgrade(database_url)  # make run prepares the database before it serves
    ports = {"rasa": free_port_pair(), "action": free_port(), "web": free_port(), **ports}
    ports["rasa2"] = ports["rasa"] + 1  # the second Rasa server of the default layout
    env = {key: value for key, value in os.environ.items() if key not in DERIVED}
    env.update(DATABASE_URL=database_url, RASA_PORT=str(ports["rasa"]),
               ACTION_PORT=str(ports["action"]), WEB_PORT=str(ports["web"]),
               LOG_DIR=str(folder / "log"), RASA_AUTH_TOKEN=TOKEN)
    with (folder / "stdout").open("w") as out, (folder / "stderr").open("w") as err:
        process = subprocess.Popen([str(SERVE)], cwd=folder, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return Serve(process, folder, ports)


@pytest.fixture
def serve(tmp_path) -> Iterator:
    """``serve(**ports)`` starts the script; anything it left running is ended afterwards."""
    assert MODEL.exists(), "no trained model: run scripts/train_model.sh"
    started: list[Serve] = []

    def start(**ports: int) -> Serve:
        started.append(start_serve(tmp_path, ports))
        return started[-1]

    yield start
    for run in started:  # a test that failed half-way: end what it started
        if run.process.poll() is not None:
            continue
        tree = descendants(run.process.pid)
        os.killpg(run.process.pid, signal.SIGTERM)  # the script's own stop
        try:
            run.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.process.pid, signal.SIGKILL)
            run.process.wait()
        for process in tree:
            if alive(process):
                os.killpg(process[0], signal.SIGKILL)


# Processes and sockets are read from /proc, where ps and ss read them: no process library is
# among the project's dependencies, and this needs only parent ids and socket inodes.

def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> set[tuple[int, int]]:
    """(pid, start time) of every process below ``pid``, children of children included."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append((int(entry.name), stat[2]))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def alive(process: tuple[int, int]) -> bool:
    """Whether the process (pid, start time) still runs: not gone, not a zombie, not a new
    process that reuses the pid."""
    stat = _stat(process[0])
    return stat is not None and stat[1] != "Z" and stat[2] == process[1]


def still_alive(processes: set[tuple[int, int]], seconds: float = 5) -> list[tuple[int, int]]:
    """The processes still running after ``seconds`` (a killed process takes a moment to go)."""
    deadline = time.monotonic() + seconds
    while (running := [p for p in processes if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running


def listening(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket that one of ``pids`` listens on."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.add((_address(address), int(port, 16)))
    return found


def _address(hex_address: str) -> str:
    """/proc/net/tcp's address (32-bit words in host order, little-endian here) as text."""
    packed = b"".join(bytes.fromhex(hex_address[i:i + 8])[::-1]
                      for i in range(0, len(hex_address), 8))
    family = socket.AF_INET if len(packed) == 4 else socket.AF_INET6
    return socket.inet_ntop(family, packed)


def listens(port: int) -> bool:
    """Whether any process listens on ``port`` of any address."""
    return any(int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"
               for table in ("/proc/net/tcp", "/proc/net/tcp6")
               for line in Path(table).read_text().splitlines()[1:])


@pytest.mark.slow
def test_serve_binds_loopback_only_asks_for_the_token_and_ctrl_c_stops_everything(serve):
    run = serve()
    run.wait_until_running()
    ports = run.ports
    assert run.stdout.splitlines()[:4] == [
        f"waiting for the action server on 127.0.0.1:{ports['action']} ... ready",
        f"waiting for the web app on 127.0.0.1:{ports['web']} ... ready",
        f"waiting for the Rasa server on 127.0.0.1:{ports['rasa']} ... ready",
        f"waiting for the Rasa server on 127.0.0.1:{ports['rasa2']} ... ready",
    ]
    assert run.stderr == ""
    assert not NOISE.search(run.stdout)

    processes = descendants(run.process.pid)
    sockets = listening({pid for pid, _ in processes})
    assert {port for _, port in sockets} >= set(ports.values()), sockets
    assert {address for address, _ in sockets} == {"127.0.0.1"}, sockets

    # Each Rasa server's HTTP API answers only with the token serve.sh gave it (RASA_AUTH_TOKEN).
    for rasa in (ports["rasa"], ports["rasa2"]):
        tracker = f"http://127.0.0.1:{rasa}/conversations/someone/tracker"
        assert httpx.get(tracker, timeout=30).status_code == 401
        assert httpx.get(tracker, params={"token": "guess"}, timeout=30).status_code == 401
        assert httpx.get(tracker, params={"token": TOKEN}, timeout=30).status_code == 200
    assert httpx.get(f"http://127.0.0.1:{ports['web']}/", timeout=30).status_code == 200

    assert run.ctrl_c() == 130
    assert still_alive(processes) == []
    assert [port for port in ports.values() if listens(port)] == []
    assert run.stdout.splitlines()[-1] == "stopping the servers ..."
    assert run.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("server", ["the action server", "the web app", "the Rasa server"])
def test_a_server_that_cannot_start_is_named_and_the_others_are_stopped(serve, server):
    # Another program already listens on the server's port.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port_pair()))  # a taken Rasa port whose neighbour is free
        taken.listen()
        port = taken.getsockname()[1]
        key = {"the action server": "action", "the web app": "web", "the Rasa server": "rasa"}[server]
        run = serve(**{key: port})
        processes, deadline = set(), time.monotonic() + START_SECONDS
        while run.process.poll() is None and time.monotonic() < deadline:
            processes |= descendants(run.process.pid)  # everything it starts, until it gives up
            time.sleep(0.2)
        status = run.process.poll()
    assert status == 1, f"{run.stdout}\n{run.stderr}"
    # It may fail while the script still waits for a server started before it.
    *waiting, stopping = run.stdout.splitlines()
    assert stopping == "stopping the servers ..."
    failed = f"waiting for {server} on 127.0.0.1:{port} ... failed"
    assert waiting[-1] == failed or (waiting[-1].endswith(" ... ") and server not in waiting[-1])
    assert [line for line in waiting if not line.endswith(" ... ready")] == waiting[-1:]
    assert not NOISE.search(run.stdout)
    first, *tail = run.stderr.splitlines()
    assert re.fullmatch(
        rf"{server[0].upper()}{server[1:]} on 127\.0\.0\.1:{port} exited with status \d+ before "
        rf"the advisor was ready\. The end of its log, {re.escape(str(run.log(server)))}:", first)
    assert tail and all(line.startswith("    ") for line in tail)
    assert "address already in use" in "\n".join(tail).lower()  # the server's own reason
    assert processes and still_alive(processes) == []
    others = [p for name, p in run.ports.items() if name != key]
    assert [p for p in others if listens(p)] == []


def test_without_a_trained_model_serve_says_so_and_starts_nothing(tmp_path):
    # A tree like a fresh clone before training: the scripts, no models/.
    (tmp_path / "scripts").mkdir()
    for name in ("serve.sh", "settings.sh"):
        shutil.copy2(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    result = subprocess.run([str(tmp_path / "scripts" / "serve.sh")], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "LOG_DIR": str(tmp_path / "log")})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "The Rasa server cannot start: there is no trained model at models/advisor.tar.gz.",
        "make run trains it (or run scripts/train_model.sh).",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scripts"]
