"""Admin screens scoped to staff's communities, the dashboard panel, and the demo step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.dashboard import DashboardFilters, Figure
from grids.dashboard import dashboard_places
from points.models import EarnKind, LedgerEntry
from tests.factories import BuildingFactory, CommunityFactory, UserFactory, make_staff
from tests.points.factories import EarningRuleFactory
from tests.volunteers.factories import ActivityFactory, CertificateFactory, ProfileFactory
from volunteers.dashboard import volunteer_blocks
from volunteers.models import Activity, HoursStatus, Signup, SignupStatus, Team

pytestmark = pytest.mark.django_db

MODELS = ["skill", "volunteerprofile", "certificate", "team", "course", "trainingsession",
          "enrolment", "activity", "signup"]  # fmt: skip


def _attended(activity: Any, profile: Any, *, days_ago: int, status: str) -> Signup:
    checked_out = timezone.now() - timedelta(days=days_ago)
    return Signup.objects.create(
        activity=activity, profile=profile, status=SignupStatus.CONFIRMED,
        signed_up_at=checked_out - timedelta(days=1),
        checked_in_at=checked_out - timedelta(hours=2), checked_out_at=checked_out,
        minutes=120, hours_status=status,
    )  # fmt: skip


@pytest.fixture
def two_communities() -> dict[str, Any]:
    mine, other = CommunityFactory(), CommunityFactory()
    BuildingFactory(community=mine, residents=600)
    BuildingFactory(community=mine, residents=400)
    BuildingFactory(community=other, residents=1000)
    volunteers = [ProfileFactory(community=mine) for _ in range(4)]
    ProfileFactory(community=mine, status="paused")
    CertificateFactory(profile=volunteers[0])
    CertificateFactory(profile=volunteers[1], status="pending")
    team = Team.objects.create(name="联合救援队", community=mine, enterprise=None)
    team.members.set(volunteers[:2])
    ended = timezone.now() - timedelta(days=2)
    drill = ActivityFactory(community=mine, starts_at=ended - timedelta(hours=2), ends_at=ended)
    _attended(drill, volunteers[0], days_ago=2, status=HoursStatus.APPROVED)
    _attended(drill, volunteers[1], days_ago=9, status=HoursStatus.PENDING)
    Signup.objects.create(
        activity=drill, profile=volunteers[2], status=SignupStatus.CONFIRMED,
        signed_up_at=ended - timedelta(days=3), no_show=True,
    )  # fmt: skip
    return {"mine": mine, "other": other, "volunteers": volunteers, "drill": drill}


def _figures(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    filters = DashboardFilters(
        user=user,
        places=dashboard_places(user),
        date_from=today - timedelta(days=30),
        date_to=today,
    )
    return {str(b.label): b for b in volunteer_blocks(filters) if isinstance(b, Figure)}


def test_dashboard_figures_for_a_community(two_communities: dict[str, Any]) -> None:
    staff = make_staff(two_communities["mine"])

    figures = _figures(staff)

    assert figures["Volunteers per 1,000 residents"].value == "4.0"
    assert figures["Communities with a joint team"].value == "0.0%"  # no enterprise yet
    assert figures["Volunteers with a valid certificate"].value == "25.0%"
    assert figures["Approved volunteer hours"].value == "2.0"
    assert figures["Residents in drills"].value == "0.2%"  # 2 of 1,000 checked in
    assert figures["No-show rate"].value == "33.3%"
    assert figures["Hours waiting for approval"].value == "1"
    assert figures["Hours waiting for approval"].meets is False  # one waits 9 days


def test_dashboard_joint_team_share_counts_enterprise_teams_only(
    two_communities: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from grids.models import Enterprise

    enterprise = Enterprise.objects.create(
        community=two_communities["mine"], name="化工厂", lat=32.06, lng=118.79
    )
    Team.objects.update(enterprise=enterprise)
    admin = UserFactory(is_superuser=True, is_staff=True)

    with django_assert_max_num_queries(20):
        figures = _figures(admin)

    assert figures["Communities with a joint team"].value == "50.0%"


def test_the_dashboard_page_shows_the_panel(
    client: Client, two_communities: dict[str, Any]
) -> None:
    client.force_login(make_staff(two_communities["mine"]))

    page = client.get("/admin/dashboard/").content.decode()

    assert "Volunteers per 1,000 residents" in page
    assert "Residents in drills" in page


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_open_for_staff(client: Client, two_communities: dict, model: str) -> None:
    client.force_login(make_staff(two_communities["mine"]))

    assert client.get(f"/admin/volunteers/{model}/").status_code == 200


def test_staff_see_and_approve_only_their_communities_hours(
    client: Client, two_communities: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    EarningRuleFactory(kind=EarnKind.VOLUNTEER_HOURS, points=10, daily_cap=None, monthly_cap=None)
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=30, daily_cap=None, monthly_cap=None)
    theirs = ActivityFactory(community=two_communities["other"])
    other_signup = _attended(
        theirs, ProfileFactory(community=two_communities["other"]), days_ago=1, status="pending"
    )
    mine = Signup.objects.get(hours_status="pending", activity=two_communities["drill"])
    client.force_login(make_staff(two_communities["mine"]))

    listed = client.get("/admin/volunteers/signup/?hours_status__exact=pending").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/volunteers/signup/",
            {"action": "approve", "_selected_action": [mine.pk, other_signup.pk]},
        )

    assert str(theirs.title) not in listed
    assert "⚠" in listed  # waiting more than 7 days
    mine.refresh_from_db()
    other_signup.refresh_from_db()
    assert mine.hours_status == "approved"
    assert other_signup.hours_status == "pending"
    assert LedgerEntry.objects.filter(account__user=mine.profile.user).count() == 3


def test_demo_city_has_volunteers_teams_and_a_drill_with_a_waiting_list(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_city", residents=20000, password="demo-pass-1", no_progress=True)

    assert Team.objects.filter(enterprise__isnull=False).exists()
    drill = Activity.objects.filter(kind="drill").first()
    assert drill is not None
    assert drill.signups.filter(status=SignupStatus.CONFIRMED).count() == drill.capacity
    assert drill.signups.filter(status=SignupStatus.WAITING).exists()
    assert LedgerEntry.objects.filter(source__startswith="volunteers:enrolment:").exists()


def test_staff_lists_never_name_another_community(client: Client, two_communities: dict) -> None:
    ProfileFactory(community=two_communities["other"])
    Team.objects.create(name="别队", community=two_communities["other"])
    client.force_login(make_staff(two_communities["mine"]))

    pages = [
        client.get(f"/admin/volunteers/{model}/").content.decode()
        for model in ("volunteerprofile", "team", "activity")
    ]

    assert all(str(two_communities["other"].name) not in page for page in pages)
    assert all(str(two_communities["mine"].name) in page for page in pages)
