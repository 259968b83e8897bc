"""Awards still owed or recently paid (``points.awards``), read-only.

A pending row is an award that a crash or a failure left unpaid; ``manage.py
points_drain_awards`` pays it. Nothing here changes a row: the ledger is the record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grids.display import local_short, person_name
from points.admin.ledger import ReadOnlyMixin
from points.models import PendingAward


class PendingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("pending", _("Pending")), ("done", _("Done"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PendingAward]
    ) -> QuerySet[PendingAward]:
        if self.value() in ("pending", "done"):
            return queryset.filter(done_at__isnull=self.value() == "pending")
        return queryset


@admin.register(PendingAward)
class PendingAwardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created", "holder", "kind", "source", "state", "unpaid_reason", "attempts"]
    list_filter = [PendingFilter, "kind", "unpaid_reason"]
    search_fields = ["source"]
    list_select_related = ["user"]
    readonly_fields = fields = (
        "holder",
        "kind",
        "source",
        "note",
        "created",
        "done",
        "entry",
        "unpaid_reason",
        "attempts",
        "last_error",
    )

    @admin.display(description=_("user"))
    def holder(self, row: PendingAward) -> str:
        return person_name(row.user)

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, row: PendingAward) -> str:
        return local_short(row.created_at)

    @admin.display(description=_("done at"), ordering="done_at")
    def done(self, row: PendingAward) -> str:
        return local_short(row.done_at)

    @admin.display(description=_("state"))
    def state(self, row: PendingAward) -> str:
        return str(_("Done") if row.done_at else _("Pending"))
