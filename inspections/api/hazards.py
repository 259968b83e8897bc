"""Categories, the hazard list and detail, reporting, transitions, comments, me-too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.ids import IdField
from config.api.lists import ScopedListApi
from config.api.pagination import CursorPagination
from config.idempotency import client_uuid_field
from grids.models import RiskColour
from inspections import services
from inspections.api.serializers import (
    EventSerializer,
    HazardDetailSerializer,
    HazardSummarySerializer,
    SuggestionSerializer,
    hazard_row,
    serializer_context,
)
from inspections.filters import HazardFilter
from inspections.models import Category, Hazard
from inspections.selectors import category_list, hazard_detail, hazard_list_rows

ORDERINGS = ("-created_at", "created_at", "due_at", "-due_at")


class HazardPagination(CursorPagination):
    """Newest first; ``ordering`` may ask for the nearest deadline instead."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        requested = request.query_params.get("ordering", "-created_at")
        field = requested if requested in ORDERINGS else "-created_at"
        return (field, "-id" if field.startswith("-") else "id")


class CategoryListApi(APIView):
    """Hazard categories (service types) with the extra attributes each one asks for."""

    class OutputSerializer(serializers.ModelSerializer):
        default_risk_colour = serializers.CharField()

        class Meta:
            model = Category
            fields = [
                "code",
                "name_zh",
                "name_en",
                "description",
                "guidance_zh",
                "guidance_en",
                "default_risk_colour",
                "default_is_major",
                "hours_red",
                "hours_orange",
                "hours_yellow",
                "hours_blue",
                "hours_major",
                "attributes",
            ]

    @extend_schema(responses=OutputSerializer(many=True), tags=["hazards"])
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(category_list(), many=True).data)


class HazardListApi(ScopedListApi):
    """Hazards the caller may see, filtered, ordered and cursor-paginated; POST reports one."""

    model = Hazard
    serializer_class = HazardSummarySerializer
    # For the schema's filter parameters; the selector applies the same FilterSet.
    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilter
    filters_in_selector = True
    pagination_class = HazardPagination
    extra_error_codes: ClassVar[list[int]] = [409]

    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(max_length=40, help_text=_("Category code."))
        description = serializers.CharField(max_length=2000)
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)
        address = serializers.CharField(max_length=200, required=False, default="")
        attributes = serializers.DictField(required=False, default=dict)
        enterprise = IdField(required=False, allow_null=True, default=None)
        risk_colour = serializers.ChoiceField(
            choices=RiskColour.choices, required=False, allow_null=True, default=None
        )
        is_major = serializers.BooleanField(required=False, allow_null=True, default=None)
        client_uuid = client_uuid_field()

    class CreatedSerializer(HazardDetailSerializer):
        suggestions = SuggestionSerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=ORDERINGS,
                description=_("Newest first by default; due_at for the nearest deadline."),
            )
        ],
        responses=HazardSummarySerializer(many=True),
        tags=["hazards"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def rows(self, user: Any) -> QuerySet[Any]:
        return hazard_list_rows(user=user, filters=self.request.query_params)

    def body(self, page: Sequence[Any]) -> list[dict[str, Any]]:
        now = timezone.now()
        return [hazard_row(row, now=now) for row in page]

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedSerializer, 200: CreatedSerializer},
        tags=["hazards"],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        result = services.hazard_report(
            user=request.user,
            category_code=fields.pop("category"),
            enterprise_id=fields.pop("enterprise"),
            **fields,
        )
        hazard = hazard_detail(user=request.user, hazard_id=result.hazard.pk)
        hazard.suggestions = result.suggestions  # type: ignore[attr-defined]
        body = self.CreatedSerializer(hazard, context=serializer_context(request)).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)


class HazardDetailApi(APIView):
    """One hazard with its timeline and photos."""

    @extend_schema(responses=HazardDetailSerializer, tags=["hazards"])
    def get(self, request: Request, pk: int) -> Response:
        hazard = hazard_detail(user=request.user, hazard_id=pk)
        return Response(HazardDetailSerializer(hazard, context=serializer_context(request)).data)


class VersionSerializer(serializers.Serializer):
    client_uuid = client_uuid_field()
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version the caller last saw; a newer one gives 409.")
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AssignInputSerializer(VersionSerializer):
    assignee = IdField(source="assignee_id")


class RejectInputSerializer(serializers.Serializer):
    client_uuid = client_uuid_field()
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class DuplicateInputSerializer(VersionSerializer):
    duplicate_of = IdField(source="original_id")


class NoteRequiredSerializer(VersionSerializer):
    note = serializers.CharField(max_length=2000)


class TransitionApi(APIView):
    """Base for one lifecycle step: validates input, calls its service, returns the hazard.

    A step is a plain subclass naming its ``service`` and ``InputSerializer``; its
    docstring is its summary in the schema (``__init_subclass__`` documents it).
    """

    extra_error_codes: ClassVar[list[int]] = [409]
    InputSerializer: ClassVar[type[serializers.Serializer]] = VersionSerializer
    service: ClassVar[Callable[..., Hazard]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__name__.removeprefix("Hazard").removesuffix("Api").lower()

        def post(self: TransitionApi, request: Request, pk: int) -> Response:
            return self.step_post(request, pk)

        # Annotated per subclass: drf-spectacular takes an operation id from a method only.
        documented = extend_schema(
            request=cls.InputSerializer,
            responses=HazardDetailSerializer,
            tags=["hazard lifecycle"],
            summary=cls.__doc__,
            operation_id=f"hazards_{step}",
        )
        setattr(cls, "post", documented(post))  # noqa: B010

    def step_post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        type(self).service(user=request.user, hazard_id=pk, **data.validated_data)
        hazard = hazard_detail(user=request.user, hazard_id=pk)
        return Response(HazardDetailSerializer(hazard, context=serializer_context(request)).data)


class HazardAssignApi(TransitionApi):
    """Assign (staff of the community)."""

    service = staticmethod(services.hazard_assign)
    InputSerializer = AssignInputSerializer


class HazardStartApi(TransitionApi):
    """Start rectification (assignee)."""

    service = staticmethod(services.hazard_start_rectification)


class HazardSubmitFixApi(TransitionApi):
    """Submit the fix for verification (assignee)."""

    service = staticmethod(services.hazard_submit_fix)


class HazardReturnFixApi(TransitionApi):
    """Verification failed: back to rectification (staff)."""

    service = staticmethod(services.hazard_return_fix)
    InputSerializer = NoteRequiredSerializer


class HazardCloseApi(TransitionApi):
    """Verify and close (staff; needs an after photo; major: not the fixer)."""

    service = staticmethod(services.hazard_close)


class HazardRejectApi(TransitionApi):
    """Reject with a reason (staff)."""

    service = staticmethod(services.hazard_reject)
    InputSerializer = RejectInputSerializer


class HazardMarkDuplicateApi(TransitionApi):
    """Mark as a duplicate of another hazard (staff)."""

    service = staticmethod(services.hazard_mark_duplicate)
    InputSerializer = DuplicateInputSerializer


class HazardReopenApi(TransitionApi):
    """Reopen a recently closed hazard (staff)."""

    service = staticmethod(services.hazard_reopen)
    InputSerializer = NoteRequiredSerializer


class HazardCommentApi(APIView):
    """Add a comment to the hazard's timeline."""

    extra_error_codes: ClassVar[list[int]] = [409]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000)
        client_uuid = client_uuid_field()

    @extend_schema(
        request=InputSerializer,
        responses={201: EventSerializer, 200: EventSerializer},
        tags=["hazard lifecycle"],
        description=_("201 for a new comment; 200 for a retry with the same client_uuid."),
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.hazard_comment(user=request.user, hazard_id=pk, **data.validated_data)
        created = getattr(event, "_created", True)
        return Response(EventSerializer(event).data, status=201 if created else 200)


class HazardMeTooApi(APIView):
    """Confirm an open hazard ("me too") instead of reporting it again."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        status = serializers.CharField()
        me_too_count = serializers.IntegerField()

    @extend_schema(request=None, responses=OutputSerializer, tags=["hazards"])
    def post(self, request: Request, pk: int) -> Response:
        hazard = services.hazard_me_too(user=request.user, hazard_id=pk)
        return Response(self.OutputSerializer(hazard).data)
