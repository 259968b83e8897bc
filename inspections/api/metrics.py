"""Closed-loop metrics over a date range."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.times import MomentField
from inspections.metrics import CLOSURE_TARGET, LEVELS, hazard_metrics


class HazardMetricsApi(APIView):
    """Closure rate, on-time rate, median hours to assignment and closure, overdue counts,
    per grid, community, district or city, over hazards reported in a date range."""

    class FilterSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=list(LEVELS), default="community")
        created_from = MomentField(required=False)
        created_to = MomentField(required=False)

    class OutputSerializer(serializers.Serializer):
        class RowSerializer(serializers.Serializer):
            id = serializers.IntegerField(allow_null=True)
            name = serializers.CharField()
            reported = serializers.IntegerField()
            closed = serializers.IntegerField()
            closure_rate = serializers.FloatField(allow_null=True)
            on_time_rate = serializers.FloatField(allow_null=True)
            median_hours_to_assignment = serializers.FloatField(allow_null=True)
            median_hours_to_closure = serializers.FloatField(allow_null=True)
            overdue = serializers.IntegerField()

        level = serializers.CharField()
        created_from = serializers.DateTimeField()
        created_to = serializers.DateTimeField()
        # xgettext:no-python-format
        closure_target = serializers.FloatField(help_text=_("The 92% closed-loop target."))
        rows = RowSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer, tags=["hazards"])
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        created_to = query.validated_data.get("created_to") or now
        created_from = query.validated_data.get("created_from") or created_to - timedelta(days=30)
        rows = hazard_metrics(
            user=request.user,
            level=query.validated_data["level"],
            created_from=created_from,
            created_to=created_to,
        )
        body = {
            "level": query.validated_data["level"],
            "created_from": created_from,
            "created_to": created_to,
            "closure_target": CLOSURE_TARGET,
            "rows": rows,
        }
        return Response(self.OutputSerializer(body).data)
