"""The whistleblower programme on the dashboard: counts and durations, never content.

Shown to tip handlers only (city-wide handlers: the whole city; others their districts),
within the districts the reader picked. Purged tips still count through ``TipFigure``.
Durations are in days, the only precision the programme stores.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from config.dashboard import Block, DashboardFilters, Figure, Panel, Table, percent, ratio
from grids.models import Community
from grids.selectors import user_is_tip_handler, user_tip_district_ids
from inspections.tips.models import Tip, TipFigure, TipOutcome, TipStatus

ACKNOWLEDGED_IN_TIME_TARGET = 1.0
TOP_ENTERPRISES = 10


def _district_q(filters: DashboardFilters, path: str = "district_id") -> Q:
    """The reader's handler districts, narrowed to the district or community picked."""
    handled = user_tip_district_ids(filters.user)
    places = filters.places
    picked = places.district_id
    if places.community_id:
        picked = (
            Community.objects.filter(pk=places.community_id)
            .values_list("district_id", flat=True)
            .first()
        )
    ids = handled if picked is None else [picked] if handled is None or picked in handled else []
    return Q() if ids is None else Q(**{f"{path}__in": ids})


def _days(pairs: list[tuple[Any, Any]]) -> float | None:
    # Tips are counted in hundreds, not millions: the day differences fit in memory.
    values = [(end - start).days for start, end in pairs if start and end]
    return statistics.median(values) if values else None


def tips_blocks(filters: DashboardFilters) -> list[Block]:
    if not user_is_tip_handler(filters.user):
        return []
    scope = _district_q(filters)
    day_range = {"received_on__gte": filters.date_from, "received_on__lte": filters.date_to}
    tips = Tip.objects.filter(scope, **day_range)
    live = tips.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_on__isnull=False)),
        substantiated=Count("pk", filter=Q(outcome=TipOutcome.SUBSTANTIATED)),
        decided=Count("pk", filter=~Q(outcome="")),
    )
    pairs = list(tips.values_list("received_on", "acknowledged_on"))
    in_time = sum(1 for received, acked in pairs if acked and (acked - received).days <= 7)
    purged = TipFigure.objects.filter(
        scope, month__gte=filters.date_from.replace(day=1), month__lte=filters.date_to
    ).aggregate(
        total=Sum("count"),
        in_time=Sum("acknowledged_in_time"),
        substantiated=Sum("count", filter=Q(outcome=TipOutcome.SUBSTANTIATED)),
        decided=Sum("count", filter=~Q(outcome="")),
    )
    total = live["total"] + (purged["total"] or 0)
    acknowledged_share = ratio(in_time + (purged["in_time"] or 0), total)
    substantiated_share = ratio(
        live["substantiated"] + (purged["substantiated"] or 0),
        live["decided"] + (purged["decided"] or 0),
    )
    to_ack = _days(pairs)
    to_close = _days(list(tips.values_list("received_on", "closed_on")))
    by_status = dict(tips.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [
        Figure(label=_("Tips received"), value=f"{total:,}", note=_("including purged tips")),
        Figure(
            label=_("Acknowledged within 7 days"),
            value=percent(acknowledged_share),
            target=_("100% (EU directive)"),
            meets=None
            if acknowledged_share is None
            else acknowledged_share >= ACKNOWLEDGED_IN_TIME_TARGET,
        ),
        Figure(label=_("Median time to acknowledge"), value=_days_words(to_ack)),
        Figure(label=_("Median time to close"), value=_days_words(to_close)),
        Figure(
            label=_("Substantiated"),
            value=percent(substantiated_share),
            note=_("of tips with an outcome"),
        ),
        Table(
            title=_("Tips by status"),
            columns=[_("status"), _("number of tips")],
            rows=[[label, by_status.get(value, 0)] for value, label in TipStatus.choices],
            numeric={1},
        ),
        Table(
            title=_("Tips per enterprise"),
            columns=[_("enterprise or site"), _("number of tips"), _("substantiated")],
            rows=_per_enterprise(tips),
            numeric={1, 2},
        ),
    ]


def _days_words(days: float | None) -> str:
    return "—" if days is None else str(_("%(days)s days")) % {"days": f"{days:g}"}


def _per_enterprise(tips: Any) -> list[list[Any]]:
    rows = (
        tips.exclude(enterprise=None)
        .values("enterprise__name")
        .annotate(
            n=Count("pk"), substantiated=Count("pk", filter=Q(outcome=TipOutcome.SUBSTANTIATED))
        )
        .order_by("-n", "enterprise__name")[:TOP_ENTERPRISES]
    )
    return [[row["enterprise__name"], row["n"], row["substantiated"]] for row in rows]


TIPS_PANEL = Panel(
    key="tips.programme", title=_("Whistleblower programme"), blocks=tips_blocks, order=60
)
