"""HTTP for places and people."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.realtime.control import sockets_close
from grids.audiences import user_group
from grids.models import Role, User
from grids.selectors import user_profile
from grids.services import user_account_close, user_data_export, user_update_profile


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CommunityRefSerializer(PlaceSerializer):
    district = PlaceSerializer()


class GridRefSerializer(PlaceSerializer):
    community = CommunityRefSerializer()


class MeApi(APIView):
    """The signed-in user, their roles and the communities or grid those roles reach."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="user.pk")
        username = serializers.CharField(source="user.username")
        display_name = serializers.CharField(source="user.display_name")
        phone = serializers.CharField(source="user.phone", allow_null=True)
        preferred_language = serializers.CharField(source="user.preferred_language")
        language = serializers.SerializerMethodField(help_text=_("Language of this answer."))
        is_staff = serializers.BooleanField(source="user.is_staff")
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
        staff_communities = CommunityRefSerializer(many=True)
        tip_handler_communities = CommunityRefSerializer(many=True)
        managed_districts = PlaceSerializer(many=True)
        worker_grid = GridRefSerializer(allow_null=True)
        home_grid = GridRefSerializer(allow_null=True)

        def get_language(self, obj: dict[str, object]) -> str:
            return str(self.context["request"].LANGUAGE_CODE)

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeUpdate"  # "PatchedInput" would collide with other apps' PATCH bodies

        display_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
        preferred_language = serializers.ChoiceField(
            choices=[("", _("Follow the device")), ("zh-hans", "简体中文"), ("en", "English")],
            required=False,
        )

    @extend_schema(responses=OutputSerializer, tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(self._body(request))

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["me"])
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_update_profile(user=cast(User, request.user), **data.validated_data)
        return Response(self._body(request))

    def _body(self, request: Request) -> dict[str, object]:
        serializer = self.OutputSerializer(user_profile(request.user), context={"request": request})
        return serializer.data


class MeDataApi(APIView):
    """Download everything the service holds about me, as JSON (PIPL art. 45)."""

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=_(
            "profile, and one section per app: hazards (reported, timeline, photos), "
            "points (balance, ledger, vouchers)."
        ))},
        tags=["me"],
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        body = user_data_export(user=cast(User, request.user))
        response = Response(body)
        response["Content-Disposition"] = 'attachment; filename="safegrid-my-data.json"'
        return response


class MeCloseApi(APIView):
    """Close my account for good (PIPL art. 47): my records stay, without me."""

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(
            style={"input_type": "password"}, trim_whitespace=False,
            help_text=_("The account's password, to confirm."),
        )  # fmt: skip

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["me"])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = cast(User, request.user)
        user_account_close(user=user, password=data.validated_data["password"])
        AuthToken.objects.filter(user=user).delete()
        sockets_close(group=user_group(user.pk))
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
