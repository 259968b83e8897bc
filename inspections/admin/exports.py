"""Export of the (filtered, scoped) hazard list: columns in words, headers translated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import resources

from config.exports import export_column
from grids.display import local_minute, person_name
from grids.models import RiskColour
from inspections.models import Hazard, HazardSource


class HazardResource(resources.ModelResource):
    """One row per hazard, as a staff member reads the list (never the reporter's phone)."""

    number = export_column(_("number"), "dehydrate_number")
    category = export_column(_("category"), "dehydrate_category")
    status = export_column(_("status"), "dehydrate_status")
    risk = export_column(_("risk grade"), "dehydrate_risk")
    major = export_column(_("major hazard"), "dehydrate_major")
    source = export_column(_("source"), "dehydrate_source")
    district = export_column(_("district"), "dehydrate_district")
    community = export_column(_("community"), "dehydrate_community")
    grid = export_column(_("grid"), "dehydrate_grid")
    address = export_column(_("address"), "dehydrate_address")
    description = export_column(_("description"), "dehydrate_description")
    reporter = export_column(_("reporter"), "dehydrate_reporter")
    assignee = export_column(_("assignee"), "dehydrate_assignee")
    reported_at = export_column(_("reported at"), "dehydrate_reported_at")
    due_at = export_column(_("deadline"), "dehydrate_due_at")
    closed_at = export_column(_("closed at"), "dehydrate_closed_at")
    escalation_level = export_column(_("escalation level"), "dehydrate_escalation_level")

    class Meta:
        model = Hazard
        fields = [
            "number", "category", "status", "risk", "major", "source", "district", "community",
            "grid", "address", "description", "reporter", "assignee", "reported_at", "due_at",
            "closed_at", "escalation_level",
        ]  # fmt: skip
        export_order = fields

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        return queryset.select_related(
            "category", "community__district", "grid", "reporter", "assignee"
        ).order_by("-created_at", "-id")

    def dehydrate_number(self, hazard: Hazard) -> str:
        return hazard.number

    def dehydrate_category(self, hazard: Hazard) -> str:
        return hazard.category.localized_name()

    def dehydrate_status(self, hazard: Hazard) -> str:
        return str(hazard.get_status_display())

    def dehydrate_risk(self, hazard: Hazard) -> str:
        return str(RiskColour(hazard.risk_colour).label)

    def dehydrate_major(self, hazard: Hazard) -> str:
        return str(_("yes") if hazard.is_major else _("no"))

    def dehydrate_source(self, hazard: Hazard) -> str:
        return str(hazard.get_source_display())

    def dehydrate_district(self, hazard: Hazard) -> str:
        return hazard.community.district.name

    def dehydrate_community(self, hazard: Hazard) -> str:
        return hazard.community.name

    def dehydrate_grid(self, hazard: Hazard) -> str:
        return hazard.grid.name if hazard.grid else ""

    def dehydrate_address(self, hazard: Hazard) -> str:
        return hazard.address

    def dehydrate_description(self, hazard: Hazard) -> str:
        return hazard.description

    def dehydrate_reporter(self, hazard: Hazard) -> str:
        if hazard.source == HazardSource.WHISTLEBLOWER:
            return str(_("anonymous whistleblower"))
        return person_name(hazard.reporter) if hazard.reporter else ""

    def dehydrate_assignee(self, hazard: Hazard) -> str:
        return person_name(hazard.assignee) if hazard.assignee else ""

    def dehydrate_reported_at(self, hazard: Hazard) -> str:
        return local_minute(hazard.created_at)

    def dehydrate_due_at(self, hazard: Hazard) -> str:
        return local_minute(hazard.due_at)

    def dehydrate_closed_at(self, hazard: Hazard) -> str:
        return local_minute(hazard.closed_at) if hazard.closed_at else ""

    def dehydrate_escalation_level(self, hazard: Hazard) -> int:
        return hazard.escalation_level
