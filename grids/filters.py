"""Filters for the place lists (used by the list views through DjangoFilterBackend)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from config.api.flags import FlagFilter
from config.api.ids import IdFilter
from grids.models import Building, Community, Enterprise, Grid, RiskColour


class CommunityFilter(django_filters.FilterSet):
    district = IdFilter(field_name="district_id", label=_("District id"))

    class Meta:
        model = Community
        fields = ["district"]


class GridFilter(django_filters.FilterSet):
    community = IdFilter(field_name="community_id", label=_("Community id"))
    district = IdFilter(field_name="community__district_id", label=_("District id"))
    is_active = FlagFilter(label=_("Active (not retired)"))

    class Meta:
        model = Grid
        fields = ["community", "district", "is_active"]


class BuildingFilter(django_filters.FilterSet):
    community = IdFilter(field_name="community_id", label=_("Community id"))
    grid = IdFilter(field_name="grid_id", label=_("Grid id"))
    search = django_filters.CharFilter(method="filter_search", label=_("Name or address"))

    class Meta:
        model = Building
        fields = ["community", "grid"]

    def filter_search(self, queryset: QuerySet[Building], name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


class EnterpriseFilter(django_filters.FilterSet):
    community = IdFilter(field_name="community_id", label=_("Community id"))
    grid = IdFilter(field_name="grid_id", label=_("Grid id"))
    risk_colour = django_filters.ChoiceFilter(choices=RiskColour.choices, label=_("Risk grade"))
    is_blacklisted = FlagFilter(label=_("Blacklisted"))
    kind = django_filters.CharFilter(label=_("Kind of site"))
    search = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))

    class Meta:
        model = Enterprise
        fields = ["community", "grid", "risk_colour", "is_blacklisted", "kind"]

    def filter_search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value))
