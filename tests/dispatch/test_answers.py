"""Accepting, declining and the steps on the way: first N win, the rest stand down."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from config.api.errors import Conflict
from config.realtime.models import Event
from dispatch.models import Dispatch, DispatchStatus, Offer, OfferStatus
from dispatch.services import (
    dispatch_close,
    dispatch_open,
    offer_accept,
    offer_decline,
    offer_progress,
    offer_see,
)
from grids.models import User
from tests.dispatch.conftest import INCIDENT, Scene


def _open(scene: Scene, **kwargs: object) -> Dispatch:
    return dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], **kwargs)


def _offer(dispatch: Dispatch, user: User) -> Offer:
    return dispatch.offers.get(volunteer=user)


@pytest.mark.django_db
def test_the_nth_accept_fills_it_and_stands_everyone_else_down(scene: Scene) -> None:
    a, b, c = (scene.make_volunteer(d) for d in (100, 200, 300))
    dispatch = _open(scene)

    offer_accept(user=b, offer_id=_offer(dispatch, b).pk)

    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.FILLED
    assert dispatch.first_accepted_at is not None
    assert dispatch.ring_deadline_at is None
    statuses = dict(dispatch.offers.values_list("volunteer_id", "status"))
    assert statuses == {a.pk: "stood_down", b.pk: "accepted", c.pk: "stood_down"}
    stand_down = Event.objects.get(type="dispatch.stood_down")
    assert stand_down.data == {"dispatch": dispatch.pk, "reason": "filled"}
    assert set(stand_down.audiences.values_list("group", flat=True)) == {
        f"user.{a.pk}",
        f"user.{c.pk}",
    }


@pytest.mark.django_db
def test_a_later_accept_is_told_it_is_already_filled(scene: Scene) -> None:
    a, b = (scene.make_volunteer(d) for d in (100, 200))
    dispatch = _open(scene)
    offer_accept(user=a, offer_id=_offer(dispatch, a).pk)

    with pytest.raises(Conflict) as answer:
        offer_accept(user=b, offer_id=_offer(dispatch, b).pk)

    assert answer.value.get_codes() == "filled"
    assert _offer(dispatch, b).status == OfferStatus.STOOD_DOWN


@pytest.mark.django_db
def test_accepting_twice_is_harmless(scene: Scene) -> None:
    a = scene.make_volunteer(100)
    dispatch = _open(scene)
    offer_accept(user=a, offer_id=_offer(dispatch, a).pk)

    again = offer_accept(user=a, offer_id=_offer(dispatch, a).pk)

    assert again.status == OfferStatus.ACCEPTED
    assert Event.objects.filter(type="dispatch.filled").count() == 1


@pytest.mark.django_db
def test_someone_elses_offer_is_not_found(scene: Scene) -> None:
    from django.http import Http404

    a, b = (scene.make_volunteer(d) for d in (100, 200))
    dispatch = _open(scene)

    with pytest.raises(Http404):
        offer_accept(user=b, offer_id=_offer(dispatch, a).pk)

    assert _offer(dispatch, a).status == OfferStatus.OFFERED


@pytest.mark.django_db
def test_steps_on_the_way_are_recorded_forward_only(scene: Scene) -> None:
    a = scene.make_volunteer(100)
    dispatch = _open(scene)
    offer = _offer(dispatch, a)
    offer_see(user=a, offer_id=offer.pk)
    offer_accept(user=a, offer_id=offer.pk)

    for step in ("en_route", "arrived", "done"):
        offer_progress(user=a, offer_id=offer.pk, step=step)
    with pytest.raises(Conflict):
        offer_progress(user=a, offer_id=offer.pk, step="en_route")

    offer.refresh_from_db()
    dispatch.refresh_from_db()
    assert offer.status == "done"
    steps = [offer.seen_at, offer.accepted_at, offer.en_route_at, offer.arrived_at, offer.done_at]
    assert None not in steps
    assert steps == sorted(steps)  # type: ignore[type-var]
    assert offer.on_task_at is None
    assert dispatch.first_arrived_at == offer.arrived_at


@pytest.mark.django_db
def test_a_declined_offer_cannot_report_steps(scene: Scene) -> None:
    a = scene.make_volunteer(100)
    dispatch = _open(scene)
    offer_decline(user=a, offer_id=_offer(dispatch, a).pk)

    with pytest.raises(Conflict):
        offer_progress(user=a, offer_id=_offer(dispatch, a).pk, step="arrived")

    assert _offer(dispatch, a).arrived_at is None


@pytest.mark.django_db
def test_closing_stands_down_whoever_was_still_asked(scene: Scene) -> None:
    a, b = (scene.make_volunteer(d) for d in (100, 200))
    dispatch = _open(scene, people_needed=2)
    offer_accept(user=a, offer_id=_offer(dispatch, a).pk)

    dispatch_close(user=scene.staff, dispatch_id=dispatch.pk, outcome="false_alarm")

    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.outcome) == ("closed", "false_alarm")
    assert _offer(dispatch, b).status == OfferStatus.STOOD_DOWN
    closed = Event.objects.get(type="dispatch.closed")
    assert f"user.{a.pk}" in set(closed.audiences.values_list("group", flat=True))
    with pytest.raises(Conflict):
        offer_accept(user=b, offer_id=_offer(dispatch, b).pk)


@pytest.mark.django_db
def test_staff_of_another_community_cannot_close_it(scene: Scene) -> None:
    from django.http import Http404

    from tests.factories import CommunityFactory, make_staff

    scene.make_volunteer(100)
    dispatch = _open(scene)
    stranger = make_staff(CommunityFactory())

    with pytest.raises(Http404):
        dispatch_close(user=stranger, dispatch_id=dispatch.pk, outcome="resolved")

    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.OPEN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_accepts_for_three_places(scene: Scene, settings: object) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    settings.DISPATCH_OFFERS_PER_PERSON = 17  # 51 offers
    volunteers = [scene.make_volunteer(5 + i * 9) for i in range(50)]
    dispatch = _open(scene, people_needed=3)
    offers = {v.pk: _offer(dispatch, v).pk for v in volunteers}
    assert len(offers) == 50
    start = threading.Barrier(50)
    answers: dict[int, str] = {}

    def accept(volunteer: User) -> None:
        start.wait()
        try:
            offer_accept(user=volunteer, offer_id=offers[volunteer.pk])
            answers[volunteer.pk] = "accepted"
        except Conflict as error:
            answers[volunteer.pk] = str(error.get_codes())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers.values()).count("accepted") == 3
    assert sorted(answers.values()).count("filled") == 47
    statuses = list(dispatch.offers.values_list("status", flat=True))
    assert statuses.count("accepted") == 3
    assert statuses.count("stood_down") == 47
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.FILLED
