"""GeoReport v2 over HTTP: thin views that answer in the URL's format (.json or .xml)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from inspections.open311 import params, representations
from inspections.open311.errors import open311_exception_handler
from inspections.open311.renderers import (
    Open311JSONRenderer,
    Open311Response,
    Open311XMLRenderer,
    SuffixNegotiation,
)
from inspections.open311.selectors import (
    open311_request_get,
    open311_request_list,
    open311_token_get,
)
from inspections.open311.services import (
    api_key_check,
    api_key_throttle_wait,
    open311_request_create,
)
from inspections.selectors import category_list


class ExcludedSchema(AutoSchema):
    """Open311 is specified by GeoReport v2 (and described by ``discovery``), with its own
    error format; it stays out of the REST API's OpenAPI document."""

    def is_excluded(self) -> bool:
        return True


class Open311Api(APIView):
    """Public, anonymous, and speaking the spec's formats and error bodies."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    renderer_classes = (Open311XMLRenderer, Open311JSONRenderer)
    parser_classes = (FormParser, MultiPartParser)
    content_negotiation_class = SuffixNegotiation
    schema = ExcludedSchema()

    def get_exception_handler(self) -> Any:
        return open311_exception_handler


class DiscoveryApi(Open311Api):
    def get(self, request: Request, format: str | None = None) -> Open311Response:
        base_url = request.build_absolute_uri(request.path).rsplit("/", 1)[0]
        body = representations.discovery(
            base_url=base_url,
            contact=settings.OPEN311_CONTACT,
            key_service=settings.OPEN311_KEY_SERVICE
            or _("Ask the operator of this SafeGrid for an API key for your application."),
        )
        return Open311Response(body, root="discovery")


class ServiceListApi(Open311Api):
    def get(self, request: Request, format: str | None = None) -> Open311Response:
        body = [representations.service(category) for category in category_list()]
        return Open311Response(body, root="services", item="service")


class ServiceDefinitionApi(Open311Api):
    def get(self, request: Request, service_code: str, format: str | None = None) -> Any:
        category = category_list().filter(code=service_code).first()
        if category is None:
            raise exceptions.NotFound(_("There is no service with this code."))
        return Open311Response(
            representations.service_definition(category), root="service_definition"
        )


class RequestListApi(Open311Api):
    """GET: public service requests (no personal data). POST: report, with an api_key."""

    def get_throttles(self) -> list[Any]:
        # Reports are limited per key (in ``post``), not per address: many phones may
        # share one client application's servers.
        return [] if self.request.method == "POST" else super().get_throttles()

    def get(self, request: Request, format: str | None = None) -> Open311Response:
        hazards = open311_request_list(query=params.request_query(request.query_params))
        body = [representations.service_request(hazard) for hazard in hazards]
        return Open311Response(body, root="service_requests", item="request")

    def post(self, request: Request, format: str | None = None) -> Open311Response:
        raw_key = params.text(request.data, "api_key") or params.text(
            request.query_params, "api_key"
        )
        api_key = api_key_check(raw_key=raw_key)
        if (wait := api_key_throttle_wait(api_key=api_key)) is not None:
            raise exceptions.Throttled(wait)
        media = request.FILES.get("media")
        submission = open311_request_create(
            api_key=api_key, report=params.report(request.data), media=media
        )
        return Open311Response(
            [representations.created(submission)],
            root="service_requests",
            item="request",
            status=status.HTTP_201_CREATED,
        )


class RequestDetailApi(Open311Api):
    def get(
        self, request: Request, service_request_id: str, format: str | None = None
    ) -> Open311Response:
        hazard = open311_request_get(service_request_id=service_request_id)
        return Open311Response(
            [representations.service_request(hazard)], root="service_requests", item="request"
        )


class TokenApi(Open311Api):
    def get(self, request: Request, token: str, format: str | None = None) -> Open311Response:
        submission = open311_token_get(token=token)
        return Open311Response(
            [representations.token(submission)], root="service_requests", item="request"
        )


class NotFoundApi(Open311Api):
    """Anything else under the Open311 root: a 404 in the spec's error format."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404
