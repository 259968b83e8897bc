"""Safety points figures of the dashboard: issued and redeemed, for the reader's places."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dashboard import Block, DashboardFilters, Figure, Panel, Trend, admin_link, week_of
from config.db import grouped_with_total
from points.models import EntryKind, LedgerEntry, Voucher, VoucherStatus

ISSUED = Q(kind=EntryKind.EARN) | Q(kind=EntryKind.ADJUST, amount__gt=0)
# A refund gives back what a redemption took: redeemed is the net of the two.
SPENT = Q(kind__in=[EntryKind.REDEEM, EntryKind.REFUND])


def _entries(filters: DashboardFilters) -> QuerySet[LedgerEntry]:
    """Entries of residents whose home is in the reader's places (never city-wide to staff)."""
    return LedgerEntry.objects.filter(
        filters.community_q("account__user__home_building__community_id"),
        **filters.created_range(),
    )


def points_blocks(filters: DashboardFilters) -> list[Block]:
    weeks, totals = grouped_with_total(
        _entries(filters),
        group="week",
        by=TruncWeek("created_at"),
        aggregates={
            "issued": Sum("amount", filter=ISSUED, default=0),
            "spent": Sum("amount", filter=SPENT, default=0),
            "earners": Count("account", filter=Q(kind=EntryKind.EARN), distinct=True),
        },
    )
    weekly = {week_of(row["week"]): row for row in weeks}
    vouchers = Voucher.objects.filter(
        filters.community_q("user__home_building__community_id"),
        fulfilled_at__gte=filters.start,
        fulfilled_at__lt=filters.end,
        status=VoucherStatus.FULFILLED,
    ).count()
    link = {
        "created_at__gte": filters.date_from.isoformat(),
        "created_at__lt": (filters.date_to + timedelta(days=1)).isoformat(),
    }
    return [
        Figure(
            label=_("Points issued"),
            value=f"{totals['issued']:,}",
            target=_("no target: a measure of residents taking part"),
            trend=Trend(filters.weeks, [_of(weekly, w, "issued") for w in filters.weeks]),
            link=admin_link("admin:points_ledgerentry_changelist", link),
            note=_("%(count)s residents earned points") % {"count": f"{totals['earners']:,}"},
        ),
        Figure(
            label=_("Points redeemed"),
            value=f"{-totals['spent']:,}",
            target=_("no target"),
            trend=Trend(filters.weeks, [-_of(weekly, w, "spent") for w in filters.weeks]),
            link=admin_link(
                "admin:points_ledgerentry_changelist", {**link, "kind__exact": EntryKind.REDEEM}
            ),
            note=_("%(count)s rewards handed over") % {"count": f"{vouchers:,}"},
        ),
    ]


def _of(weekly: dict[Any, Any], week: Any, key: str) -> int:
    row = weekly.get(week)
    return int(row[key]) if row else 0


POINTS_PANEL = Panel(
    key="points", title=gettext_lazy("Safety points"), blocks=points_blocks, order=30
)
