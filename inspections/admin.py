"""Admin screens: categories and checklists are edited here; hazards are read here and
moved only through the API's transitions (which keep the timeline and the rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from inspections.models import (
    OPEN_STATUSES,
    Category,
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    Inspection,
    ItemResult,
    Photo,
)
from inspections.selectors import hazard_visible


def thumbnail_tag(photo_id: int | None) -> str:
    if photo_id is None:
        return "—"
    from django.urls import reverse

    url = reverse("hazard-photo-file", kwargs={"pk": photo_id, "size": "thumbnail"})
    return format_html('<img src="{}" style="max-height:80px;max-width:120px" alt="">', url)


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


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HazardEventInline(ReadOnlyInline):
    model = HazardEvent
    fields = readonly_fields = ("created_at", "kind", "actor", "from_status", "to_status", "note")
    verbose_name_plural = _("timeline")


class PhotoInline(ReadOnlyInline):
    model = Photo
    fk_name = "hazard"
    fields = readonly_fields = (
        "preview", "stage", "width", "height", "taken_at", "uploaded_by", "created_at",
    )  # fmt: skip

    @admin.display(description=_("photo"))
    def preview(self, photo: Photo) -> str:
        return thumbnail_tag(photo.pk)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("On time or finished"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        overdue = {"status__in": OPEN_STATUSES, "due_at__lt": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    list_display = [
        "number", "cover", "category", "status", "risk_colour", "is_major", "community",
        "grid", "assignee", "due_at", "escalation_level", "me_too_count", "created_at",
    ]  # fmt: skip
    list_filter = [
        "status", OverdueFilter, "risk_colour", "is_major", "source", "category",
        "escalation_level", "created_at",
    ]  # fmt: skip
    list_select_related = ["category", "community", "grid", "assignee"]
    search_fields = ["number", "description", "address"]
    date_hierarchy = "created_at"
    inlines = [PhotoInline, HazardEventInline]
    exclude = ["cover_photo"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Hazard._meta.fields if field.name != "cover_photo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hazard]:
        visible = hazard_visible(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def cover(self, hazard: Hazard) -> str:
        return thumbnail_tag(hazard.cover_photo_id)


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
    list_display = ["pk", "worker", "grid", "building", "enterprise", "started_at", "finished_at"]
    list_filter = ["started_at", "template"]
    list_select_related = ["worker", "grid", "building", "enterprise"]
    inlines = [ItemResultInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Inspection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
