"""Races on PostgreSQL, repeated: many threads (each its own connection) at one instant,
then the books are counted. Each scenario runs ``ROUNDS`` times on fresh rows, because a
race that is lost once in ten runs passes a single run.

Row locks and conditional UPDATEs are PostgreSQL's; SQLite queues every writer, so these
are skipped there (``.ci/run`` runs them on PostgreSQL). Other races live beside their
app and run on both: redemption's oversell and double tap (tests/points/
test_concurrency.py), 200 sign-ups for 50 places (tests/volunteers/test_concurrency.py),
20 retries of one report (tests/inspections/test_reporting.py) and 50 volunteers
accepting 3 places of a dispatch (tests/dispatch/test_answers.py).
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from rest_framework.test import APIClient

from grids.models import User
from inspections.models import EventKind, Hazard, HazardEvent
from inspections.services import hazard_report
from points.models import Account, LedgerEntry, Voucher
from points.selectors import ledger_audit
from tests.city import build_city
from tests.factories import (
    BuildingFactory,
    UserFactory,
    make_staff,
)
from tests.inspections.factories import HERE
from tests.points.factories import RewardFactory, give_points
from tests.threads import run_parallel
from tests.volunteers.factories import ActivityFactory, ProfileFactory
from volunteers.models import Signup, SignupStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = int(os.environ.get("SAFEGRID_RACE_ROUNDS", "5"))
THREADS = int(os.environ.get("SAFEGRID_RACE_THREADS", "24"))
HAZARDS = "/api/v1/hazards/"


@pytest.fixture(autouse=True)
def _postgres_only() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and conditional UPDATEs under load are PostgreSQL's")
    yield


def as_user(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def answers(results: list[Any]) -> list[tuple[int, Any]]:
    assert all(isinstance(result, tuple) for result in results), results
    return results


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_account_tapping_many_keys_at_once_never_overdraws(round_: int) -> None:
    resident = UserFactory(home_building=BuildingFactory())
    give_points(resident, 350)
    reward = RewardFactory(cost=100, stock=None)
    url = f"/api/v1/rewards/{reward.pk}/redeem/"

    results = answers(
        run_parallel(
            THREADS,
            lambda i: (
                (r := as_user(resident).post(url, HTTP_IDEMPOTENCY_KEY=f"k{i}")).status_code,
                r.json(),
            ),
        )
    )

    assert Counter(status for status, _ in results) == {201: 3, 400: THREADS - 3}
    assert {body["code"] for status, body in results if status == 400} == {"insufficient_points"}
    account = Account.objects.get(user=resident)
    assert account.balance == 50
    entries = LedgerEntry.objects.filter(account=account)
    assert entries.aggregate(total=Sum("amount"))["total"] == account.balance
    assert Voucher.objects.filter(user=resident).count() == 3
    assert ledger_audit() == []


def report_payload(category: str, client_uuid: str) -> dict[str, Any]:
    return {
        "category": category,
        "description": "楼道堆放杂物，堵塞消防通道",
        "lat": HERE[0],
        "lng": HERE[1],
        "client_uuid": client_uuid,
    }


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_client_uuid_from_many_threads_files_one_hazard(round_: int) -> None:
    city = build_city()
    resident = city.resident
    payload = report_payload(city.category.code, str(uuid.uuid4()))

    results = answers(
        run_parallel(
            THREADS,
            lambda i: (
                (r := as_user(resident).post(HAZARDS, payload, format="json")).status_code,
                r.json(),
            ),
        )
    )

    assert Counter(status for status, _ in results) == {201: 1, 200: THREADS - 1}
    assert {body["id"] for _, body in results} == {Hazard.objects.get().pk}
    assert HazardEvent.objects.filter(kind=EventKind.TRANSITION).count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_racing_steps_on_one_hazard_exactly_one_wins(round_: int) -> None:
    # Given a reported hazard and its community's staff, all on the page at version 1
    city = build_city()
    worker = city.worker
    staff = [city.staff, *(make_staff(city.community) for _ in range(3))]
    hazard = hazard_report(
        user=city.resident,
        category_code=city.category.code,
        description="消防栓被遮挡",
        lat=HERE[0],
        lng=HERE[1],
    ).hazard
    base = f"/api/v1/hazards/{hazard.pk}"

    # When half of them assign it and half reject it, at the same instant
    def step(i: int) -> tuple[int, Any]:
        if i % 2:
            body: dict[str, Any] = {"version": hazard.version, "reason": "不属于本社区"}
            response = as_user(staff[i % 4]).post(f"{base}/reject/", body, format="json")
        else:
            body = {"version": hazard.version, "assignee": worker.pk}
            response = as_user(staff[i % 4]).post(f"{base}/assign/", body, format="json")
        return response.status_code, response.json()

    results = answers(run_parallel(THREADS, step))

    # Then one step happened, once; everyone else is told who won, with a 409
    assert Counter(status for status, _ in results) == {200: 1, 409: THREADS - 1}
    [winner] = [body for status, body in results if status == 200]
    losers = [body for status, body in results if status == 409]
    assert {body["code"] for body in losers} == {"conflict"}
    assert {body["current"]["status"] for body in losers} == {winner["status"]}
    hazard.refresh_from_db()
    assert hazard.version == 2 and hazard.status == winner["status"]
    assert HazardEvent.objects.filter(hazard=hazard, kind=EventKind.TRANSITION).count() == 2


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_sign_ups_and_cancellations_at_once_keep_every_place_filled_once(round_: int) -> None:
    # Given an activity of 5 places, full, with 5 people waiting
    activity = ActivityFactory(capacity=5)
    first = [ProfileFactory(community=activity.community) for _ in range(10)]
    for profile in first:
        as_user(profile.user).post(f"/api/v1/volunteers/activities/{activity.pk}/signup/")
    newcomers = [ProfileFactory(community=activity.community) for _ in range(THREADS - 5)]

    # When the 5 with a place cancel while the newcomers sign up, all at once
    def act(i: int) -> tuple[int, Any]:
        if i < 5:
            url = f"/api/v1/volunteers/activities/{activity.pk}/cancel/"
            response = as_user(first[i].user).post(url)
        else:
            url = f"/api/v1/volunteers/activities/{activity.pk}/signup/"
            response = as_user(newcomers[i - 5].user).post(url)
        return response.status_code, response.json()

    results = answers(run_parallel(THREADS, act))

    # Then the places are full, the first five waiting moved up, and every newcomer
    # waits with a queue number of their own, after those already waiting
    assert Counter(status for status, _ in results) == {200: 5, 201: THREADS - 5}
    rows = Signup.objects.filter(activity=activity)
    confirmed = set(rows.filter(status=SignupStatus.CONFIRMED).values_list("profile", flat=True))
    assert confirmed == {profile.pk for profile in first[5:]}
    waiting = rows.filter(status=SignupStatus.WAITING).order_by("waiting_position")
    assert set(waiting.values_list("profile", flat=True)) == {p.pk for p in newcomers}
    positions = list(waiting.values_list("waiting_position", flat=True))
    assert len(set(positions)) == len(positions) == THREADS - 5
    assert rows.values("profile").distinct().count() == rows.count() == 10 + THREADS - 5
