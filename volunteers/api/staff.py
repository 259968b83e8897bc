"""Staff endpoints: activities, teams, courses and sessions, attendance, approvals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.lists import ScopedListApi
from config.api.pagination import CursorPagination
from grids.models import Community, Enterprise
from volunteers import selectors, services
from volunteers.api.serializers import (
    ActivityCodeSerializer,
    ApprovalSerializer,
    CertificateSerializer,
    EnrolmentSerializer,
    StaffActivitySerializer,
)
from volunteers.filters import ApprovalFilter
from volunteers.models import (
    Activity,
    ActivityKind,
    Certificate,
    Course,
    EnrolmentStatus,
    Signup,
    Skill,
    Team,
    TrainingSession,
    VolunteerProfile,
)

TAG = "volunteer staff"


class ApprovalPagination(CursorPagination):
    """The longest waiting first."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("checked_out_at", "id")


class StaffActivityListApi(ScopedListApi):
    """Activities of the communities I run (GET); plan one (POST)."""

    serializer_class = StaffActivitySerializer
    model = Activity

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ActivityKind.choices)
        title = serializers.CharField(max_length=120)
        community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        place = serializers.CharField(max_length=200)
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField(help_text=_("Must be after starts_at."))
        capacity = serializers.IntegerField(min_value=1, max_value=100_000)
        required_skills = serializers.PrimaryKeyRelatedField(
            queryset=Skill.objects.all(), many=True, required=False, default=list
        )

    def rows(self, user: Any) -> Any:
        return selectors.staff_activity_list(user=user)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=InputSerializer,
        responses={201: StaffActivitySerializer},
        tags=[TAG],
        examples=[
            OpenApiExample(
                "Fire drill",
                value={
                    "kind": "drill",
                    "title": "高层住宅消防演练",
                    "community": 3,
                    "place": "3号楼前广场",
                    "lat": 32.06,
                    "lng": 118.79,
                    "starts_at": "2026-12-12T09:00:00+08:00",
                    "ends_at": "2026-12-12T11:00:00+08:00",
                    "capacity": 50,
                    "required_skills": [],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_create(user=request.user, **data.validated_data)
        body = StaffActivitySerializer(
            selectors.staff_activity_get(user=request.user, activity_id=activity.pk)
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class ActivityCodeApi(APIView):
    """The check-in code of one of my activities and its QR, to show at the event."""

    @extend_schema(responses=ActivityCodeSerializer, tags=[TAG])
    def get(self, request: Request, pk: int) -> Response:
        activity = selectors.staff_activity_get(user=request.user, activity_id=pk)
        return Response(ActivityCodeSerializer(activity).data)


class ApprovalListApi(ScopedListApi):
    """Hours waiting for approval in my communities, the longest waiting first."""

    serializer_class = ApprovalSerializer
    model = Signup
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApprovalFilter
    filters_in_selector = True  # the selector applies the FilterSet itself
    pagination_class = ApprovalPagination

    def rows(self, user: Any) -> Any:
        return selectors.approval_queue(user=user, filters=self.request.query_params)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _approval_body(signup: Signup, request: Request) -> dict[str, Any]:
    row = selectors.approval_rows(user=request.user).get(pk=signup.pk)
    return dict(ApprovalSerializer(row).data)


class ApproveApi(APIView):
    """Approve the hours and pay their points (once, however often it is clicked)."""

    @extend_schema(request=None, responses=ApprovalSerializer, tags=[TAG])
    def post(self, request: Request, pk: int) -> Response:
        signup = services.hours_approve(user=request.user, signup_id=pk)
        return Response(_approval_body(signup, request))


class RejectApi(APIView):
    """Refuse the hours; nothing is paid."""

    @extend_schema(request=None, responses=ApprovalSerializer, tags=[TAG])
    def post(self, request: Request, pk: int) -> Response:
        signup = services.hours_reject(user=request.user, signup_id=pk)
        return Response(_approval_body(signup, request))


class PendingCertificateListApi(ScopedListApi):
    """Certificates of my communities' volunteers waiting for confirmation."""

    serializer_class = CertificateSerializer
    model = Certificate

    def rows(self, user: Any) -> Any:
        return selectors.certificates_pending(user=user)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CertificateDecideApi(APIView):
    """Confirm (true) or reject (false) a certificate after looking at its photo."""

    class InputSerializer(serializers.Serializer):
        confirm = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=CertificateSerializer, tags=[TAG])
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_decide(
            user=request.user, certificate_id=pk, confirm=data.validated_data["confirm"]
        )
        return Response(CertificateSerializer(certificate).data)


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    community = serializers.IntegerField(source="community_id")
    enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)
    leader = serializers.IntegerField(source="leader_id", allow_null=True)
    members = serializers.SerializerMethodField()
    joint = serializers.SerializerMethodField(
        help_text=_("An enterprise, the community and volunteers together.")
    )

    def get_members(self, team: Team) -> list[int]:
        return sorted(member.pk for member in team.members.all())

    def get_joint(self, team: Team) -> bool:
        return team.enterprise_id is not None and bool(team.members.all())


class TeamListApi(ScopedListApi):
    """Joint teams of my communities (GET); form one (POST)."""

    serializer_class = TeamSerializer
    model = Team

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=80)
        community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        enterprise = serializers.PrimaryKeyRelatedField(
            queryset=Enterprise.objects.all(), required=False, allow_null=True, default=None
        )
        leader = serializers.PrimaryKeyRelatedField(
            queryset=VolunteerProfile.objects.all(), required=False, allow_null=True, default=None
        )
        members = serializers.PrimaryKeyRelatedField(
            queryset=VolunteerProfile.objects.all(), many=True
        )

    def rows(self, user: Any) -> Any:
        return selectors.team_list(user=user)

    @extend_schema(tags=[TAG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=InputSerializer, responses={201: TeamSerializer}, tags=[TAG])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_create(user=request.user, **data.validated_data)
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamChangeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=VolunteerProfile.objects.all(), required=False
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=VolunteerProfile.objects.all(), many=True, required=False
    )


class TeamDetailApi(APIView):
    """Change a team's name, leader or members."""

    @extend_schema(request=TeamChangeSerializer, responses=TeamSerializer, tags=[TAG])
    def patch(self, request: Request, pk: int) -> Response:
        data = TeamChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_update(user=request.user, team_id=pk, **data.validated_data)
        return Response(TeamSerializer(team).data)


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    community = serializers.IntegerField(source="community_id")
    skill = serializers.IntegerField(source="skill_id", allow_null=True)
    issuer = serializers.CharField()
    certificate_valid_days = serializers.IntegerField()
    description = serializers.CharField()


class CourseListApi(ScopedListApi):
    """Courses of my community or of the communities I run (GET); staff add one (POST)."""

    serializer_class = CourseSerializer
    model = Course

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        skill = serializers.PrimaryKeyRelatedField(
            queryset=Skill.objects.all(), required=False, allow_null=True, default=None
        )
        issuer = serializers.CharField(max_length=120, required=False, default="")
        certificate_valid_days = serializers.IntegerField(
            min_value=1, max_value=3650, required=False, default=730
        )
        description = serializers.CharField(required=False, default="", allow_blank=True)

    def rows(self, user: Any) -> Any:
        return selectors.course_list(user=user)

    @extend_schema(tags=["training"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=InputSerializer, responses={201: CourseSerializer}, tags=["training"])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.course_create(user=request.user, **data.validated_data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    course_name = serializers.CharField(source="course.name")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    capacity = serializers.IntegerField()
    enrolled = serializers.IntegerField()


class SessionListApi(ScopedListApi):
    """Sessions of the courses I can see (GET); staff schedule one (POST)."""

    serializer_class = SessionSerializer
    model = TrainingSession

    class InputSerializer(serializers.Serializer):
        course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField(help_text=_("Must be after starts_at."))
        place = serializers.CharField(max_length=200)
        capacity = serializers.IntegerField(min_value=1, max_value=10_000)

    def rows(self, user: Any) -> Any:
        return selectors.session_list(user=user)

    @extend_schema(tags=["training"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=InputSerializer, responses={201: SessionSerializer}, tags=["training"])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_create(user=request.user, **data.validated_data)
        row = selectors.session_list(user=request.user).get(pk=session.pk)
        return Response(SessionSerializer(row).data, status=status.HTTP_201_CREATED)


class EnrolmentRecordApi(APIView):
    """Staff record attendance: attended, completed (grants the certificate) or absent."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=[
                (EnrolmentStatus.ATTENDED.value, EnrolmentStatus.ATTENDED.label),
                (EnrolmentStatus.COMPLETED.value, EnrolmentStatus.COMPLETED.label),
                (EnrolmentStatus.ABSENT.value, EnrolmentStatus.ABSENT.label),
            ]
        )

    @extend_schema(request=InputSerializer, responses=EnrolmentSerializer, tags=["training"])
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_record(
            user=request.user, enrolment_id=pk, outcome=data.validated_data["outcome"]
        )
        return Response(EnrolmentSerializer(enrolment).data)
