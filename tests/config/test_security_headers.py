"""Security headers: HSTS in production, a CSP on the field app, no framing anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_the_field_app_enforces_a_content_security_policy_that_allows_only_itself() -> None:
    response = Client().get("/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/v1/hazard-categories/"])
def test_no_page_may_be_framed_or_sniffed(path: str) -> None:
    response = Client().get(path)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_sends_hsts_and_redirects_to_https() -> None:
    """Production settings in a process of their own (the test settings are not those)."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "r = c.get('/healthz', secure=True, HTTP_HOST='safegrid.example.org')\n"
        "print(r['Strict-Transport-Security'])\n"
        "r = c.get('/', HTTP_HOST='safegrid.example.org')\n"
        "print(r.status_code, r['Location'])\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SAFEGRID_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0",
             "DJANGO_SECRET_KEY": "p" * 60, "SAFEGRID_TIPS_RECEIPT_KEY": "r" * 60,
                 "DJANGO_ALLOWED_HOSTS": "safegrid.example.org",
             "DATABASE_URL": "sqlite:///:memory:"},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-500:]
    hsts, redirect = result.stdout.strip().splitlines()[-2:]
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert redirect == "301 https://safegrid.example.org/"
