"""Fixtures of the fault tests: one PostgreSQL cluster per pytest worker (migrated once into
a template database), a fresh database per test, and the test's own Redis and media."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults import servers

TEMPLATE = "safegrid_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[servers.Postgres]:
    # Not under pytest's temporary folder: that one is private to this user, and the
    # cluster runs as the postgres user when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="safegrid-faults-pg-"))
    cluster = servers.Postgres(root, servers.port("PG", 55531))
    if servers.port_open(cluster.port):
        pytest.skip(f"port {cluster.port} is taken (set SAFEGRID_FAULT_PG_PORT)")
    cluster.init()
    cluster.start()
    try:
        cluster.sql(f"CREATE DATABASE {TEMPLATE}")
        env = servers.django_env(
            database_url=cluster.url(TEMPLATE), media_root=cluster.root / "media"
        )
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Stage:
    """What one fault test runs on: its database, media folder and (optional) Redis."""

    postgres: servers.Postgres
    database: str
    root: Path
    redis: servers.Redis | None = None
    started: list[servers.Service] = field(default_factory=list)

    @property
    def media(self) -> Path:
        return self.root / "media"

    def env(self, **extra: str) -> dict[str, str]:
        env = servers.django_env(
            database_url=self.postgres.url(self.database),
            media_root=self.media,
            redis_url=self.redis.url if self.redis else "",
        )
        return {**env, **extra}

    def scene(self, name: str, **extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "tests.faults.scene", name],
            cwd=servers.ROOT, env=self.env(**extra), capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def daphne(self, http_port: int, **extra: str) -> servers.Service:
        service = servers.daphne(
            self.env(**extra), http_port, self.root / f"daphne-{http_port}.log"
        )
        self.started.append(service)
        return service

    def worker(self, **extra: str) -> servers.Service:
        service = servers.worker(self.env(**extra), self.root / "worker.log")
        self.started.append(service)
        return service

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        return self.postgres.sql(statement, database=self.database)

    def logs(self) -> str:
        logs = sorted(self.root.glob("*.log"))
        return "\n".join(f"== {path.name}\n{path.read_text()[-6000:]}" for path in logs)


@pytest.fixture
def stage(postgres: servers.Postgres, tmp_path: Path) -> Iterator[Stage]:
    database = f"fault_{next(_databases)}"
    postgres.sql(f"CREATE DATABASE {database} TEMPLATE {TEMPLATE}")
    built = Stage(postgres=postgres, database=database, root=tmp_path)
    built.media.mkdir()
    try:
        yield built
    finally:
        for service in built.started:
            service.kill()
        if built.redis is not None:
            built.redis.stop()


@pytest.fixture
def redis(stage: Stage) -> servers.Redis:
    server = servers.Redis(stage.root / "redis", servers.port("REDIS", 56391))
    if servers.port_open(server.port):
        pytest.skip(f"port {server.port} is taken (set SAFEGRID_FAULT_REDIS_PORT)")
    server.start()
    stage.redis = server
    return server


def http_port(offset: int = 0) -> int:
    """This worker's HTTP ports: five apart per pytest worker."""
    return servers.port("HTTP", 8131, stride=5, offset=offset)
