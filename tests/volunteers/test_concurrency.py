"""The issue's guarantees under real concurrency: threads, each with its own connection.

On PostgreSQL (``.ci/run``) the activity row lock orders the sign-ups; on SQLite the
IMMEDIATE transactions queue them. Both must give the same answer.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from config.realtime.models import Event
from grids.models import User
from points.models import EarnKind, LedgerEntry
from tests.factories import make_staff
from tests.points.factories import EarningRuleFactory
from tests.threads import run_parallel
from tests.volunteers.factories import ActivityFactory, ProfileFactory
from volunteers.models import HoursStatus, Signup, SignupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def post_as(user: User, url: str) -> tuple[int, dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(url, format="json")
    return response.status_code, response.json()


def test_200_concurrent_signups_for_50_places() -> None:
    activity = ActivityFactory(capacity=50)
    profiles = [ProfileFactory(community=activity.community) for _ in range(200)]
    url = f"/api/v1/volunteers/activities/{activity.pk}/signup/"

    results = run_parallel(200, lambda i: post_as(profiles[i].user, url))

    assert all(isinstance(result, tuple) for result in results), results
    assert Counter(status for status, _body in results) == {201: 200}
    statuses = Counter(body["status"] for _status, body in results)
    assert statuses == {SignupStatus.CONFIRMED: 50, SignupStatus.WAITING: 150}
    rows = Signup.objects.filter(activity=activity)
    assert rows.count() == 200
    assert rows.values("profile").distinct().count() == 200
    waiting = list(rows.filter(status=SignupStatus.WAITING).order_by("waiting_position"))
    assert [s.waiting_position for s in waiting] == list(range(1, 151))
    # Arrival order: whoever got the lock earlier signed up earlier and stands ahead.
    assert [s.signed_up_at for s in waiting] == sorted(s.signed_up_at for s in waiting)
    last_confirmed = max(
        rows.filter(status=SignupStatus.CONFIRMED).values_list("signed_up_at", flat=True)
    )
    assert last_confirmed <= waiting[0].signed_up_at
    positions = sorted(body["waiting_position"] for _s, body in results if body["waiting_position"])
    assert positions == list(range(1, 151))


def test_concurrent_cancellations_promote_in_order() -> None:
    activity = ActivityFactory(capacity=10)
    profiles = [ProfileFactory(community=activity.community) for _ in range(30)]
    for profile in profiles:
        post_as(profile.user, f"/api/v1/volunteers/activities/{activity.pk}/signup/")
    confirmed = [p for p in profiles[:10]]
    url = f"/api/v1/volunteers/activities/{activity.pk}/cancel/"

    results = run_parallel(5, lambda i: post_as(confirmed[i].user, url))

    assert [status for status, _body in results] == [200] * 5
    now_confirmed = set(
        Signup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED).values_list(
            "profile_id", flat=True
        )
    )
    assert now_confirmed == {p.pk for p in profiles[5:15]}
    still_waiting = Signup.objects.filter(activity=activity, status=SignupStatus.WAITING)
    assert list(
        still_waiting.order_by("waiting_position").values_list("profile_id", flat=True)
    ) == [p.pk for p in profiles[15:]]
    promoted = Event.objects.filter(type="volunteers.waitlist_promoted")
    assert sorted(e.data["signup"] for e in promoted) == sorted(
        Signup.objects.filter(activity=activity, promoted_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert promoted.count() == 5


def test_hours_and_points_paid_once_when_approved_twice_at_once() -> None:
    EarningRuleFactory(kind=EarnKind.VOLUNTEER_HOURS, points=10, daily_cap=None, monthly_cap=None)
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=30, daily_cap=None, monthly_cap=None)
    starts = timezone.now() - timedelta(days=2)
    ends = starts + timedelta(hours=3)
    activity = ActivityFactory(starts_at=starts, ends_at=ends)
    profile = ProfileFactory(community=activity.community)
    signup = Signup.objects.create(
        activity=activity,
        profile=profile,
        status=SignupStatus.CONFIRMED,
        signed_up_at=starts - timedelta(days=1),
        checked_in_at=starts,
        checked_out_at=ends,
        minutes=180,
        hours_status=HoursStatus.PENDING,
    )
    staff = make_staff(activity.community)
    url = f"/api/v1/volunteers/approvals/{signup.pk}/approve/"

    results = run_parallel(8, lambda i: post_as(staff, url))

    assert [status for status, _body in results] == [200] * 8
    entries = LedgerEntry.objects.filter(account__user=profile.user)
    assert sorted(entries.values_list("source", flat=True)) == [
        f"volunteers:signup:{signup.pk}:drill",
        f"volunteers:signup:{signup.pk}:hour:1",
        f"volunteers:signup:{signup.pk}:hour:2",
        f"volunteers:signup:{signup.pk}:hour:3",
    ]
    profile.user.points_account.refresh_from_db()
    assert profile.user.points_account.balance == 3 * 10 + 30
    assert Event.objects.filter(type="volunteers.hours_approved").count() == 1
