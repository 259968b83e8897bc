"""Operators create keys (the key is shown once, in a message) and revoke them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.open311.models import ApiKey, Open311Submission
from inspections.open311.services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "rate_limit_per_minute", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix", "contact"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        editable = ("name", "rate_limit_per_minute", "contact")
        if obj is None:
            return editable
        return (*editable, "key_prefix", "is_active", "created_at", "revoked_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiKey | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("name", "key_prefix", "is_active", "created_at", "revoked_at")

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # revoke instead: submissions keep pointing at the key that sent them

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, raw_key = api_key_create(
            name=obj.name, rate_limit_per_minute=obj.rate_limit_per_minute, contact=obj.contact
        )
        obj.pk = api_key.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("API key of %(name)s (copy it now, it will not be shown again): %(key)s")
            % {"name": api_key.name, "key": raw_key},
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(name=api_key.name)
        self.message_user(request, _("Revoked %(count)d keys.") % {"count": queryset.count()})


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin):
    """What apps sent with each report, personal details included: staff eyes only."""

    list_display = ["hazard", "api_key", "created_at"]
    list_filter = ["api_key"]
    list_select_related = ["hazard", "api_key"]
    search_fields = ["hazard__number", "token"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Open311Submission | None = None
    ) -> tuple[str, ...]:
        return tuple(field.name for field in Open311Submission._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
