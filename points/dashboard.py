"""Safety points figures for the operations dashboard."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dashboard import Panel
from points.models import EntryKind, LedgerEntry, Voucher, VoucherStatus
from points.selectors import month_bounds


def points_rows(request: HttpRequest) -> list[tuple[Any, Any]]:
    """City-wide figures for this month: points earned and spent, vouchers issued and used."""
    start, end = month_bounds(timezone.localdate())
    month = Q(created_at__gte=start, created_at__lt=end)
    entries = LedgerEntry.objects.filter(month).aggregate(
        earned=Sum("amount", filter=Q(kind=EntryKind.EARN), default=0),
        redeemed=Sum("amount", filter=Q(kind=EntryKind.REDEEM), default=0),
        earners=Count("account", filter=Q(kind=EntryKind.EARN), distinct=True),
    )
    vouchers = Voucher.objects.filter(month).aggregate(
        issued=Count("id"), fulfilled=Count("id", filter=Q(status=VoucherStatus.FULFILLED))
    )
    return [
        (_("Points earned this month"), entries["earned"]),
        (_("Residents who earned points this month"), entries["earners"]),
        (_("Points redeemed this month"), -entries["redeemed"]),
        (_("Vouchers issued this month"), vouchers["issued"]),
        (_("Vouchers used this month"), vouchers["fulfilled"]),
    ]


POINTS_PANEL = Panel(key="points", title=_("Safety points"), rows=points_rows, order=30)
