"""Closing a resident's report owes them points through points.awards, after commit for
real (no captured callbacks): a failing award never turns the committed close into a 500."""

from __future__ import annotations

from typing import Any

import pytest

from inspections.models import Hazard
from points.models import EarningRule, LedgerEntry, PendingAward
from tests.inspections.test_transitions import _to_awaiting, act

pytestmark = pytest.mark.django_db(transaction=True)


def test_closing_pays_the_reporter_after_commit(city: Any, report: Any, client_for: Any) -> None:
    EarningRule.objects.create(kind="hazard_verified", points=10)
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=True)

    response = act(client_for(city.staff), hazard, "close")

    assert response.status_code == 200
    row = PendingAward.objects.get()
    assert (row.user, row.source, row.note, row.done_at is not None) == (
        city.resident,
        f"hazard:{hazard.pk}:verified",
        hazard.number,
        True,
    )
    assert list(LedgerEntry.objects.values_list("account__user", "amount")) == [
        (city.resident.pk, 10)
    ]


def test_a_failing_award_leaves_the_close_committed_and_the_award_pending(
    city: Any, report: Any, client_for: Any
) -> None:
    hazard = report()  # no earning rule is active: the drain fails
    _to_awaiting(city, hazard, client_for, photo=True)

    response = act(client_for(city.staff), hazard, "close")

    assert (response.status_code, response.json()["status"]) == (200, "closed")
    assert Hazard.objects.get().status == "closed"
    assert PendingAward.objects.filter(done_at__isnull=True).count() == 1
    assert LedgerEntry.objects.count() == 0
