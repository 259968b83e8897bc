"""The management commands the README shows work as written in a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _checkout_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A developer's shell: nothing of ours set, except where the database lives."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAFEGRID_", "REDIS_", "DATABASE_", "PYTEST"))
    }
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_readme_commands_run_in_a_checkout_without_exporting_anything(tmp_path: Path) -> None:
    env = _checkout_env(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))
    assert _manage(env, "migrate", "--noinput", "-v", "0").returncode == 0

    results = {
        " ".join(command): _manage(env, *command)
        for command in [
            ("open311_key", "create", "my-civic-app"),
            ("escalate_overdue",),
            ("realtime_flush",),
            ("realtime_prune",),
            ("expire_vouchers",),
            ("expire_points",),
            ("points_audit",),
        ]
    }

    failed = {name: r.stderr[-300:] for name, r in results.items() if r.returncode != 0}
    assert failed == {}
    assert len(results["open311_key create my-civic-app"].stdout.strip().splitlines()[-1]) >= 20


@pytest.mark.parametrize(("extra", "debug"), [({"DJANGO_SECRET_KEY": "x" * 50}, "False"),
                                               ({"DJANGO_DEBUG": "0"}, None)])  # fmt: skip
def test_a_configured_deployment_keeps_debug_off(
    tmp_path: Path, extra: dict[str, str], debug: str | None
) -> None:
    env = _checkout_env(
        tmp_path, DJANGO_ALLOWED_HOSTS="example.org", SAFEGRID_TIPS_RECEIPT_KEY="k" * 50, **extra
    )

    result = _manage(env, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)")

    if debug is None:  # DJANGO_DEBUG=0 without a key: refused, as production must be
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set" in result.stderr
    else:
        assert result.stdout.strip().splitlines()[-1] == debug
