"""Categories and patrol checklists (edited here), and inspections (read here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grids.display import local_short, person_name
from inspections.admin.common import ReadOnlyInline
from inspections.models import Category, ChecklistItem, ChecklistTemplate, Inspection, ItemResult
from inspections.selectors import inspection_list


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "default_risk_colour",
        "default_is_major",
        "is_active",
    ]
    list_filter = ["default_risk_colour", "default_is_major", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["position", "code", "text", "category"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["site_kind", "name", "is_active"]
    inlines = [ChecklistItemInline]


class ItemResultInline(ReadOnlyInline):
    model = ItemResult
    fields = readonly_fields = ("item", "outcome", "note", "hazard")


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["pk", "worker_name", "grid", "building", "enterprise", "started", "finished"]
    list_filter = ["started_at", "template"]
    list_select_related = ["worker", "grid", "building", "enterprise"]
    inlines = [ItemResultInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inspection]:
        visible = inspection_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Inspection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("worker"), ordering="worker__display_name")
    def worker_name(self, inspection: Inspection) -> str:
        return person_name(inspection.worker)

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, inspection: Inspection) -> str:
        return local_short(inspection.started_at)

    @admin.display(description=_("finished at"), ordering="finished_at")
    def finished(self, inspection: Inspection) -> str:
        return local_short(inspection.finished_at)
