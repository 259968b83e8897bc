"""Accounts and the ledger (read, scoped, exported) and the points adjustment form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.exports import ReadableExportMixin
from grids.display import local_short, mask_phone, person_name
from points.admin.exports import LedgerEntryResource
from points.models import Account, LedgerEntry
from points.selectors import staff_account_list, staff_ledger_list, staff_resident_find
from points.services import InsufficientPoints, points_adjust

ADJUST_LIMIT = 100_000


class ReadOnlyMixin:
    """The ledger is append-only: shown, never added to or edited by hand here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LedgerEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = LedgerEntry
    fields = readonly_fields = ("when", "kind", "amount", "balance_after", "reason", "by")
    ordering = ["-id"]
    extra = 0
    show_change_link = False

    @admin.display(description=_("created at"))
    def when(self, entry: LedgerEntry) -> str:
        return local_short(entry.created_at)

    @admin.display(description=_("created by"))
    def by(self, entry: LedgerEntry) -> str:
        return person_name(entry.created_by) if entry.created_by_id else "—"


class AdjustmentForm(forms.Form):
    resident = forms.CharField(
        label=_("Resident"),
        max_length=64,
        help_text=_("Their mobile number or username; only residents of your communities."),
    )
    amount = forms.IntegerField(
        label=_("Points"),
        min_value=-ADJUST_LIMIT,
        max_value=ADJUST_LIMIT,
        help_text=_("Positive adds points, negative takes them away (never below zero)."),
    )
    note = forms.CharField(
        label=_("Why (required; the resident sees it in their history)"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@admin.register(Account)
class AccountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["holder", "phone", "balance", "leaderboard_opt_in", "updated"]
    search_fields = ["user__display_name", "user__phone", "user__username"]
    search_help_text = _("Name, full phone number or username")
    list_select_related = ["user"]
    fields = readonly_fields = ("holder", "phone", "balance", "leaderboard_opt_in", "updated")
    inlines = [LedgerEntryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        mine = staff_account_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=mine)

    @admin.display(description=_("account holder"), ordering="user__display_name")
    def holder(self, account: Account) -> str:
        return person_name(account.user)

    @admin.display(description=_("mobile phone"))
    def phone(self, account: Account) -> str:
        return mask_phone(account.user.phone) if account.user.phone else "—"

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, account: Account) -> str:
        return local_short(account.updated_at)

    def get_urls(self) -> list[Any]:
        adjust = path("adjust/", self.admin_site.admin_view(self.adjust_view), name="points_adjust")
        return [adjust, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {"adjust_url": reverse("admin:points_adjust")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def adjust_view(self, request: HttpRequest) -> HttpResponse:
        """Add or take away points with a note, through ``points_adjust`` (as the API)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AdjustmentForm(request.POST or None, initial={"resident": request.GET.get("who")})
        if request.method == "POST" and form.is_valid():
            done = self._adjust(request, form)
            if done:
                return redirect(reverse("admin:points_adjust"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Adjust a resident's points"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/points/adjust.html", context)

    def _adjust(self, request: HttpRequest, form: AdjustmentForm) -> bool:
        data = form.cleaned_data
        resident = staff_resident_find(user=request.user, who=data["resident"])
        if resident is None:
            unknown = gettext("No resident of your communities has this number or username.")
            form.add_error("resident", unknown)
            return False
        try:
            entry = points_adjust(
                user=resident, amount=data["amount"], note=data["note"], by=request.user
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            return False
        except InsufficientPoints as error:
            form.add_error("amount", str(error.detail))
            return False
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return False
        message = gettext("%(name)s: %(amount)+d points, balance now %(balance)d.") % {
            "name": person_name(resident),
            "amount": entry.amount,
            "balance": entry.balance_after,
        }
        self.message_user(request, message, messages.SUCCESS)
        return True


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMixin, ReadableExportMixin, admin.ModelAdmin):
    resource_classes = [LedgerEntryResource]
    list_display = ["when", "holder", "kind", "amount", "balance_after", "reason", "by"]
    list_filter = ["kind", "created_at"]
    search_fields = ["account__user__display_name", "account__user__phone", "reason", "source"]
    list_select_related = ["account__user", "created_by"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        mine = staff_ledger_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=mine)

    @admin.display(description=_("created at"), ordering="created_at")
    def when(self, entry: LedgerEntry) -> str:
        return local_short(entry.created_at)

    @admin.display(description=_("account holder"), ordering="account__user__display_name")
    def holder(self, entry: LedgerEntry) -> str:
        return person_name(entry.account.user)

    @admin.display(description=_("created by"))
    def by(self, entry: LedgerEntry) -> str:
        return person_name(entry.created_by) if entry.created_by_id else "—"
