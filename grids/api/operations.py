"""HTTP for staff operations: partition, assignment and coverage."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grids.api.places import PlaceRefSerializer
from grids.models import User
from grids.partition import FullReason, Method
from grids.selectors.coverage import coverage_report
from grids.selectors.places import staff_community_get, staff_grid_get
from grids.services import (
    community_assignment_apply,
    community_assignment_preview,
    community_partition_apply,
    community_partition_preview,
    grid_assign_worker,
    grid_unassign_worker,
)


class PlannedGridSerializer(serializers.Serializer):
    grid_id = serializers.IntegerField(allow_null=True, help_text=_("Null: a new grid."))
    population = serializers.IntegerField()
    buildings = serializers.IntegerField()
    within_tolerance = serializers.BooleanField()
    oversized_single_unit = serializers.BooleanField()


class PartitionReportSerializer(serializers.Serializer):
    community = PlaceRefSerializer()
    applied = serializers.BooleanField()
    target_grid_size = serializers.IntegerField()
    residents = serializers.IntegerField()
    ideal_grid_size = serializers.FloatField()
    grid_count = serializers.IntegerField()
    residents_moved = serializers.IntegerField(
        help_text=_("Residents whose grid changes (or changed).")
    )
    grids_kept = serializers.IntegerField()
    grids_created = serializers.IntegerField()
    grids_retired = serializers.IntegerField()
    within_tolerance = serializers.IntegerField()
    within_share = serializers.FloatField()
    out_of_balance = serializers.IntegerField()
    oversized_single_unit = serializers.IntegerField()
    method = serializers.ChoiceField(
        choices=[m.value for m in Method],
        help_text=_(
            "repair: the old grids were kept and only buildings near the change move; full: "
            "the community was partitioned from scratch (see full_reason)."
        ),
    )
    full_reason = serializers.ChoiceField(
        choices=[r.value for r in FullReason],
        allow_null=True,
        help_text=_("Why a local repair was not enough; null after a repair."),
    )
    method_note = serializers.CharField(help_text=_("What was done, in the user's language."))
    grids = PlannedGridSerializer(many=True)


class PartitionInputSerializer(serializers.Serializer):
    target_grid_size = serializers.IntegerField(
        required=False,
        help_text=_("Residents per grid; by default the community's own setting."),
    )


class WorkerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    public_name = serializers.CharField()


class PlannedAssignmentSerializer(serializers.Serializer):
    grid = PlaceRefSerializer()
    worker = WorkerRefSerializer()
    distance_m = serializers.FloatField()


class AssignmentReportSerializer(serializers.Serializer):
    community = PlaceRefSerializer()
    applied = serializers.BooleanField()
    available_workers = serializers.IntegerField()
    uncovered_grids = serializers.IntegerField()
    grids_left_uncovered = serializers.IntegerField()
    workers_left_idle = serializers.IntegerField()
    total_distance_m = serializers.FloatField()
    assignments = PlannedAssignmentSerializer(many=True)


class _CommunityOperation(APIView):
    """POST on a community the user runs; the subclass says which service to call."""

    def service(self, community: Any, user: User, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    input_serializer: type[serializers.Serializer] | None = None
    output_serializer: type[serializers.Serializer] = PartitionReportSerializer

    def post(self, request: Request, community_id: int) -> Response:
        community = staff_community_get(user=request.user, community_id=community_id)
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            checked = self.input_serializer(data=request.data)
            checked.is_valid(raise_exception=True)
            data = dict(checked.validated_data)
        report = self.service(community, cast(User, request.user), data)
        return Response(self.output_serializer(report).data)


def _partition_schema(summary: str) -> Any:
    return extend_schema(
        request=PartitionInputSerializer,
        responses=PartitionReportSerializer,
        tags=["partition"],
        summary=summary,
    )


class PartitionPreviewApi(_CommunityOperation):
    input_serializer = PartitionInputSerializer

    def service(self, community: Any, user: User, data: dict[str, Any]) -> Any:
        return community_partition_preview(community=community, **data)

    @_partition_schema("What re-partitioning the community would change (writes nothing).")
    def post(self, request: Request, community_id: int) -> Response:
        return super().post(request, community_id)


class PartitionApplyApi(_CommunityOperation):
    extra_error_codes = [409]
    input_serializer = PartitionInputSerializer

    def service(self, community: Any, user: User, data: dict[str, Any]) -> Any:
        return community_partition_apply(community=community, by=user, **data)

    @_partition_schema("Re-partition the community, keeping grid ids and workers where it can.")
    def post(self, request: Request, community_id: int) -> Response:
        return super().post(request, community_id)


class AssignmentPreviewApi(_CommunityOperation):
    output_serializer = AssignmentReportSerializer

    def service(self, community: Any, user: User, data: dict[str, Any]) -> Any:
        return community_assignment_preview(community=community)

    @extend_schema(
        request=None,
        responses=AssignmentReportSerializer,
        tags=["assignment"],
        summary="Least-total-distance matching of available workers to uncovered grids.",
    )
    def post(self, request: Request, community_id: int) -> Response:
        return super().post(request, community_id)


class AssignmentApplyApi(_CommunityOperation):
    extra_error_codes = [409]
    output_serializer = AssignmentReportSerializer

    def service(self, community: Any, user: User, data: dict[str, Any]) -> Any:
        return community_assignment_apply(community=community, by=user)

    @extend_schema(
        request=None,
        responses=AssignmentReportSerializer,
        tags=["assignment"],
        summary="Assign as the preview says; 409 when assignments changed meanwhile.",
    )
    def post(self, request: Request, community_id: int) -> Response:
        return super().post(request, community_id)


class GridAssignmentOutputSerializer(serializers.Serializer):
    grid = PlaceRefSerializer()
    worker = WorkerRefSerializer()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class GridWorkerApi(APIView):
    """Put a worker on a grid of a community the user runs, or take them off."""

    extra_error_codes = [409]

    class InputSerializer(serializers.Serializer):
        worker = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    @extend_schema(
        request=InputSerializer,
        responses={201: GridAssignmentOutputSerializer},
        tags=["assignment"],
    )
    def post(self, request: Request, grid_id: int) -> Response:
        grid = staff_grid_get(user=request.user, grid_id=grid_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = grid_assign_worker(
            grid=grid, worker=data.validated_data["worker"], by=cast(User, request.user)
        )
        body = GridAssignmentOutputSerializer(assignment).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=GridAssignmentOutputSerializer, tags=["assignment"])
    def delete(self, request: Request, grid_id: int) -> Response:
        grid = staff_grid_get(user=request.user, grid_id=grid_id)
        assignment = grid_unassign_worker(grid=grid, by=cast(User, request.user))
        return Response(GridAssignmentOutputSerializer(assignment).data)


class WorkerLoadSerializer(serializers.Serializer):
    minimum = serializers.IntegerField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["city", "district", "community"])
    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    residents = serializers.IntegerField()
    grids = serializers.IntegerField()
    workers_on_duty = serializers.IntegerField()
    residents_per_worker = serializers.FloatField(allow_null=True)
    standard_residents_per_worker = serializers.IntegerField()
    uncovered_grids = serializers.IntegerField()
    grids_out_of_balance = serializers.IntegerField()
    oversized_single_unit_grids = serializers.IntegerField()
    worker_load = WorkerLoadSerializer()


class CoverageApi(APIView):
    """Coverage of what the user runs: the city by district, a district by community, or
    one community."""

    class InputSerializer(serializers.Serializer):
        community = serializers.IntegerField(required=False)
        district = serializers.IntegerField(required=False)

    class OutputSerializer(serializers.Serializer):
        totals = CoverageSerializer()
        breakdown = CoverageSerializer(many=True)

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer, tags=["coverage"])
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        report = coverage_report(
            user=request.user,
            community_id=data.validated_data.get("community"),
            district_id=data.validated_data.get("district"),
        )
        return Response(self.OutputSerializer(report).data)
