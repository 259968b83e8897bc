"""HTTP for places: districts, communities, grids, buildings, enterprises; my grid; locate."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.lists import ScopedListApi, ScopedRowsMixin
from config.api.pagination import CursorPagination
from grids.filters import BuildingFilter, CommunityFilter, EnterpriseFilter, GridFilter
from grids.models import Building, Community, District, Enterprise, Grid, RiskColour
from grids.selectors import locate
from grids.selectors.places import (
    ALL_COMMUNITIES,
    building_list,
    community_list,
    district_list,
    enterprise_list,
    grid_list,
    grid_worker,
    grid_worker_name,
    my_grid,
    staffed_community_ids,
)


class ByIdPagination(CursorPagination):
    """Places list in the order they were created."""

    ordering = "id"


class PlaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CommunityOutputSerializer(PlaceRefSerializer):
    district = PlaceRefSerializer()
    target_grid_size = serializers.IntegerField()


class GridWorkerSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("User id: send it as the assignee."))
    name = serializers.CharField(help_text=_("The worker's public (display) name."))


class GridOutputSerializer(PlaceRefSerializer):
    community = PlaceRefSerializer()
    district = PlaceRefSerializer(source="community.district")
    population = serializers.IntegerField()
    is_active = serializers.BooleanField()
    centroid_lat = serializers.FloatField(allow_null=True)
    centroid_lng = serializers.FloatField(allow_null=True)
    boundary = serializers.JSONField(allow_null=True, help_text=_("GeoJSON polygon."))
    worker_name = serializers.SerializerMethodField(
        help_text=_("Public name of the worker covering the grid now; null when uncovered.")
    )

    worker = serializers.SerializerMethodField(
        help_text=_(
            "The grid's current worker as {id, name}, so the community's staff (and "
            "administrators) can assign hazards to them; null for everyone else and when "
            "the grid is uncovered."
        )
    )

    def get_worker_name(self, grid: Grid) -> str | None:
        return grid_worker_name(grid)

    @extend_schema_field(GridWorkerSerializer(allow_null=True))
    def get_worker(self, grid: Grid) -> dict[str, Any] | None:
        # One question per response, not per row: which communities does the reader run?
        if "staffed_community_ids" not in self.context:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            self.context["staffed_community_ids"] = (
                staffed_community_ids(user) if user is not None else frozenset()
            )
        staffed = self.context["staffed_community_ids"]
        if staffed is not ALL_COMMUNITIES and grid.community_id not in staffed:
            return None
        worker = grid_worker(grid)
        return {"id": worker.pk, "name": worker.public_name} if worker else None


class BuildingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    residents = serializers.IntegerField()
    community = PlaceRefSerializer()
    grid_id = serializers.IntegerField(allow_null=True)


class EnterpriseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    kind = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    risk_colour = serializers.ChoiceField(choices=RiskColour.choices)
    inspection_interval_days = serializers.IntegerField()
    is_blacklisted = serializers.BooleanField()
    blacklist_reason = serializers.CharField()
    community = PlaceRefSerializer()
    grid_id = serializers.IntegerField(allow_null=True)


class _PlaceList(ScopedListApi):
    pagination_class = ByIdPagination


@extend_schema(tags=["places"])
class DistrictListApi(_PlaceList):
    """Districts of the city."""

    model = District
    serializer_class = PlaceRefSerializer

    def rows(self, user: Any) -> QuerySet[Any]:
        return district_list(user=user)


@extend_schema(tags=["places"])
class CommunityListApi(_PlaceList):
    """Communities, optionally of one district."""

    model = Community
    serializer_class = CommunityOutputSerializer
    filterset_class = CommunityFilter

    def rows(self, user: Any) -> QuerySet[Any]:
        return community_list(user=user)


@extend_schema(tags=["places"])
class GridListApi(_PlaceList):
    """Grids the user may see: staff their communities', a worker theirs, a resident theirs."""

    model = Grid
    serializer_class = GridOutputSerializer
    filterset_class = GridFilter

    def rows(self, user: Any) -> QuerySet[Any]:
        return grid_list(user=user)


@extend_schema(tags=["places"])
class GridDetailApi(ScopedRowsMixin, generics.RetrieveAPIView):
    """One grid the user may see."""

    model = Grid
    serializer_class = GridOutputSerializer

    def rows(self, user: Any) -> QuerySet[Any]:
        return grid_list(user=user)


@extend_schema(tags=["places"])
class BuildingListApi(_PlaceList):
    """Buildings (or high-rise entrances) of the user's communities or grid."""

    model = Building
    serializer_class = BuildingOutputSerializer
    filterset_class = BuildingFilter

    def rows(self, user: Any) -> QuerySet[Any]:
        return building_list(user=user)


@extend_schema(tags=["places"])
class BuildingDetailApi(ScopedRowsMixin, generics.RetrieveAPIView):
    """One building the user may see."""

    model = Building
    serializer_class = BuildingOutputSerializer

    def rows(self, user: Any) -> QuerySet[Any]:
        return building_list(user=user)


@extend_schema(tags=["places"])
class EnterpriseListApi(_PlaceList):
    """Enterprises and sites of the user's communities or grid, with risk and blacklist."""

    model = Enterprise
    serializer_class = EnterpriseOutputSerializer
    filterset_class = EnterpriseFilter

    def rows(self, user: Any) -> QuerySet[Any]:
        return enterprise_list(user=user)


@extend_schema(tags=["places"])
class EnterpriseDetailApi(ScopedRowsMixin, generics.RetrieveAPIView):
    """One enterprise or site the user may see."""

    model = Enterprise
    serializer_class = EnterpriseOutputSerializer

    def rows(self, user: Any) -> QuerySet[Any]:
        return enterprise_list(user=user)


class MyGridApi(APIView):
    """The grid a worker covers, or a resident's home grid, with its worker's public name;
    404 for a user with neither."""

    extra_error_codes = ["404"]

    class OutputSerializer(serializers.Serializer):
        relation = serializers.ChoiceField(
            choices=[("worker", _("You cover this grid")), ("resident", _("You live here"))]
        )
        grid = GridOutputSerializer()

    @extend_schema(responses=OutputSerializer, tags=["places"])
    def get(self, request: Request) -> Response:
        relation, grid = my_grid(user=request.user)
        body = {"relation": relation, "grid": grid}
        return Response(self.OutputSerializer(body, context={"request": request}).data)


class LocateApi(APIView):
    """The grid and nearest building of a point; 400 outside every community."""

    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)

    class OutputSerializer(serializers.Serializer):
        grid = PlaceRefSerializer(allow_null=True)
        community = PlaceRefSerializer()
        building = BuildingOutputSerializer()
        distance_m = serializers.FloatField()

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer, tags=["places"])
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        location = locate(**data.validated_data)
        return Response(self.OutputSerializer(location).data)
