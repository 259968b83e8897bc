"""The whistleblower's page at /tip/: one HTML page, its script and its style sheet.

All three are served under /tip/ (not /static/), so the rules of anonymous paths apply
to every request the page makes (config.privacy). Nothing is cached, no referrer is
sent, and the Content-Security-Policy lets the page load nothing from any other site.
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

ASSETS = Path(__file__).resolve().parent / "static" / "tips"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "manifest-src 'none'",
        "worker-src 'none'",
    ]
)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _strings() -> dict[str, str]:
    """What the script says, translated on the server (the page loads no catalogue)."""
    return {
        "choose": _("Choose"),
        "chosen": _("Chosen: %(name)s"),
        "noResults": _("Nothing found. Write the name and address below."),
        "sending": _("Sending…"),
        "send": _("Send the tip"),
        "failed": _("Sending failed. Check the connection and try again."),
        "notFound": _("No tip has this receipt. Check the 28 digits."),
        "throttled": _("Too many tries. Wait a minute and try again."),
        "from_whistleblower": _("You"),
        "from_handler": _("Tip handler"),
        "noMessages": _("No messages yet."),
        "received": _("Received on %(day)s"),
        "deadlines": _("we answer by %(ack)s and report the outcome by %(feedback)s"),
        "photoFailed": _("This photo could not be read. Try another one."),
        "sent": _("Sent."),
    }


def tip_page(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "tips/page.html", {"strings": _strings()}))


def tip_script(request: HttpRequest) -> HttpResponse:
    body = (ASSETS / "tip.js").read_text(encoding="utf-8")
    return _private(HttpResponse(body, content_type="application/javascript; charset=utf-8"))


def tip_style(request: HttpRequest) -> HttpResponse:
    body = (ASSETS / "tip.css").read_text(encoding="utf-8")
    return _private(HttpResponse(body, content_type="text/css; charset=utf-8"))
