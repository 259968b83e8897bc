"""Admin screens: staff set earning rules and rewards; balances change only through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException

from points.models import Account, EarningRule, LedgerEntry, Reward, Voucher
from points.services import voucher_fulfil


class ReadOnlyMixin:
    """The ledger is append-only: shown, never added to or edited by hand here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "points", "daily_cap", "monthly_cap", "active", "created_at"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "cost",
        "stock",
        "per_person_limit",
        "valid_until",
        "active",
    ]
    list_filter = ["active"]
    search_fields = ["name_zh", "name_en"]
    autocomplete_fields = ["communities"]


class LedgerEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = LedgerEntry
    fields = ["created_at", "kind", "amount", "balance_after", "reason", "source", "created_by"]
    readonly_fields = ["created_at", "kind", "amount", "balance_after", "reason", "source"]
    readonly_fields += ["created_by"]
    ordering = ["-id"]
    extra = 0
    show_change_link = False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["user", "balance", "leaderboard_opt_in", "updated_at"]
    search_fields = ["user__username", "user__display_name", "user__phone"]
    list_select_related = ["user"]
    readonly_fields = ["user", "balance", "leaderboard_opt_in", "updated_at"]
    inlines = [LedgerEntryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "reward", "user", "status", "cost", "created_at", "expires_at"]
    list_filter = ["status", "reward"]
    search_fields = ["code", "user__username", "user__display_name"]
    list_select_related = ["reward", "user"]
    readonly_fields = [field.name for field in Voucher._meta.fields]
    actions = ["fulfil"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Fulfil the selected vouchers (reward handed over)"))
    def fulfil(self, request: HttpRequest, queryset: QuerySet[Voucher]) -> None:
        done = 0
        for voucher in queryset:
            try:
                voucher_fulfil(code=voucher.code, by=request.user)
                done += 1
            except (APIException, PermissionDenied) as error:
                self.message_user(request, f"{voucher.code}: {error}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(count)d vouchers fulfilled.") % {"count": done}, messages.SUCCESS
            )
