"""The dispatch API: one action to open, the place hidden until accepted, clear errors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import Dispatch, Offer
from dispatch.services import dispatch_open
from grids.models import User
from tests.dispatch.conftest import INCIDENT, Scene
from tests.factories import UserFactory
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db
Client = Callable[[User], APIClient]


def _open_body(**extra: Any) -> dict[str, Any]:
    return {"lat": INCIDENT[0], "lng": INCIDENT[1], **extra}


def test_staff_open_a_dispatch_in_one_request(scene: Scene, client_for: Client) -> None:
    volunteer = scene.make_volunteer(120, certificate=scene.cpr)

    response = client_for(scene.staff).post(
        "/api/v1/dispatches/",
        _open_body(skill="cpr", people_needed=1, urgency="emergency", description="晕倒"),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("status", "ring", "rings_m", "offered", "accepted", "skill")} == {
        "status": "open", "ring": 0, "rings_m": [500, 1000, 2000], "offered": 1, "accepted": 0,
        "skill": "cpr",
    }  # fmt: skip
    assert body["area"] == "鼓楼社区 第1网格"
    assert body["address"] == "中山路1号"
    assert Offer.objects.get().volunteer == volunteer


def test_a_volunteer_sees_distance_and_area_but_not_the_place_before_accepting(
    scene: Scene, client_for: Client
) -> None:
    volunteer = scene.make_volunteer(120)
    dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], description="漏水")
    client = client_for(volunteer)

    listed = client.get("/api/v1/dispatch-offers/?open=1").json()["results"]
    offer_id = listed[0]["id"]
    accepted = client.post(f"/api/v1/dispatch-offers/{offer_id}/accept/")

    assert len(listed) == 1
    assert listed[0]["distance_m"] == 120
    assert listed[0]["area"] == "鼓楼社区 第1网格"
    assert listed[0]["place"] is None
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["place"] == {
        "lat": INCIDENT[0],
        "lng": INCIDENT[1],
        "address": "中山路1号",
    }


def test_a_late_accept_gets_a_clear_already_filled_answer(scene: Scene, client_for: Client) -> None:
    first, late = scene.make_volunteer(100), scene.make_volunteer(200)
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    offers = {o.volunteer_id: o.pk for o in dispatch.offers.all()}
    client_for(first).post(f"/api/v1/dispatch-offers/{offers[first.pk]}/accept/")

    response = client_for(late).post(f"/api/v1/dispatch-offers/{offers[late.pk]}/accept/")

    assert response.status_code == 409
    assert response.json() == {
        "code": "filled",
        "message": "Already filled: enough volunteers accepted. Thank you, you are not needed.",
        "current": {"offer": offers[late.pk], "status": "stood_down"},
    }


def test_steps_on_the_way_through_the_api(scene: Scene, client_for: Client) -> None:
    volunteer = scene.make_volunteer(100)
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    offer = dispatch.offers.get()
    client = client_for(volunteer)
    client.post(f"/api/v1/dispatch-offers/{offer.pk}/accept/")

    arrived = client.post(f"/api/v1/dispatch-offers/{offer.pk}/progress/", {"step": "arrived"})
    wrong = client.post(f"/api/v1/dispatch-offers/{offer.pk}/progress/", {"step": "flying"})

    assert arrived.status_code == 200
    assert arrived.json()["status"] == "arrived"
    assert arrived.json()["arrived_at"] is not None
    assert wrong.status_code == 400
    assert set(wrong.json()["fields"]) == {"step"}


def test_a_retried_open_with_the_same_client_uuid_opens_one_dispatch(
    scene: Scene, client_for: Client
) -> None:
    scene.make_volunteer(120)
    client = client_for(scene.staff)
    body = _open_body(client_uuid=str(uuid.uuid4()), description="漏水")

    first = client.post("/api/v1/dispatches/", body, format="json")
    again = client.post("/api/v1/dispatches/", body, format="json")
    other = client.post("/api/v1/dispatches/", {**body, "description": "起火"}, format="json")

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["id"] == first.json()["id"]
    assert other.json()["code"] == "client_uuid_reused"
    assert other.json()["current"] == {"id": first.json()["id"], "status": "open"}
    assert Dispatch.objects.count() == 1
    assert Offer.objects.count() == 1  # nobody was asked twice


def test_a_step_sent_late_keeps_the_time_it_was_tapped(scene: Scene, client_for: Client) -> None:
    volunteer = scene.make_volunteer(100)
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    offer = dispatch.offers.get()
    client = client_for(volunteer)
    client.post(f"/api/v1/dispatch-offers/{offer.pk}/accept/")
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    Offer.objects.filter(pk=offer.pk).update(accepted_at=ten_minutes_ago)
    tapped = timezone.now() - timedelta(minutes=4)

    on_way = client.post(
        f"/api/v1/dispatch-offers/{offer.pk}/progress/",
        {"step": "en_route", "occurred_at": tapped.isoformat()},
        format="json",
    )
    # A phone whose clock runs an hour fast: never recorded later than the server's now.
    ahead = client.post(
        f"/api/v1/dispatch-offers/{offer.pk}/progress/",
        {"step": "arrived", "occurred_at": (timezone.now() + timedelta(hours=1)).isoformat()},
        format="json",
    )
    # One an hour slow: never before the step before it.
    behind = client.post(
        f"/api/v1/dispatch-offers/{offer.pk}/progress/",
        {"step": "done", "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat()},
        format="json",
    )
    nonsense = client.post(
        f"/api/v1/dispatch-offers/{offer.pk}/progress/",
        {"step": "done", "occurred_at": "yesterday"},
        format="json",
    )

    offer.refresh_from_db()
    dispatch.refresh_from_db()
    assert on_way.status_code == ahead.status_code == behind.status_code == 200
    assert offer.en_route_at == tapped
    assert offer.arrived_at is not None
    assert tapped < offer.arrived_at <= timezone.now()
    assert dispatch.first_arrived_at == offer.arrived_at
    assert offer.done_at == offer.arrived_at
    assert nonsense.status_code == 400
    assert set(nonsense.json()["fields"]) == {"occurred_at"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"people_needed": 1}, None),  # no place
        (_open_body(people_needed=0), "people_needed"),
        (_open_body(people_needed=21), "people_needed"),
        (_open_body(urgency="whenever"), "urgency"),
        (_open_body(skill="juggling"), "skill"),
        ({"lat": 95, "lng": 118.79}, "lat"),
    ],
)
def test_bad_input_is_a_clear_400_and_opens_nothing(
    scene: Scene, client_for: Client, body: dict[str, Any], field: str | None
) -> None:
    response = client_for(scene.staff).post("/api/v1/dispatches/", body, format="json")

    assert response.status_code == 400
    assert response.json()["message"]
    if field:
        assert field in response.json()["fields"]
    assert Dispatch.objects.count() == 0


def test_a_place_outside_every_community_is_refused(scene: Scene, client_for: Client) -> None:
    response = client_for(scene.staff).post("/api/v1/dispatches/", {"lat": 10.0, "lng": 10.0})

    assert response.status_code == 400
    assert response.json()["code"] == "outside_area"
    assert Dispatch.objects.count() == 0


def test_a_resident_may_not_open_one(scene: Scene, client_for: Client) -> None:
    response = client_for(UserFactory()).post("/api/v1/dispatches/", _open_body())

    assert response.status_code == 403
    assert Dispatch.objects.count() == 0


def test_the_grid_worker_may_open_one_in_their_community(scene: Scene, client_for: Client) -> None:
    response = client_for(scene.worker).post("/api/v1/dispatches/", _open_body(is_drill=True))

    assert response.status_code == 201
    assert response.json()["is_drill"] is True


def test_staff_close_with_an_outcome_and_closing_twice_is_a_409(
    scene: Scene, client_for: Client
) -> None:
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    client = client_for(scene.staff)

    closed = client.post(f"/api/v1/dispatches/{dispatch.pk}/close/", {"outcome": "resolved"})
    again = client.post(f"/api/v1/dispatches/{dispatch.pk}/close/", {"outcome": "resolved"})

    assert closed.status_code == 200
    assert closed.json()["outcome"] == "resolved"
    assert again.status_code == 409
    assert again.json()["current"] == {"status": "closed", "outcome": "resolved"}


def test_another_communitys_staff_do_not_see_it(scene: Scene, client_for: Client) -> None:
    from tests.factories import CommunityFactory, make_staff

    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    stranger = client_for(make_staff(CommunityFactory()))

    assert stranger.get(f"/api/v1/dispatches/{dispatch.pk}/").status_code == 404
    assert stranger.get("/api/v1/dispatches/").json()["results"] == []


def test_list_queries_do_not_grow_with_rows(scene: Scene, client_for: Client) -> None:
    volunteer = scene.make_volunteer(100)
    staff, mine = client_for(scene.staff), client_for(volunteer)
    first = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    board = f"/api/v1/dispatches/{first.pk}/"

    def read() -> None:
        for client, url in ((staff, "/api/v1/dispatches/"), (mine, "/api/v1/dispatch-offers/"),
                            (staff, board)):  # fmt: skip
            assert client.get(url).status_code == 200

    def grow() -> None:
        nonlocal board
        latest = first
        for _ in range(4):
            Dispatch.objects.filter(pk=latest.pk).update(status="closed", outcome="resolved")
            latest = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
        for distance in (150, 200, 250):
            scene.make_volunteer(distance)
        busy = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], people_needed=2)
        assert busy.offers.count() == 3
        board = f"/api/v1/dispatches/{busy.pk}/"

    assert_query_budget(read, grow=grow, queries=None)
    assert len(mine.get("/api/v1/dispatch-offers/").json()["results"]) == 5
