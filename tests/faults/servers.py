"""Real servers for the fault tests: a PostgreSQL cluster, a Redis, Daphne and the task
runner, each a process of its own that a test can stop, restart or kill.

Ports come from the fault tests' own range (``SAFEGRID_FAULT_*_PORT``), shifted by the
pytest-xdist worker number so that two workers never share a server.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
# Generous bounds: they only end a broken run, a working one is much faster.
START_PATIENCE_S = 60


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def port(kind: str, base: int, *, stride: int = 1, offset: int = 0) -> int:
    """The port of ``kind`` ("PG", "REDIS", "HTTP") for this pytest worker."""
    chosen = int(os.environ.get(f"SAFEGRID_FAULT_{kind}_PORT", "") or base)
    return chosen + _worker_index() * stride + offset


def pg_bin() -> Path:
    """PostgreSQL's binaries, or the test is skipped saying what is missing."""
    if not PG_BIN_DIRS or not (PG_BIN_DIRS[-1] / "initdb").exists():
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin)")
    return PG_BIN_DIRS[-1]


def redis_bin() -> str:
    found = shutil.which("redis-server")
    if found is None:
        pytest.skip("redis-server not installed")
    return found


def wait_until(condition: Callable[[], bool], *, patience: float = START_PATIENCE_S) -> bool:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def port_open(number: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", number), timeout=0.5).close()
    except OSError:
        return False
    return True


class Postgres:
    """A throw-away cluster under ``root``, trust authentication, fsync off."""

    def __init__(self, root: Path, port_number: int) -> None:
        self.bin = pg_bin()
        self.root = root
        self.data = root / "data"
        self.port = port_number
        root.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(root, "postgres", "postgres")

    def _as_pg(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        assert done.returncode == 0, f"{command[0]}: {done.stdout[-1000:]}{done.stderr[-2000:]}"
        return done

    def init(self) -> None:
        self._as_pg(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=100"
        )
        log = self.root / "log"
        command = [
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log),
            "-w", "-o", options, "start",
        ]  # fmt: skip
        try:
            self._as_pg(*command)
        except AssertionError:
            # Once, on a loaded machine, a start right after a stop gave up; the server
            # is what is under test, not the start command, so it gets a second try.
            time.sleep(1)
            try:
                self._as_pg(*command)
            except AssertionError as error:
                raise AssertionError(f"{error}\n{log.read_text()[-3000:]}") from None

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended, as in a restart for an upgrade."""
        self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []


class Redis:
    def __init__(self, root: Path, port_number: int) -> None:
        self.binary = redis_bin()
        self.root = root
        self.port = port_number
        self.process: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_until(lambda: port_open(self.port)), "redis-server did not start"

    def stop(self) -> None:
        """Redis goes away as in a crash: killed, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


class Service:
    """A Django process (Daphne, the task runner) on the fault test's servers."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command = command
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def django_env(*, database_url: str, media_root: Path, redis_url: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "SAFEGRID_TESTING": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def daphne(env: dict[str, str], http_port: int, log: Path) -> Service:
    """``python -m config.serve`` as ``make run`` starts it; ready once /healthz answers."""
    endpoint = f"tcp:port={http_port}:interface=127.0.0.1:backlog=4096"
    service = Service(
        [sys.executable, "-m", "config.serve", "-e", endpoint, "--websocket_connect_timeout",
         "30", "config.asgi:application"],
        env, log,
    ).start()  # fmt: skip
    ready = wait_until(lambda: _answers(f"http://127.0.0.1:{http_port}/healthz"))
    assert ready, f"Daphne did not start: {log.read_text()[-2000:]}"
    return service


def worker(env: dict[str, str], log: Path) -> Service:
    return Service(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "-v", "1"], env, log
    ).start()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def manage(env: dict[str, str], *args: str) -> str:
    """A management command on the fault test's servers; its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
