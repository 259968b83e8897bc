"""A volunteer's own endpoints: profile, certificates, activities, sign-up, check-in, hours."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.lists import ScopedListApi
from config.api.pagination import CursorPagination
from grids.models import Community
from volunteers import selectors, services
from volunteers.api.serializers import (
    ActivitySerializer,
    AvailabilitySerializer,
    CertificateSerializer,
    EnrolmentSerializer,
    ProfileSerializer,
    SignupSerializer,
    SkillSerializer,
)
from volunteers.filters import ActivityFilter
from volunteers.models import Activity, Certificate, ProfileStatus, Signup, Skill

TAG = "volunteers"


class SkillPagination(CursorPagination):
    ordering = "code"


class ActivityPagination(CursorPagination):
    """Soonest first: what a volunteer can still join."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("starts_at", "id")


def _profile(request: Request) -> Any:
    return selectors.profile_get(user=request.user)


class ProfileApi(APIView):
    """My volunteer profile: GET it, POST to register, PATCH to change it."""

    # 404: the caller has no volunteer profile yet (become one with POST).
    extra_error_codes = [404]

    class RegisterSerializer(serializers.Serializer):
        community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        skills = serializers.PrimaryKeyRelatedField(
            queryset=Skill.objects.all(), many=True, required=False, default=list
        )
        base_lat = serializers.FloatField(
            min_value=-90, max_value=90, required=False, allow_null=True, default=None
        )
        base_lng = serializers.FloatField(
            min_value=-180, max_value=180, required=False, allow_null=True, default=None
        )

    class UpdateSerializer(serializers.Serializer):
        community = serializers.PrimaryKeyRelatedField(
            queryset=Community.objects.all(), required=False
        )
        skills = serializers.PrimaryKeyRelatedField(
            queryset=Skill.objects.all(), many=True, required=False
        )
        status = serializers.ChoiceField(choices=ProfileStatus.choices, required=False)
        base_lat = serializers.FloatField(
            min_value=-90, max_value=90, required=False, allow_null=True
        )
        base_lng = serializers.FloatField(
            min_value=-180, max_value=180, required=False, allow_null=True
        )

    @extend_schema(responses=ProfileSerializer, tags=[TAG])
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(_profile(request)).data)

    @extend_schema(
        request=RegisterSerializer,
        responses={201: ProfileSerializer},
        tags=[TAG],
        examples=[
            OpenApiExample(
                "Register",
                value={"community": 3, "skills": [2, 5], "base_lat": 32.06, "base_lng": 118.79},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.volunteer_register(user=request.user, **data.validated_data)
        return Response(ProfileSerializer(_profile(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UpdateSerializer, responses=ProfileSerializer, tags=[TAG])
    def patch(self, request: Request) -> Response:
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.volunteer_update(profile=_profile(request), **data.validated_data)
        return Response(ProfileSerializer(_profile(request)).data)


class AvailabilityApi(APIView):
    """Replace my weekly availability (local time windows)."""

    # 404: the caller has no volunteer profile yet (become one with POST).
    extra_error_codes = [404]
    # A list of windows has no form encoding: JSON only (and only JSON in the schema).
    parser_classes = [JSONParser]

    @extend_schema(
        request=AvailabilitySerializer(many=True),
        responses=AvailabilitySerializer(many=True),
        tags=[TAG],
        examples=[
            OpenApiExample(
                "Weekends",
                value=[{"weekday": 5, "starts": "09:00", "ends": "17:00"}],
                request_only=True,
            )
        ],
    )
    def put(self, request: Request) -> Response:
        data = AvailabilitySerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        windows = [(w["weekday"], w["starts"], w["ends"]) for w in data.validated_data]
        rows = services.availability_set(profile=_profile(request), windows=windows)
        return Response(AvailabilitySerializer(rows, many=True).data)


class DutyApi(APIView):
    """The on-duty switch and my position now (one-click dispatch ranks by it)."""

    # 404: the caller has no volunteer profile yet (become one with POST).
    extra_error_codes = [404]

    class InputSerializer(serializers.Serializer):
        on_duty = serializers.BooleanField()
        lat = serializers.FloatField(min_value=-90, max_value=90, required=False, default=None)
        lng = serializers.FloatField(min_value=-180, max_value=180, required=False, default=None)

    @extend_schema(request=InputSerializer, responses=ProfileSerializer, tags=[TAG])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.volunteer_duty_set(profile=_profile(request), **data.validated_data)
        return Response(ProfileSerializer(profile).data)


class SkillListApi(ScopedListApi):
    """The skill hierarchy (a child, like CPR, also satisfies its parent, first aid)."""

    serializer_class = SkillSerializer
    model = Skill
    pagination_class = SkillPagination

    def rows(self, user: Any) -> Any:
        return Skill.objects.all()

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CertificateListApi(ScopedListApi):
    """My certificates (GET); add one with its photo (POST, multipart); staff confirm it."""

    serializer_class = CertificateSerializer
    model = Certificate
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all())
        issuer = serializers.CharField(max_length=120)
        number = serializers.CharField(max_length=64)
        expires_on = serializers.DateField(help_text=_("Must be in the future."))
        file = serializers.FileField(
            help_text=_("A photo of the certificate: JPEG, PNG or WebP; at most 10 MB.")
        )

    def rows(self, user: Any) -> Any:
        return selectors.certificate_list(user=user)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: CertificateSerializer},
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        certificate = services.certificate_add(
            profile=_profile(request), upload=fields.pop("file"), **fields
        )
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class CertificatePhotoApi(APIView):
    """The certificate's photo (JPEG), for its holder and the staff who confirm it."""

    @extend_schema(
        parameters=[OpenApiParameter("size", str, enum=["display", "thumbnail"])],
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=[TAG],
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        certificate = selectors.certificate_get(user=request.user, certificate_id=pk)
        name = (
            certificate.photo_thumbnail
            if request.query_params.get("size") == "thumbnail"
            else certificate.photo
        )
        if not name or not default_storage.exists(name):
            raise Http404
        response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response


class ActivityListApi(ScopedListApi):
    """Activities I can still join, soonest first; near me with lat, lng and radius."""

    serializer_class = ActivitySerializer
    model = Activity
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilter
    filters_in_selector = True  # the selector applies the FilterSet itself
    pagination_class = ActivityPagination

    def rows(self, user: Any) -> Any:
        return selectors.activity_list(user=user, filters=self.request.query_params)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ActivityDetailApi(APIView):
    """One activity I can still join."""

    @extend_schema(responses=ActivitySerializer, tags=[TAG])
    def get(self, request: Request, pk: int) -> Response:
        activity = selectors.activity_get(user=request.user, activity_id=pk)
        return Response(ActivitySerializer(activity).data)


def _signup_body(signup: Signup) -> dict[str, Any]:
    return dict(SignupSerializer(signup).data)


class SignupApi(APIView):
    """Sign up: a place if there is one, otherwise the next place on the waiting list."""

    @extend_schema(
        request=None,
        responses={201: SignupSerializer},
        tags=[TAG],
        description=_(
            "A full activity answers 201 with status `waiting` and the waiting position; "
            "signing up twice answers 400 `already_signed_up`."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        signup = services.signup_create(user=request.user, activity_id=pk)
        return Response(_signup_body(signup), status=status.HTTP_201_CREATED)


class CancelApi(APIView):
    """Give my place back; the first on the waiting list moves up and is told at once."""

    @extend_schema(request=None, responses=SignupSerializer, tags=[TAG])
    def post(self, request: Request, pk: int) -> Response:
        signup = services.signup_cancel(user=request.user, activity_id=pk)
        return Response(_signup_body(signup))


class PresenceSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=12,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("The code shown at the event (or read from its QR)."),
    )
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, default=None)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, default=None)
    occurred_at = serializers.DateTimeField(
        required=False,
        default=None,
        help_text=_(
            "When it happened, if the phone had no signal then (at most 24 hours ago); "
            "a repeat of the same check-in changes nothing."
        ),
    )


class CheckInApi(APIView):
    """Check in with the event's code or QR, or from within 200 m, during its time window."""

    @extend_schema(
        request=PresenceSerializer,
        responses=SignupSerializer,
        tags=[TAG],
        examples=[
            OpenApiExample("By code", value={"code": "7KQM2X"}, request_only=True),
            OpenApiExample("By place", value={"lat": 32.06, "lng": 118.79}, request_only=True),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        data = PresenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = services.signup_check_in(user=request.user, activity_id=pk, **data.validated_data)
        return Response(_signup_body(signup))


class CheckOutApi(APIView):
    """Check out the same way; the hours wait for staff approval."""

    @extend_schema(request=PresenceSerializer, responses=SignupSerializer, tags=[TAG])
    def post(self, request: Request, pk: int) -> Response:
        data = PresenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = services.signup_check_out(user=request.user, activity_id=pk, **data.validated_data)
        return Response(_signup_body(signup))


class MySignupListApi(ScopedListApi):
    """My sign-ups, newest first, with check-in, check-out and hours."""

    serializer_class = SignupSerializer
    model = Signup

    def rows(self, user: Any) -> Any:
        return selectors.signup_list(user=user)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MyHoursApi(APIView):
    """My hours by month: approved and still waiting for approval."""

    class OutputSerializer(serializers.Serializer):
        month = serializers.CharField(help_text="YYYY-MM")
        approved_hours = serializers.FloatField()
        pending_hours = serializers.FloatField()

    @extend_schema(responses=OutputSerializer(many=True), tags=[TAG])
    def get(self, request: Request) -> Response:
        rows = selectors.hours_by_month(user=request.user)
        return Response(self.OutputSerializer(rows, many=True).data)


class EnrolApi(APIView):
    """Enrol in a training session that still has room."""

    @extend_schema(request=None, responses={201: EnrolmentSerializer}, tags=["training"])
    def post(self, request: Request, pk: int) -> Response:
        enrolment = services.enrolment_create(user=request.user, session_id=pk)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)
