"""Serves the field app (a PWA in ``fieldapp/``) at the site root."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
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


@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    """The app shell; data comes from the REST API and the websocket."""
    response = render(request, "fieldapp/index.html")
    response["Content-Security-Policy"] = FIELD_APP_CSP
    return response


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    return render(
        request, "fieldapp/manifest.webmanifest", content_type="application/manifest+json"
    )


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    # Served from the root so that its scope covers the whole app.
    return render(request, "fieldapp/sw.js", content_type="application/javascript")
