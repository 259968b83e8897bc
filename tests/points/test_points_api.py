"""Balance, history, catalogue, staff adjustments, leaderboard, expiry and the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from config.realtime.models import Event
from grids.models import User
from points.models import Account, EarnKind, LedgerEntry
from points.selectors import ledger_audit
from points.services import points_award, points_expire
from tests.factories import CommunityFactory, UserFactory, make_staff
from tests.points.factories import EarningRuleFactory, RewardFactory, give_points, make_resident
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def test_balance_of_a_newcomer_is_zero(client_for: Client) -> None:
    response = client_for(UserFactory()).get("/api/v1/points/balance/")

    assert response.json() == {"balance": 0, "leaderboard_opt_in": False}


def test_balance_change_is_announced_to_the_user() -> None:
    user = make_resident(points=30)

    event = Event.objects.get(type="points.balance_changed")

    assert event.data["balance"] == 30
    assert list(event.audiences.values_list("group", flat=True)) == [f"user.{user.pk}"]


def test_history_lists_my_entries_newest_first(client_for: Client) -> None:
    user = make_resident(points=30)
    give_points(user, 5)
    make_resident(points=99)

    body = client_for(user).get("/api/v1/points/history/").json()

    assert [(e["kind"], e["amount"], e["balance_after"]) for e in body["results"]] == [
        ("adjust", 5, 35),
        ("adjust", 30, 30),
    ]


def test_history_costs_the_same_queries_for_1_and_50(client_for: Client) -> None:
    user = make_resident(points=1)
    client = client_for(user)
    client.get("/api/v1/points/history/")

    def more() -> None:
        for _ in range(49):
            give_points(user, 1)

    assert_query_budget(lambda: client.get("/api/v1/points/history/"), grow=more, queries=3)
    assert len(client.get("/api/v1/points/history/").json()["results"]) == 50


def test_catalogue_shows_rewards_of_my_community_and_everywhere(client_for: Client) -> None:
    mine, other = CommunityFactory(), CommunityFactory()
    everywhere = RewardFactory()
    local = RewardFactory(communities=[mine])
    RewardFactory(communities=[other])
    RewardFactory(active=False)
    RewardFactory(valid_until=timezone.now() - timedelta(days=1))

    body = client_for(make_resident(mine)).get("/api/v1/rewards/").json()

    assert sorted(r["id"] for r in body["results"]) == sorted([everywhere.pk, local.pk])


def test_catalogue_costs_the_same_queries_for_1_and_50(client_for: Client) -> None:
    community = CommunityFactory()
    client = client_for(make_resident(community))
    RewardFactory(communities=[community])
    client.get("/api/v1/rewards/")

    def more() -> None:
        for _ in range(49):
            RewardFactory(communities=[community])

    assert_query_budget(lambda: client.get("/api/v1/rewards/"), grow=more, queries=4)
    assert len(client.get("/api/v1/rewards/").json()["results"]) == 50


def test_staff_adjust_a_residents_balance_with_a_note(client_for: Client) -> None:
    community = CommunityFactory()
    resident = make_resident(community, points=10)
    staff = make_staff(community)

    response = client_for(staff).post(
        "/api/v1/points/adjustments/", {"user": resident.pk, "amount": -4, "note": "重复登记"}
    )

    assert response.status_code == 201
    assert response.json()["balance_after"] == 6
    entry = LedgerEntry.objects.get(kind="adjust", amount=-4)
    assert (entry.reason, entry.created_by) == ("重复登记", staff)


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"amount": -11, "note": "too much"}, 400),
        ({"amount": 5, "note": "  "}, 400),
        ({"amount": 5}, 400),
        ({"amount": 0, "note": "nothing"}, 400),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(
    client_for: Client, payload: dict, status: int
) -> None:
    community = CommunityFactory()
    resident = make_resident(community, points=10)
    entries = LedgerEntry.objects.count()

    response = client_for(make_staff(community)).post(
        "/api/v1/points/adjustments/", {"user": resident.pk, **payload}
    )

    assert response.status_code == status
    assert (Account.objects.get(user=resident).balance, LedgerEntry.objects.count()) == (
        10,
        entries,
    )


def test_residents_and_staff_of_other_communities_may_not_adjust(client_for: Client) -> None:
    resident = make_resident(points=10)
    for actor in [make_resident(), make_staff(CommunityFactory())]:
        response = client_for(actor).post(
            "/api/v1/points/adjustments/", {"user": resident.pk, "amount": 5, "note": "gift"}
        )
        assert response.status_code == 403
    assert Account.objects.get(user=resident).balance == 10


def test_leaderboard_shows_only_people_who_opted_in(client_for: Client) -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=30)
    community = CommunityFactory()
    shy, proud = make_resident(community), make_resident(community, display_name="王芳")
    for n, user in enumerate([shy, proud]):
        points_award(user=user, kind="drill_attended", source=f"drill:{n}")
    client_for(proud).patch("/api/v1/points/balance/", {"leaderboard_opt_in": True})

    response = client_for(shy).get(f"/api/v1/points/leaderboard/?community={community.pk}")

    assert response.json() == [{"rank": 1, "user_id": proud.pk, "name": "王芳", "points": 30}]


def test_leaderboard_of_another_month_is_empty(client_for: Client) -> None:
    community = CommunityFactory()

    response = client_for(make_resident(community)).get(
        f"/api/v1/points/leaderboard/?community={community.pk}&month=2001-01"
    )

    assert response.json() == []


def test_leaderboard_needs_a_valid_community_and_month(client_for: Client) -> None:
    client = client_for(make_resident())

    assert client.get("/api/v1/points/leaderboard/").status_code == 400
    assert client.get("/api/v1/points/leaderboard/?community=1&month=2024-13").status_code == 400


def test_points_expire_oldest_first_after_the_period(settings: SettingsWrapper) -> None:
    settings.POINTS_EXPIRE_AFTER_DAYS = 365
    user = make_resident(points=100)
    LedgerEntry.objects.update(created_at=timezone.now() - timedelta(days=400))
    give_points(user, 50)
    reward = RewardFactory(cost=30)
    from points.services import reward_redeem

    reward_redeem(user=user, reward=reward, idempotency_key="k")  # spends old points first

    points_expire()
    points_expire()

    assert Account.objects.get(user=user).balance == 50
    assert LedgerEntry.objects.get(kind="expire").amount == -70
    assert ledger_audit() == []


def test_points_never_expire_by_default() -> None:
    make_resident(points=100)
    LedgerEntry.objects.update(created_at=timezone.now() - timedelta(days=4000))

    assert points_expire() == 0


def test_audit_command_reports_an_account_that_does_not_balance() -> None:
    user = make_resident(points=100)
    call_command("points_audit", verbosity=0)
    Account.objects.filter(user=user).update(balance=99)

    with pytest.raises(CommandError, match="1 of 1"):
        call_command("points_audit", verbosity=0)
