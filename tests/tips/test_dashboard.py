"""The programme's figures on the dashboard: counts and durations, for handlers only,
their districts only, with purged tips still counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client, RequestFactory
from django.utils import timezone

from config.dashboard import Figure, Table, dashboard_filters
from inspections.tips.dashboard import tips_blocks
from inspections.tips.models import Tip, TipFigure
from tests.tips.conftest import TipCity


def _blocks(user: Any) -> list[Any]:
    request = RequestFactory().get("/admin/dashboard/")
    request.user = user
    return tips_blocks(dashboard_filters(request)[1])


def _tip(
    submit: Callable[..., Any],
    *,
    days_ago: int,
    acked_after: int | None,
    closed_after: int | None,
    outcome: str = "",
) -> Tip:
    tip = submit().tip
    received = timezone.localdate() - timedelta(days=days_ago)
    Tip.objects.filter(pk=tip.pk).update(
        received_on=received,
        acknowledged_on=received + timedelta(days=acked_after) if acked_after is not None else None,
        closed_on=received + timedelta(days=closed_after) if closed_after is not None else None,
        status="closed"
        if closed_after is not None
        else ("acknowledged" if acked_after is not None else "new"),
        outcome=outcome,
    )
    return tip


def test_the_figures_are_computed_from_live_and_purged_tips(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    _tip(submit, days_ago=20, acked_after=2, closed_after=10, outcome="substantiated")
    _tip(submit, days_ago=20, acked_after=9, closed_after=14, outcome="unsubstantiated")
    _tip(submit, days_ago=3, acked_after=None, closed_after=None)
    TipFigure.objects.create(
        month=timezone.localdate().replace(day=1),
        district=tip_city.district,
        outcome="substantiated",
        count=1,
        acknowledged_in_time=1,
    )

    blocks = _blocks(tip_city.handler)

    figures = {str(b.label): b.value for b in blocks if isinstance(b, Figure)}
    assert figures == {
        "Tips received": "4",
        "Acknowledged within 7 days": "50.0%",
        "Median time to acknowledge": "5.5 days",
        "Median time to close": "12 days",
        "Substantiated": "66.7%",
    }
    tables = {str(b.title): b.rows for b in blocks if isinstance(b, Table)}
    assert tables["Tips per enterprise"] == [["宏达化工有限公司", 3, 1]]
    assert "车间" not in repr(blocks)


def test_only_handlers_see_the_panel_and_only_for_their_districts(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    _tip(submit, days_ago=1, acked_after=None, closed_after=None)

    for outsider in (tip_city.staff, tip_city.admin, tip_city.manager):
        assert _blocks(outsider) == []
    other = {
        str(b.label): b.value for b in _blocks(tip_city.other_handler) if isinstance(b, Figure)
    }
    assert other["Tips received"] == "0"


def test_the_dashboard_page_shows_the_panel_to_a_handler(
    tip_city: TipCity, submit: Callable[..., Any]
) -> None:
    submit()
    browser = Client()
    browser.force_login(tip_city.handler)

    page = browser.get("/admin/dashboard/")

    assert page.status_code == 200
    assert "Whistleblower programme" in page.content.decode()
