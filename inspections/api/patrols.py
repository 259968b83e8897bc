"""Checklist templates, recorded inspections and a worker's due list."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import CursorPagination
from inspections.api.serializers import photo_url
from inspections.models import ItemOutcome, ItemResult
from inspections.selectors import checklist_template_list, inspection_due_list, inspection_list
from inspections.services import inspection_record


class ChecklistTemplateListApi(APIView):
    """Checklists per kind of site ('building' or an enterprise kind)."""

    class OutputSerializer(serializers.Serializer):
        class ItemSerializer(serializers.Serializer):
            code = serializers.CharField()
            text = serializers.CharField()
            category = serializers.CharField(source="category.code")

        id = serializers.IntegerField()
        site_kind = serializers.CharField()
        name = serializers.CharField()
        items = ItemSerializer(many=True)

    @extend_schema(responses=OutputSerializer(many=True), tags=["patrols"])
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(checklist_template_list(), many=True).data)


class InspectionOutputSerializer(serializers.Serializer):
    class ResultSerializer(serializers.Serializer):
        item = serializers.CharField(source="item.code")
        outcome = serializers.CharField()
        note = serializers.CharField()
        hazard = serializers.IntegerField(source="hazard_id", allow_null=True)
        photo = serializers.IntegerField(source="photo_id", allow_null=True)
        photo_url = serializers.SerializerMethodField()

        def get_photo_url(self, result: ItemResult) -> str | None:
            return photo_url(result.photo_id, "display")

    id = serializers.IntegerField()
    worker = serializers.IntegerField(source="worker_id")
    grid = serializers.IntegerField(source="grid_id")
    building = serializers.IntegerField(source="building_id", allow_null=True)
    enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)
    checklist = serializers.CharField(source="template.site_kind")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    start_lat = serializers.FloatField()
    start_lng = serializers.FloatField()
    finish_lat = serializers.FloatField(allow_null=True)
    finish_lng = serializers.FloatField(allow_null=True)
    client_uuid = serializers.UUIDField(allow_null=True)


class InspectionDetailSerializer(InspectionOutputSerializer):
    results = InspectionOutputSerializer.ResultSerializer(many=True)


class InspectionListApi(APIView):
    """Inspections the caller may see; POST records a finished one from the phone."""

    pagination_class = CursorPagination
    extra_error_codes: ClassVar[list[int]] = [409]

    class InputSerializer(serializers.Serializer):
        class ResultSerializer(serializers.Serializer):
            item = serializers.CharField(max_length=40, help_text=_("Checklist item code."))
            outcome = serializers.ChoiceField(choices=ItemOutcome.choices)
            note = serializers.CharField(
                max_length=2000, required=False, default="", allow_blank=True
            )
            attributes = serializers.DictField(required=False, default=dict)

        client_uuid = serializers.UUIDField(required=False, allow_null=True, default=None)
        building = serializers.IntegerField(required=False, allow_null=True, default=None)
        enterprise = serializers.IntegerField(required=False, allow_null=True, default=None)
        started_at = serializers.DateTimeField()
        start_lat = serializers.FloatField(min_value=-90, max_value=90)
        start_lng = serializers.FloatField(min_value=-180, max_value=180)
        finished_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        finish_lat = serializers.FloatField(min_value=-90, max_value=90)
        finish_lng = serializers.FloatField(min_value=-180, max_value=180)
        results = ResultSerializer(many=True)

    @extend_schema(responses=InspectionOutputSerializer(many=True), tags=["patrols"])
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(inspection_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(InspectionOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: InspectionDetailSerializer, 200: InspectionDetailSerializer},
        tags=["patrols"],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        inspection, created = inspection_record(
            user=request.user,
            building_id=fields.pop("building"),
            enterprise_id=fields.pop("enterprise"),
            **fields,
        )
        inspection = (
            inspection_list(user=request.user)
            .prefetch_related("results__item")
            .get(pk=inspection.pk)
        )
        return Response(
            InspectionDetailSerializer(inspection).data,
            status=status.HTTP_201_CREATED if created else 200,
        )


class InspectionDueApi(APIView):
    """Sites in the worker's grid due for inspection, most overdue (or never seen) first."""

    class OutputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField(source="enterprise.pk")
        name = serializers.CharField(source="enterprise.name")
        kind = serializers.CharField(source="enterprise.kind")
        address = serializers.CharField(source="enterprise.address")
        inspection_interval_days = serializers.IntegerField(
            source="enterprise.inspection_interval_days"
        )
        last_inspected_at = serializers.DateTimeField(allow_null=True)
        due_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses=OutputSerializer(many=True), tags=["patrols"])
    def get(self, request: Request) -> Response:
        return Response(
            self.OutputSerializer(inspection_due_list(user=request.user), many=True).data
        )
