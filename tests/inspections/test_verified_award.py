"""Closing a resident's report owes them points through points.awards, after commit for
real (no captured callbacks): a failing award never turns the committed close into a 500
and is retried by the drain; no active rule means nothing is owed, now or later."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

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


def _ledger_insert_fails(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """A database that refuses the ledger write (a real error at the driver's edge)."""
    if sql.startswith('INSERT INTO "points_ledgerentry"'):
        raise OperationalError("the ledger is unavailable")
    return execute(sql, params, many, context)


def test_a_failing_award_leaves_the_close_committed_and_the_award_pending(
    city: Any, report: Any, client_for: Any
) -> None:
    EarningRule.objects.create(kind="hazard_verified", points=10)
    hazard = report()
    _to_awaiting(city, hazard, client_for, photo=True)

    with connection.execute_wrapper(_ledger_insert_fails):
        response = act(client_for(city.staff), hazard, "close")

    assert (response.status_code, response.json()["status"]) == (200, "closed")
    assert Hazard.objects.get().status == "closed"
    row = PendingAward.objects.get()
    assert (row.done_at, row.attempts, row.last_error) == (
        None,
        1,
        "OperationalError: the ledger is unavailable",
    )
    assert LedgerEntry.objects.count() == 0

    call_command("points_drain_awards", verbosity=0, stdout=StringIO())  # the retry

    assert list(LedgerEntry.objects.values_list("account__user", "amount")) == [
        (city.resident.pk, 10)
    ]
    assert PendingAward.objects.get().done_at is not None


def test_closing_without_an_active_rule_owes_nothing_later(
    city: Any, report: Any, client_for: Any
) -> None:
    hazard = report()  # no earning rule is active: the award is done, unpaid
    _to_awaiting(city, hazard, client_for, photo=True)

    response = act(client_for(city.staff), hazard, "close")

    assert (response.status_code, response.json()["status"]) == (200, "closed")
    row = PendingAward.objects.get()
    assert (row.done_at is not None, row.unpaid_reason) == (True, "no_active_rule")
    assert LedgerEntry.objects.count() == 0
