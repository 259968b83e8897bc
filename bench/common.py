"""Pieces the server benchmarks share: a throwaway database, Redis, Daphne processes.

Everything listens on 127.0.0.1 and everything started here is stopped here. Daphne runs
with the flags production uses (``DAPHNE_FLAGS``, the README's "Production deployment").
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]

# What `make run` and the documented production command pass to Daphne: a listen backlog
# that a reconnect storm does not overflow (Twisted's default is 50), and a handshake
# timeout longer than a storm's slowest handshake (Daphne's default is 5 s).
# `make run` passes the same endpoint and timeout (Makefile).
DAPHNE_BACKLOG = 4096
DAPHNE_CONNECT_TIMEOUT_S = 30


def daphne_command(port: int, app: str) -> list[str]:
    endpoint = f"tcp:port={port}:interface=127.0.0.1:backlog={DAPHNE_BACKLOG}"
    return [
        sys.executable,
        "-m",
        "daphne",
        "-e",
        endpoint,
        "--websocket_connect_timeout",
        str(DAPHNE_CONNECT_TIMEOUT_S),
        "-v",
        "0",  # production leaves the access log to nginx
        app,
    ]


def node_client(script: str) -> list[str]:
    """The command that runs a Node load client of bench/, its packages installed first."""
    if not (ROOT / "bench" / "node_modules" / "ws").is_dir():
        subprocess.run(
            ["npm", "ci", "--prefix", str(ROOT / "bench"), "--no-audit", "--no-fund", "--silent"],
            check=True,
        )
    return ["node", str(ROOT / "bench" / script)]


def raise_open_files_limit() -> int:
    """As many open files as the hard limit allows (up to 65,536); children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    return max(soft, wanted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ports_from(base: int, count: int) -> list[int]:
    """``count`` ports from ``base`` (a range set aside for this run), or free ones."""
    return [base + i for i in range(count)] if base else [free_port() for _ in range(count)]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; 0.0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def throwaway_database(script: str) -> Iterator[str]:
    """Point ``DATABASE_URL`` at a database made for this run and dropped after it.

    PostgreSQL when ``DATABASE_URL`` names one (its name must contain "bench" or "test";
    it must not exist yet), else a SQLite file in a temp folder. Yields the vendor.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            yield "sqlite"
        return
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/{script}: DATABASE_URL must be PostgreSQL (or unset for SQLite).")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    if "bench" not in name and "test" not in name:
        sys.exit(f"bench/{script}: refusing database {name!r}: its name must contain "
                 "'bench' or 'test' (it is created and dropped by this benchmark).")  # fmt: skip
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            sys.exit(f"bench/{script}: database {name!r} exists; drop it or pick another.")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield "postgresql"
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def redis_server() -> Iterator[str]:
    """``REDIS_URL`` when set, else a fresh redis-server on a free port; "" without one."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        yield ""
        return
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class DaphneProcesses:
    """Daphne processes serving ``app`` on ``ports``, with production's flags; stopped on
    exit. Their stderr goes to ``BENCH_LOG`` when set."""

    def __init__(self, env: dict[str, str], ports: list[int], app: str):
        self.env = env
        self.ports = ports
        self.app = app
        self.children: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> DaphneProcesses:
        log = open(os.environ.get("BENCH_LOG", os.devnull), "ab")
        for port in self.ports:
            self.children.append(
                subprocess.Popen(
                    daphne_command(port, self.app),
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
        for port in self.ports:
            wait_for_port(port)
        return self

    def cpu_seconds(self) -> float:
        """CPU time all the processes have used so far."""
        return sum(cpu_seconds(child.pid) for child in self.children)

    def __exit__(self, *exc: object) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=5)
