"""Serves the field app (a PWA in ``fieldapp/``) at the site root."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import ensure_csrf_cookie

# The app is our own static scripts and styles, photos from our API (and `blob:` previews
# of the camera), and the REST API and websocket of this host: nothing else may load or run.
FIELD_APP_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The first path segment of every screen with its own URL (fieldapp/static/fieldapp/*.js
# `route(...)`): the server answers each with the app shell, so a reload or a link opens
# that screen. A module adding screens (volunteers, dispatch) adds its segment here.
SCREENS = (
    "signin", "report", "hazards", "outbox", "mine", "patrol", "points", "rewards", "vouchers",
    "volunteer", "dispatch",
)  # fmt: skip
SCREEN_PATH = r"^(?:" + "|".join(SCREENS) + r")(?:/[\w.-]+)*/?$"


@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    """The app shell; data comes from the REST API and the websocket."""
    response = render(request, "fieldapp/index.html")
    # Enforced: tests/fieldapp drive every screen under it (and fail on any violation).
    response["Content-Security-Policy"] = FIELD_APP_CSP
    return response


@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    found = finders.find("fieldapp/favicon.ico")
    if not found:
        raise Http404
    return FileResponse(open(found, "rb"), content_type="image/x-icon")


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    return render(
        request, "fieldapp/manifest.webmanifest", content_type="application/manifest+json"
    )


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    # Served from the root so that its scope covers the whole app.
    return render(
        request,
        "fieldapp/sw.js",
        {"modules": MODULES},
        content_type="application/javascript",
    )


# What the service worker keeps for offline use: every module and asset of the shell.
MODULES = (
    "fieldapp/app.css", "fieldapp/app.js", "fieldapp/api.js", "fieldapp/messages.js",
    "fieldapp/router.js", "fieldapp/outbox.js", "fieldapp/kinds.js", "fieldapp/photos.js",
    "fieldapp/lists.js", "fieldapp/report.js", "fieldapp/hazard.js", "fieldapp/patrol.js",
    "fieldapp/points.js", "fieldapp/live.js", "fieldapp/icon-192.png", "fieldapp/icon-512.png",
    "fieldapp/icon-maskable-512.png",
    "fieldapp/volunteers.js", "fieldapp/dispatch.js", "fieldapp/dispatch_home.js",
    "fieldapp/dispatch_open.js",
)  # fmt: skip
