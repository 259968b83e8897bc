"""Output shapes shared by the hazard endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.models import OPEN_STATUSES, Hazard, Photo
from inspections.services.transitions import hazard_steps_open


def photo_url(photo_id: int | None, size: str) -> str | None:
    if photo_id is None:
        return None
    return reverse("hazard-photo-file", kwargs={"pk": photo_id, "size": size})


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class HazardSummarySerializer(serializers.Serializer):
    """One row of the hazard list."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    category = CategoryRefSerializer()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    address = serializers.CharField()
    grid = RefSerializer(allow_null=True)
    community = RefSerializer()
    district = RefSerializer(source="community.district")
    risk_colour = serializers.CharField()
    is_major = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]  # a body key, not .source
    reporter = serializers.IntegerField(source="reporter_id", allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    due_at = serializers.DateTimeField()
    is_overdue = serializers.SerializerMethodField()
    escalation_level = serializers.IntegerField()
    me_too_count = serializers.IntegerField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_is_overdue(self, hazard: Hazard) -> bool:
        return hazard.is_open and hazard.due_at < self.context["now"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, hazard: Hazard) -> str | None:
        return photo_url(hazard.cover_photo_id, "thumbnail")


def hazard_row(row: dict[str, Any], *, now: datetime, unnamed: str) -> dict[str, Any]:
    """A ``HazardSummarySerializer`` body built from a ``hazard_list_rows`` row.

    Lists serialise 50 of these per page; walking DRF's fields over six model instances
    per row was most of the list's time. A test pins that both give the same body.
    """
    grid_id, assignee_id, photo_id = row["grid_id"], row["assignee_id"], row["cover_photo_id"]
    return {
        "id": row["id"],
        "number": row["number"],
        "status": row["status"],
        "category": {
            "code": row["category__code"], "name_zh": row["category__name_zh"],
            "name_en": row["category__name_en"],
        },
        "lat": row["lat"],
        "lng": row["lng"],
        "address": row["address"],
        "grid": {"id": grid_id, "code": row["grid__code"], "name": row["grid__name"]}
        if grid_id is not None
        else None,
        "community": {
            "id": row["community_id"], "code": row["community__code"],
            "name": row["community__name"],
        },
        "district": {
            "id": row["community__district_id"], "code": row["community__district__code"],
            "name": row["community__district__name"],
        },
        "risk_colour": row["risk_colour"],
        "is_major": row["is_major"],
        "source": row["source"],
        "reporter": row["reporter_id"],
        "assignee": {"id": assignee_id, "name": row["assignee__display_name"] or unnamed}
        if assignee_id is not None
        else None,
        "due_at": _iso(row["due_at"]),
        "is_overdue": row["status"] in OPEN_STATUSES and row["due_at"] < now,
        "escalation_level": row["escalation_level"],
        "me_too_count": row["me_too_count"],
        "version": row["version"],
        "created_at": _iso(row["created_at"]),
        "thumbnail_url": photo_url(photo_id, "thumbnail"),
    }  # fmt: skip


def _iso(value: Any) -> str | None:
    """What DRF's DateTimeField renders (ISO 8601 in the current zone, UTC as Z)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    event = serializers.IntegerField(source="event_id", allow_null=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    taken_at = serializers.DateTimeField(allow_null=True)
    gps_lat = serializers.FloatField(allow_null=True)
    gps_lng = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_display_url(self, photo: Photo) -> str | None:
        return photo_url(photo.pk, "display")

    def get_thumbnail_url(self, photo: Photo) -> str | None:
        return photo_url(photo.pk, "thumbnail")


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    actor = PersonSerializer(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class HazardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()


class HazardDetailSerializer(HazardSummarySerializer):
    """A hazard with its timeline and photos."""

    description = serializers.CharField()
    attribute_values = serializers.DictField()
    building = serializers.IntegerField(source="building_id", allow_null=True)
    enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True)
    duplicate_of = HazardRefSerializer(allow_null=True)
    reject_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    timeline = EventSerializer(source="events", many=True)
    photos = PhotoSerializer(many=True)
    steps = serializers.SerializerMethodField(
        help_text=_("The lifecycle steps the caller may take now (assign, start, submit_fix…).")
    )

    def get_steps(self, hazard: Hazard) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return hazard_steps_open(user=request.user, hazard=hazard)


class SuggestionSerializer(serializers.Serializer):
    """An open hazard nearby that the reporter may be seeing too."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField(source="category.code")
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    me_too_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


def serializer_context(request: Any) -> dict[str, Any]:
    return {"request": request, "now": timezone.now()}
