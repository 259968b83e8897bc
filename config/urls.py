"""Root URLs. Each app owns its own ``urls.py``; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import dashboard, fieldapp, health
from config.api.auth import LogoutAllApi, LogoutApi, TokenApi
from config.api.handlers import json_or_html_404, json_or_html_500
from config.realtime.api import EventTypesApi, WsTicketApi

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/ws-ticket/", WsTicketApi.as_view(), name="auth-ws-ticket"),
    path("events/types/", EventTypesApi.as_view(), name="event-types"),
    path("", include("grids.urls")),
    path("", include("inspections.urls")),
    path("", include("points.urls")),
    path("", include("volunteers.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include(api_v1)),
    path("open311/v2/", include("inspections.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("admin/dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manifest.webmanifest", fieldapp.manifest, name="fieldapp-manifest"),
    path("sw.js", fieldapp.service_worker, name="fieldapp-sw"),
    path("favicon.ico", fieldapp.favicon, name="favicon"),
    path("", fieldapp.index, name="fieldapp"),
    re_path(fieldapp.SCREEN_PATH, fieldapp.index, name="fieldapp-screen"),
]

if settings.DEBUG:
    # Development only: production media is private and streamed through permission checks.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = json_or_html_404
handler500 = json_or_html_500

admin.site.site_header = "SafeGrid"
admin.site.site_title = "SafeGrid"
