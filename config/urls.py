"""Root URLs. Each app owns its own ``urls.py``; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, re_path, register_converter
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import dashboard, fieldapp, health
from config.api.auth import LogoutAllApi, LogoutApi, TokenApi
from config.api.handlers import json_or_html_404, json_or_html_500
from config.api.ids import IdConverter, SegmentConverter
from config.realtime.api import EventTypesApi, WsTicketApi

# `<id:pk>` in every app's URLs: ids past the 64-bit range do not match (a 404).
register_converter(IdConverter, "id")
# `<segment:code>` for codes and names in a path: no NUL byte (PostgreSQL refuses it).
register_converter(SegmentConverter, "segment")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/ws-ticket/", WsTicketApi.as_view(), name="auth-ws-ticket"),
    path("events/types/", EventTypesApi.as_view(), name="event-types"),
    path("", include("grids.urls")),
    path("", include("inspections.urls")),
    path("", include("inspections.tips.urls")),
    path("", include("points.urls")),
    path("", include("volunteers.urls")),
    path("", include("dispatch.urls")),
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
    path("tip/", include("inspections.tips.page_urls")),
    path("manifest.webmanifest", fieldapp.manifest, name="fieldapp-manifest"),
    path("sw.js", fieldapp.service_worker, name="fieldapp-sw"),
    path("favicon.ico", fieldapp.favicon, name="favicon"),
    path("", fieldapp.index, name="fieldapp"),
    re_path(fieldapp.SCREEN_PATH, fieldapp.index, name="fieldapp-screen"),
]

# Development only, and only what is public by design (reward pictures of the catalogue):
# photos of hazards and inspections are streamed through their permission checks in every
# mode (`/api/v1/photos/{id}/{size}/`), never as files.
PUBLIC_MEDIA_FOLDERS = ("rewards/",)


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A public media file in development (DEBUG); 404 for anything else."""
    if not settings.DEBUG or not path.startswith(PUBLIC_MEDIA_FOLDERS) or ".." in path:
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


urlpatterns += [re_path(r"^media/(?P<path>.*)$", public_media, name="public-media")]

handler404 = json_or_html_404
handler500 = json_or_html_500

admin.site.site_header = "SafeGrid"
admin.site.site_title = "SafeGrid"
