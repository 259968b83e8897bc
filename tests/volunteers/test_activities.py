"""Activities through the API: sign-up, waiting list, cancel, check-in and out, approvals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.test import APIClient

from config.asgi import application
from config.realtime.models import Event
from config.realtime.tickets import ws_ticket_issue
from grids.models import User
from points.models import EarnKind, LedgerEntry
from tests.factories import CommunityFactory, make_staff
from tests.points.factories import EarningRuleFactory
from tests.queries import assert_query_budget
from tests.volunteers.factories import (
    PLACE,
    ActivityFactory,
    CertificateFactory,
    ProfileFactory,
    SkillFactory,
    started,
)
from volunteers.models import Activity, HoursStatus, Signup, SignupStatus, VolunteerProfile
from volunteers.services import signup_cancel, signup_create

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]
# About 300 m north of the activity's place.
FAR = (PLACE[0] + 0.0027, PLACE[1])
NEAR = (PLACE[0] + 0.0010, PLACE[1])


def url(activity: Activity, action: str) -> str:
    return f"/api/v1/volunteers/activities/{activity.pk}/{action}/"


def snapshot(activity: Activity) -> list[tuple[Any, ...]]:
    return list(
        Signup.objects.filter(activity=activity)
        .order_by("pk")
        .values_list("profile_id", "status", "waiting_position", "checked_in_at", "checked_out_at")
    )


def test_signup_takes_a_place_then_the_waiting_list(client_for: Client) -> None:
    activity = ActivityFactory(capacity=1)
    first, second = ProfileFactory(), ProfileFactory()

    taken = client_for(first.user).post(url(activity, "signup"))
    waiting = client_for(second.user).post(url(activity, "signup"))

    assert taken.status_code == 201
    assert (taken.json()["status"], taken.json()["waiting_position"]) == ("confirmed", None)
    assert waiting.status_code == 201, "over capacity goes to the waiting list, not an error"
    assert (waiting.json()["status"], waiting.json()["waiting_position"]) == ("waiting", 1)


def test_signing_up_twice_is_refused_and_changes_nothing(client_for: Client) -> None:
    activity = ActivityFactory(capacity=5)
    client = client_for(ProfileFactory().user)
    client.post(url(activity, "signup"))
    before = snapshot(activity)

    response = client.post(url(activity, "signup"))

    assert response.status_code == 400
    assert response.json() == {
        "code": "already_signed_up",
        "message": "You are already signed up for this activity.",
    }
    assert snapshot(activity) == before


def test_cancelling_promotes_the_first_waiting_and_tells_them(client_for: Client) -> None:
    activity = ActivityFactory(capacity=1)
    holder, next_one, later = ProfileFactory(), ProfileFactory(), ProfileFactory()
    for profile in (holder, next_one, later):
        client_for(profile.user).post(url(activity, "signup"))

    response = client_for(holder.user).post(url(activity, "cancel"))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    promoted = Signup.objects.get(activity=activity, profile=next_one)
    assert promoted.status == SignupStatus.CONFIRMED and promoted.promoted_at is not None
    mine = client_for(later.user).get("/api/v1/volunteers/me/signups/").json()["results"]
    assert [(row["status"], row["waiting_position"]) for row in mine] == [("waiting", 1)]
    event = Event.objects.get(type="volunteers.waitlist_promoted")
    assert [a.group for a in event.audiences.all()] == [f"user.{next_one.user_id}"]
    assert event.data == {
        "activity": activity.pk,
        "title": activity.title,
        "starts_at": activity.starts_at.isoformat(),
        "signup": promoted.pk,
    }


@pytest.mark.django_db(transaction=True)
async def test_the_promoted_person_hears_it_live() -> None:
    activity = await sync_to_async(ActivityFactory)(capacity=1)
    holder = await sync_to_async(ProfileFactory)()
    waiting = await sync_to_async(ProfileFactory)()
    await sync_to_async(signup_create)(user=holder.user, activity_id=activity.pk)
    await sync_to_async(signup_create)(user=waiting.user, activity_id=activity.pk)
    ticket, _row = await sync_to_async(ws_ticket_issue)(user=waiting.user)
    communicator = WebsocketCommunicator(application, f"/ws/v1/events/?ticket={ticket}")
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    await communicator.receive_json_from()  # hello

    await sync_to_async(signup_cancel)(user=holder.user, activity_id=activity.pk)

    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "volunteers.waitlist_promoted"
    assert message["data"]["activity"] == activity.pk
    await communicator.disconnect()


def test_a_skill_needing_a_certificate_counts_only_when_valid(client_for: Client) -> None:
    first_aid = SkillFactory(code="t-first-aid")
    cpr = SkillFactory(code="t-cpr", parent=first_aid, needs_certificate=True)
    activity = ActivityFactory()
    activity.required_skills.set([first_aid])
    expired = CertificateFactory(skill=cpr, expires_on=timezone.localdate() - timedelta(days=1))
    unconfirmed = CertificateFactory(skill=cpr, status="pending")
    valid = CertificateFactory(skill=cpr)

    refused = [
        client_for(c.profile.user).post(url(activity, "signup")) for c in (expired, unconfirmed)
    ]
    accepted = client_for(valid.profile.user).post(url(activity, "signup"))

    assert [r.status_code for r in refused] == [400, 400]
    assert {r.json()["code"] for r in refused} == {"skills_missing"}
    assert accepted.status_code == 201, "a valid CPR certificate satisfies first aid"
    assert Signup.objects.filter(activity=activity).count() == 1


def test_check_in_by_code_then_out_by_place_logs_hours(client_for: Client) -> None:
    activity = started(ActivityFactory(), minutes_ago=60)
    profile = ProfileFactory()
    Signup.objects.create(
        activity=activity, profile=profile, status="confirmed", signed_up_at=timezone.now()
    )
    client = client_for(profile.user)
    checked_in_at = activity.starts_at + timedelta(minutes=5)

    check_in = client.post(
        url(activity, "check-in"),
        {"code": activity.checkin_code.lower(), "occurred_at": checked_in_at.isoformat()},
        format="json",
    )
    again = client.post(url(activity, "check-in"), {"code": activity.checkin_code}, format="json")
    check_out = client.post(
        url(activity, "check-out"), {"lat": NEAR[0], "lng": NEAR[1]}, format="json"
    )

    assert check_in.status_code == 200 and again.status_code == 200
    assert again.json()["checked_in_at"] == check_in.json()["checked_in_at"]
    assert check_out.status_code == 200
    body = check_out.json()
    assert body["hours_status"] == "pending"
    assert 54 <= body["minutes"] <= 56  # from 5 past the start until now (an hour in)


def test_checking_in_far_away_is_refused(client_for: Client) -> None:
    activity = started(ActivityFactory())
    profile = ProfileFactory()
    Signup.objects.create(
        activity=activity, profile=profile, status="confirmed", signed_up_at=timezone.now()
    )

    response = client_for(profile.user).post(
        url(activity, "check-in"), {"lat": FAR[0], "lng": FAR[1]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "too_far"
    assert "200 m" in response.json()["message"]
    assert Signup.objects.get(activity=activity).checked_in_at is None


def test_checking_in_outside_the_time_window_is_refused(client_for: Client) -> None:
    activity = ActivityFactory()  # in three days
    profile = ProfileFactory()
    Signup.objects.create(
        activity=activity, profile=profile, status="confirmed", signed_up_at=timezone.now()
    )

    response = client_for(profile.user).post(
        url(activity, "check-in"), {"code": activity.checkin_code}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "outside_window",
        "message": "Check-in is open from 30 minutes before the start until the end.",
    }
    assert Signup.objects.get(activity=activity).checked_in_at is None


def test_wrong_code_is_refused(client_for: Client) -> None:
    activity = started(ActivityFactory())
    profile = ProfileFactory()
    Signup.objects.create(
        activity=activity, profile=profile, status="confirmed", signed_up_at=timezone.now()
    )

    response = client_for(profile.user).post(url(activity, "check-in"), {"code": "ZZZZZZ"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"code": ["This is not the code of this activity."]}
    assert Signup.objects.get(activity=activity).checked_in_at is None


def test_an_activity_ending_before_it_starts_is_refused(client_for: Client) -> None:
    community = CommunityFactory()
    staff = make_staff(community)
    starts = timezone.now() + timedelta(days=2)

    response = client_for(staff).post(
        "/api/v1/volunteers/staff/activities/",
        {
            "kind": "drill",
            "title": "消防演练",
            "community": community.pk,
            "place": "广场",
            "lat": PLACE[0],
            "lng": PLACE[1],
            "starts_at": starts.isoformat(),
            "ends_at": (starts - timedelta(hours=1)).isoformat(),
            "capacity": 20,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"ends_at": ["The end must be after the start."]}
    assert not Activity.objects.exists()


def test_staff_plan_an_activity_and_show_its_qr(client_for: Client) -> None:
    community = CommunityFactory()
    staff = make_staff(community)
    starts = timezone.now() + timedelta(days=2)
    created = client_for(staff).post(
        "/api/v1/volunteers/staff/activities/",
        {"kind": "patrol", "title": "夜间巡逻", "community": community.pk, "place": "北门",
         "lat": PLACE[0], "lng": PLACE[1], "starts_at": starts.isoformat(),
         "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 8},
        format="json",
    )  # fmt: skip

    code = client_for(staff).get(
        f"/api/v1/volunteers/staff/activities/{created.json()['id']}/code/"
    )

    assert created.status_code == 201
    assert (created.json()["confirmed"], created.json()["waiting"]) == (0, 0)
    assert code.status_code == 200
    assert code.json()["checkin_code"] == created.json()["checkin_code"]
    assert code.json()["qr_svg"].startswith("data:image/svg+xml")


def _pending(community: Any, minutes: int = 120, days_ago: int = 1) -> Signup:
    ends = timezone.now() - timedelta(days=days_ago)
    starts = ends - timedelta(hours=3)
    activity = ActivityFactory(community=community, starts_at=starts, ends_at=ends)
    return Signup.objects.create(
        activity=activity,
        profile=ProfileFactory(community=community),
        status="confirmed",
        signed_up_at=starts - timedelta(days=1),
        checked_in_at=starts,
        checked_out_at=ends,
        minutes=minutes,
        hours_status=HoursStatus.PENDING,
    )


def test_approvals_queue_flags_what_waits_longer_than_7_days(client_for: Client) -> None:
    community = CommunityFactory()
    old, fresh = _pending(community, days_ago=9), _pending(community, days_ago=1)
    _pending(CommunityFactory())  # another community's
    staff = make_staff(community)

    response = client_for(staff).get("/api/v1/volunteers/approvals/")

    assert response.status_code == 200
    assert [(r["id"], r["overdue"]) for r in response.json()["results"]] == [
        (old.pk, True),
        (fresh.pk, False),
    ]
    overdue = client_for(staff).get("/api/v1/volunteers/approvals/?overdue=true").json()
    assert [r["id"] for r in overdue["results"]] == [old.pk]


def test_approvals_list_costs_the_same_for_1_and_20_rows(client_for: Client) -> None:
    community = CommunityFactory()
    client = client_for(make_staff(community))
    _pending(community)

    # Token, token touch, the staff scope and the page: whatever the number of rows.
    assert_query_budget(
        lambda: client.get("/api/v1/volunteers/approvals/"),
        grow=lambda: [_pending(community) for _ in range(19)],
        queries=4,
    )
    assert len(client.get("/api/v1/volunteers/approvals/").json()["results"]) == 20


def test_approving_pays_points_once_and_tells_the_volunteer(
    client_for: Client, django_capture_on_commit_callbacks: Any
) -> None:
    EarningRuleFactory(kind=EarnKind.VOLUNTEER_HOURS, points=10, daily_cap=None, monthly_cap=None)
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=30, daily_cap=None, monthly_cap=None)
    community = CommunityFactory()
    signup = _pending(community, minutes=150)
    client = client_for(make_staff(community))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/api/v1/volunteers/approvals/{signup.pk}/approve/")
        second = client.post(f"/api/v1/volunteers/approvals/{signup.pk}/approve/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["hours_status"] == "approved"
    amounts = LedgerEntry.objects.filter(account__user=signup.profile.user).values_list(
        "amount", flat=True
    )
    assert sorted(amounts) == [10, 10, 30]  # two whole hours and the drill
    assert Event.objects.filter(type="volunteers.hours_approved").count() == 1


def test_approving_hours_of_another_community_is_refused(client_for: Client) -> None:
    signup = _pending(CommunityFactory())
    outsider = make_staff(CommunityFactory())

    response = client_for(outsider).post(f"/api/v1/volunteers/approvals/{signup.pk}/approve/")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "This belongs to a community you do not run.",
    }
    signup.refresh_from_db()
    assert signup.hours_status == HoursStatus.PENDING and signup.hours_decided_by is None
    assert not LedgerEntry.objects.exists()


def test_a_resident_without_a_profile_is_told_to_register(client_for: Client) -> None:
    activity = ActivityFactory()
    resident = ProfileFactory().user
    VolunteerProfile.objects.filter(user=resident).delete()

    response = client_for(resident).post(url(activity, "signup"))

    assert response.status_code == 400
    assert response.json()["code"] == "not_volunteer"
    assert not Signup.objects.exists()


def test_activities_near_me(client_for: Client) -> None:
    near = ActivityFactory()
    ActivityFactory(lat=PLACE[0] + 0.2)
    client = client_for(ProfileFactory().user)

    response = client.get(
        f"/api/v1/volunteers/activities/?lat={PLACE[0]}&lng={PLACE[1]}&radius=2000"
    )
    bad = client.get(f"/api/v1/volunteers/activities/?lat={PLACE[0]}&lng={PLACE[1]}&radius=0")

    assert [row["id"] for row in response.json()["results"]] == [near.pk]
    assert bad.status_code == 400


@pytest.mark.parametrize("rows", [1, 15])
def test_lists_cost_the_same_whatever_their_length(
    client_for: Client, django_assert_num_queries: Any, rows: int
) -> None:
    profile = ProfileFactory()
    skill = SkillFactory()
    profile.skills.set([skill])
    for _ in range(rows):
        activity = ActivityFactory()
        activity.required_skills.set([skill])
        signup_create(user=profile.user, activity_id=activity.pk)
    client = client_for(profile.user)

    # Token, token touch, then the page (and the activities' required skills).
    with django_assert_num_queries(4):
        activities = client.get("/api/v1/volunteers/activities/").json()
    with django_assert_num_queries(3):
        signups = client.get("/api/v1/volunteers/me/signups/").json()

    assert len(activities["results"]) == len(signups["results"]) == rows
