"""Filters for the activity and approval lists (used by ``selectors``)."""

from __future__ import annotations

import math
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.models import Activity, ActivityKind, Signup

METRES_PER_DEGREE = 111_320.0
NEAR_RADIUS_MAX_M = 50_000


def near_box(queryset: QuerySet[Any], lat: float, lng: float, radius_m: float) -> QuerySet[Any]:
    """Rows in the box around a point, on the (lat, lng) columns: enough for 'near me'."""
    if not 0 < radius_m <= NEAR_RADIUS_MAX_M:
        raise ValidationError({"radius": _("Choose a radius between 1 m and 50 km.")})
    dlat = radius_m / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return queryset.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    community = django_filters.NumberFilter(field_name="community_id")
    lat = django_filters.NumberFilter(method="near", help_text=_("With lng: activities near here."))
    lng = django_filters.NumberFilter(method="near")
    radius = django_filters.NumberFilter(
        method="near", help_text=_("Metres around lat/lng (default 5,000, at most 50,000).")
    )

    class Meta:
        model = Activity
        fields = ["kind", "community"]

    def near(self, queryset: QuerySet[Activity], name: str, value: Any) -> QuerySet[Activity]:
        data = self.form.cleaned_data
        lat, lng = data.get("lat"), data.get("lng")
        if name != "lat":
            return queryset  # applied once, from lat
        if lat is None or lng is None:
            raise ValidationError({"lng": _("Give both lat and lng to look near a place.")})
        radius = data.get("radius")
        return near_box(
            queryset, float(lat), float(lng), 5000.0 if radius is None else float(radius)
        )


class ApprovalFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(field_name="activity__community_id")
    overdue = django_filters.BooleanFilter(
        method="waiting_long", help_text=_("Only hours waiting more than 7 days.")
    )

    class Meta:
        model = Signup
        fields = ["community"]

    def waiting_long(self, queryset: QuerySet[Signup], name: str, value: bool) -> QuerySet[Signup]:
        from volunteers.selectors import APPROVAL_OVERDUE

        cutoff = timezone.now() - APPROVAL_OVERDUE
        if value:
            return queryset.filter(checked_out_at__lt=cutoff)
        return queryset.filter(checked_out_at__gte=cutoff)


def filtered(filterset_class: type[django_filters.FilterSet], data: Any, queryset: QuerySet) -> Any:
    filterset = filterset_class(data or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
