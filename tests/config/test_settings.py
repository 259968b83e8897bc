"""Production settings pass Django's deployment checks with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SAFEGRID_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 10 + "a-long-random-production-secret-0123456789-abcdefghijk",
        DJANGO_ALLOWED_HOSTS="safegrid.example.org",
        SAFEGRID_TIPS_RECEIPT_KEY="r" * 10 + "a-long-random-receipt-key-kept-out-of-the-database",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run_manage("check", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_receipt_key() -> None:
    result = _run_manage(
        "check",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 10 + "a-long-random-production-secret-0123456789-abcdefghijk",
    )

    assert result.returncode != 0
    assert "SAFEGRID_TIPS_RECEIPT_KEY must be set" in result.stderr
