"""The staff workbench: open a dispatch in one form (also from a hazard's page), follow it
on its status board, close it; figures on the dashboard without drills."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dispatch.models import Dispatch
from dispatch.services import dispatch_open, offer_accept, offer_progress
from inspections.services import hazard_report
from tests.dispatch.conftest import INCIDENT, Scene
from tests.factories import CommunityFactory, make_staff
from tests.inspections.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_open_a_dispatch_from_the_workbench_form(scene: Scene) -> None:
    volunteer = scene.make_volunteer(100)
    client = _signed_in(scene.staff)

    response = client.post(
        "/admin/dispatch/dispatch/add/",
        {"lat": INCIDENT[0], "lng": INCIDENT[1], "people_needed": 1, "urgency": "emergency"},
    )

    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/dispatch/dispatch/{dispatch.pk}/change/"
    board = client.get(response["Location"])
    assert board.status_code == 200
    assert volunteer.public_name in board.content.decode()


def test_the_open_form_sent_twice_opens_one_dispatch(scene: Scene) -> None:
    scene.make_volunteer(100)
    client = _signed_in(scene.staff)
    form = client.get("/admin/dispatch/dispatch/add/").content.decode()
    key = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', form)
    assert key is not None
    body = {"lat": INCIDENT[0], "lng": INCIDENT[1], "people_needed": 1, "urgency": "urgent"}

    first = client.post("/admin/dispatch/dispatch/add/", {**body, "client_uuid": key[1]})
    again = client.post("/admin/dispatch/dispatch/add/", {**body, "client_uuid": key[1]})
    edited = client.post(
        "/admin/dispatch/dispatch/add/", {**body, "people_needed": 2, "client_uuid": key[1]}
    )

    dispatch = Dispatch.objects.get()
    assert (
        first["Location"] == again["Location"] == f"/admin/dispatch/dispatch/{dispatch.pk}/change/"
    )
    assert edited.status_code == 200
    assert "already used to open a dispatch" in edited.content.decode()
    assert dispatch.offers.count() == 1


def test_a_form_without_a_place_is_shown_again_with_the_reason(scene: Scene) -> None:
    response = _signed_in(scene.staff).post("/admin/dispatch/dispatch/add/", {"people_needed": 1})

    assert response.status_code == 200
    assert "Give the place" in response.content.decode()
    assert Dispatch.objects.count() == 0


def test_the_hazard_page_offers_a_dispatch_prefilled_with_its_place(scene: Scene) -> None:
    category = CategoryFactory(code="fire")
    hazard = hazard_report(
        user=scene.worker,
        category_code=category.code,
        description="起火",
        lat=INCIDENT[0],
        lng=INCIDENT[1],
        address="中山路1号门口",
    ).hazard
    client = _signed_in(scene.staff)

    page = client.get(f"/admin/inspections/hazard/{hazard.pk}/change/").content.decode()
    form = client.get(f"/admin/dispatch/dispatch/add/?hazard={hazard.pk}").content.decode()
    opened = client.post(
        f"/admin/dispatch/dispatch/add/?hazard={hazard.pk}",
        {"hazard": hazard.pk, "lat": INCIDENT[0], "lng": INCIDENT[1], "people_needed": 2,
         "urgency": "urgent", "address": "中山路1号门口"},
    )  # fmt: skip

    assert f"/admin/dispatch/dispatch/add/?hazard={hazard.pk}" in page
    assert 'value="中山路1号门口"' in form
    assert opened.status_code == 302
    assert Dispatch.objects.get().hazard == hazard


def test_closing_from_the_status_board(scene: Scene) -> None:
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    client = _signed_in(scene.staff)

    response = client.post(
        f"/admin/dispatch/dispatch/{dispatch.pk}/close/", {"outcome": "handed_over", "note": "120"}
    )

    dispatch.refresh_from_db()
    assert response.status_code == 302
    assert (dispatch.status, dispatch.outcome, dispatch.outcome_note) == (
        "closed",
        "handed_over",
        "120",
    )


def test_another_communitys_staff_cannot_see_or_close_it(scene: Scene) -> None:
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    client = _signed_in(make_staff(CommunityFactory()))

    board = client.get(f"/admin/dispatch/dispatch/{dispatch.pk}/change/")
    closed = client.post(f"/admin/dispatch/dispatch/{dispatch.pk}/close/", {"outcome": "resolved"})
    listed = client.get("/admin/dispatch/dispatch/")

    assert board.status_code == 404
    assert closed.status_code == 404
    assert f"D-{dispatch.pk}" not in listed.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.closed_at is None


def _answered(scene: Scene, *, drill: bool, accept_after_s: int, arrive_after_s: int) -> None:
    volunteer = scene.make_volunteer(100)
    dispatch = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], is_drill=drill)
    offer = dispatch.offers.get(volunteer=volunteer)
    offer_accept(user=volunteer, offer_id=offer.pk)
    offer_progress(user=volunteer, offer_id=offer.pk, step="arrived")
    opened = timezone.now() - timedelta(seconds=arrive_after_s + 5)
    Dispatch.objects.filter(pk=dispatch.pk).update(
        opened_at=opened,
        first_accepted_at=opened + timedelta(seconds=accept_after_s),
        first_arrived_at=opened + timedelta(seconds=arrive_after_s),
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(status="closed", outcome="resolved")


def test_the_dashboard_shows_dispatch_figures_and_never_counts_a_drill(scene: Scene) -> None:
    _answered(scene, drill=False, accept_after_s=40, arrive_after_s=600)
    _answered(scene, drill=True, accept_after_s=500, arrive_after_s=5000)
    dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])  # nobody to offer

    page = _signed_in(scene.staff).get("/admin/dashboard/").content.decode()

    assert "Median time to first acceptance" in page
    assert "40 s" in page
    assert "10.0 min" in page
    assert "500 s" not in page and "83.3 min" not in page  # the drill's
    assert "1 filled of 2 dispatches" in page
