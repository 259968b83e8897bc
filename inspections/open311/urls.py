"""Open311 GeoReport v2 under /open311/v2/: every resource as ``.json`` and ``.xml``."""

from django.urls import URLPattern, URLResolver, re_path

from inspections.open311 import api

app_name = "open311"

FORMAT = r"\.(?P<format>json|xml)$"
ID = r"(?P<{}>[-\w.]+?)"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(rf"^discovery{FORMAT}", api.DiscoveryApi.as_view(), name="discovery"),
    re_path(rf"^services{FORMAT}", api.ServiceListApi.as_view(), name="services"),
    re_path(
        rf"^services/{ID.format('service_code')}{FORMAT}",
        api.ServiceDefinitionApi.as_view(),
        name="service-definition",
    ),
    re_path(rf"^requests{FORMAT}", api.RequestListApi.as_view(), name="requests"),
    re_path(
        rf"^requests/{ID.format('service_request_id')}{FORMAT}",
        api.RequestDetailApi.as_view(),
        name="request",
    ),
    re_path(rf"^tokens/{ID.format('token')}{FORMAT}", api.TokenApi.as_view(), name="token"),
    re_path(r"^.*?(?:\.(?P<format>json|xml))?$", api.NotFoundApi.as_view(), name="not-found"),
]
