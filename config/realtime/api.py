"""REST side of the realtime seam: tickets for phones' websockets."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.realtime.catalogue import event_types
from config.realtime.tickets import ws_ticket_issue


class WsTicketApi(APIView):
    """A single-use ticket, valid for a minute, to open ``/ws/v1/events/?ticket=...``."""

    class OutputSerializer(serializers.Serializer):
        ticket = serializers.CharField()
        expires_in = serializers.IntegerField(help_text=_("Seconds until the ticket expires."))
        url = serializers.CharField(help_text=_("Path to open, ticket included."))

    @extend_schema(
        request=None, responses={status.HTTP_201_CREATED: OutputSerializer}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        token_key = request.auth.token_key if isinstance(request.auth, AuthToken) else ""
        ticket, _row = ws_ticket_issue(user=request.user, token_key=token_key)
        body = {
            "ticket": ticket,
            "expires_in": settings.WS_TICKET_TTL_SECONDS,
            "url": f"/ws/v1/events/?ticket={ticket}",
        }
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


class EventTypesApi(APIView):
    """The event catalogue: every type a socket can receive, with its data fields."""

    class OutputSerializer(serializers.Serializer):
        type = serializers.CharField()
        version = serializers.IntegerField()
        description = serializers.CharField()
        audiences = serializers.CharField()
        data = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]

    @extend_schema(responses=OutputSerializer(many=True), tags=["events"])
    def get(self, request: Request) -> Response:
        body = [item.as_dict() for item in event_types()]
        return Response(self.OutputSerializer(body, many=True).data)
