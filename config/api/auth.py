"""Token sign-in and sign-out for mobile clients (knox: hashed, expiring, per device)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.realtime.control import sockets_close, token_group
from config.realtime.groups import audiences_module


class TokenApi(APIView):
    """Exchange a username (or mobile number) and password for an API token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(
            required=False, help_text=_("Username or mobile phone number.")
        )
        phone = serializers.CharField(
            required=False, help_text=_("Mobile phone number (instead of username).")
        )
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

        def validate(self, attrs: dict[str, str]) -> dict[str, str]:
            if not (attrs.get("username") or attrs.get("phone")):
                raise serializers.ValidationError(
                    {"username": [_("Enter your username or mobile phone number.")]}
                )
            return attrs

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`."))
        expiry = serializers.DateTimeField(allow_null=True)
        user_id = serializers.IntegerField()

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 that tells the client how to authenticate.
        return "Token"

    @extend_schema(
        request=InputSerializer,
        responses={status.HTTP_200_OK: OutputSerializer},
        tags=["auth"],
        operation_id="auth_token_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login = data.validated_data.get("username") or data.validated_data["phone"]
        user = authenticate(
            request._request, username=login, password=data.validated_data["password"]
        )
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("Wrong username, phone number or password."), code="invalid_credentials"
            )
        instance, token = AuthToken.objects.create(user)
        body = {"token": token, "expiry": instance.expiry, "user_id": user.pk}
        return Response(self.OutputSerializer(body).data)


class LogoutApi(APIView):
    """Revoke the token this request was made with."""

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            token_key = request.auth.token_key
            request.auth.delete()
            sockets_close(group=token_group(token_key))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    """Revoke every token of the signed-in user (a lost phone)."""

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        AuthToken.objects.filter(user=request.user).delete()
        sockets_close(group=audiences_module().user_group(cast(int, request.user.pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)
