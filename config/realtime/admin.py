from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from config.realtime.catalogue import private_event_type_names
from config.realtime.models import Event, EventAudience


class EventAudienceInline(admin.TabularInline):
    model = EventAudience
    extra = 0
    readonly_fields = ["group"]
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is what clients replay from, so nobody edits it by hand."""

    list_display = ["id", "type", "created_at", "published_at"]
    list_filter = ["type"]
    date_hierarchy = "created_at"
    readonly_fields = ["type", "version", "data", "created_at", "published_at"]
    inlines = [EventAudienceInline]

    def get_queryset(self, request: Any) -> QuerySet[Event]:
        # Private types reach their audience over the websocket, never this screen.
        return super().get_queryset(request).exclude(type__in=private_event_type_names())

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
