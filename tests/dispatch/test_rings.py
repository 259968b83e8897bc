"""Who is offered a dispatch, in which ring, and when the search widens."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from config.realtime.models import Event
from dispatch.models import Dispatch, DispatchStatus, Offer, OfferStatus
from dispatch.services import dispatch_open, dispatch_ring_expire, offer_decline
from tests.dispatch.conftest import INCIDENT, Scene

pytestmark = pytest.mark.django_db


def _open(scene: Scene, **kwargs: object) -> Dispatch:
    return dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1], **kwargs)


def _offered(dispatch: Dispatch) -> list[int]:
    return list(dispatch.offers.order_by("distance_m").values_list("volunteer_id", flat=True))


def _expire(dispatch: Dispatch) -> bool:
    Dispatch.objects.filter(pk=dispatch.pk).update(ring_deadline_at=timezone.now())
    dispatch.refresh_from_db()
    return dispatch_ring_expire(dispatch_id=dispatch.pk, ring=dispatch.ring)


def test_the_three_nearest_in_the_first_ring_are_offered_nearest_first(scene: Scene) -> None:
    near = [scene.make_volunteer(d) for d in (100, 200, 300, 400)]
    scene.make_volunteer(800)  # second ring

    dispatch = _open(scene)

    assert _offered(dispatch) == [v.pk for v in near[:3]]
    assert list(dispatch.offers.values_list("ring", "distance_m")) == [
        (0, 100), (0, 200), (0, 300)
    ]  # fmt: skip
    assert dispatch.status == DispatchStatus.OPEN
    assert dispatch.ring == 0
    assert dispatch.ring_deadline_at is not None


def test_three_offers_per_person_needed(scene: Scene) -> None:
    near = [scene.make_volunteer(d) for d in range(50, 450, 50)]  # 8 people

    dispatch = _open(scene, people_needed=2)

    assert _offered(dispatch) == [v.pk for v in near[:6]]


def test_only_active_on_duty_volunteers_who_are_not_busy_are_offered(scene: Scene) -> None:
    scene.make_volunteer(100, on_duty=False)
    scene.make_volunteer(110, status="paused")
    busy = scene.make_volunteer(120)
    other = dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])
    assert _offered(other) == [busy.pk]
    free = scene.make_volunteer(130)

    dispatch = _open(scene)

    assert _offered(dispatch) == [free.pk]


def test_the_daily_alert_limit_is_respected(scene: Scene, settings: object) -> None:
    tired = scene.make_volunteer(100)
    for _ in range(2):
        first = _open(scene)
        offer_decline(user=tired, offer_id=first.offers.get().pk)
    # Made just after local midnight, which is the day before in UTC (Asia/Shanghai is
    # UTC+8): those still count today.
    just_after_midnight = timezone.make_aware(
        datetime.combine(timezone.localdate(), time.min)
    ) + timedelta(seconds=1)
    Offer.objects.filter(volunteer=tired).update(offered_at=just_after_midnight)
    settings.DISPATCH_DAILY_ALERT_LIMIT = 2

    dispatch = _open(scene)

    assert _offered(dispatch) == []


def test_an_expired_or_unconfirmed_certificate_is_never_offered_a_skill_that_needs_it(
    scene: Scene,
) -> None:
    scene.make_volunteer(100, certificate=scene.cpr, certificate_expires_in_days=-1)
    scene.make_volunteer(110, certificate=scene.cpr, certificate_status="pending")
    scene.make_volunteer(120, skills=(scene.cpr,))  # declared, no certificate
    holder = scene.make_volunteer(300, certificate=scene.cpr)

    dispatch = _open(scene, skill=scene.cpr)

    assert _offered(dispatch) == [holder.pk]


def test_a_child_skill_satisfies_its_parent(scene: Scene) -> None:
    certified = scene.make_volunteer(100, certificate=scene.cpr)
    declared = scene.make_volunteer(200, skills=(scene.first_aid,))
    scene.make_volunteer(50)  # no skill

    dispatch = _open(scene, skill=scene.first_aid)

    assert _offered(dispatch) == [certified.pk, declared.pk]


def test_without_a_reported_position_the_base_counts(scene: Scene) -> None:
    based = scene.make_volunteer(150, reported=False)

    dispatch = _open(scene)

    assert _offered(dispatch) == [based.pk]


def test_an_empty_first_ring_widens_at_once(scene: Scene) -> None:
    far = scene.make_volunteer(900)

    dispatch = _open(scene)

    assert dispatch.ring == 1
    assert list(dispatch.offers.values_list("volunteer_id", "ring")) == [(far.pk, 1)]


def test_the_next_ring_is_asked_when_the_ring_time_is_up(scene: Scene) -> None:
    near = scene.make_volunteer(100)
    far = scene.make_volunteer(900)
    dispatch = _open(scene)

    widened = _expire(dispatch)

    dispatch.refresh_from_db()
    assert widened is True
    assert dispatch.ring == 1
    assert _offered(dispatch) == [near.pk, far.pk]
    assert dispatch.offers.get(volunteer=near).status == OfferStatus.OFFERED  # still open


def test_an_early_or_stale_deadline_changes_nothing(scene: Scene) -> None:
    scene.make_volunteer(100)
    scene.make_volunteer(900)
    dispatch = _open(scene)

    early = dispatch_ring_expire(dispatch_id=dispatch.pk, ring=0)
    stale = dispatch_ring_expire(dispatch_id=dispatch.pk, ring=1)

    dispatch.refresh_from_db()
    assert (early, stale, dispatch.ring, dispatch.offers.count()) == (False, False, 0, 1)


def test_enough_declines_widen_at_once(scene: Scene) -> None:
    near = [scene.make_volunteer(d) for d in (100, 200)]
    far = scene.make_volunteer(900)
    dispatch = _open(scene, people_needed=2)

    offer_decline(user=near[0], offer_id=dispatch.offers.get(volunteer=near[0]).pk)

    dispatch.refresh_from_db()
    assert dispatch.ring == 1
    assert _offered(dispatch) == [near[0].pk, near[1].pk, far.pk]


def test_out_of_rings_staff_are_told(scene: Scene) -> None:
    scene.make_volunteer(100)
    dispatch = _open(scene)
    for _ in range(2):
        assert _expire(dispatch) is True

    assert _expire(dispatch) is True

    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.UNFILLED
    assert dispatch.ring_deadline_at is None
    unfilled = Event.objects.get(type="dispatch.unfilled")
    groups = set(unfilled.audiences.values_list("group", flat=True))
    assert groups == {
        f"community.{scene.community.pk}.staff",
        "administrators",
        f"grid.{scene.grid.pk}.worker",
    }


def test_nobody_within_any_ring_is_unfilled_at_once(scene: Scene) -> None:
    scene.make_volunteer(5000)

    dispatch = _open(scene)

    assert dispatch.status == DispatchStatus.UNFILLED
    assert Offer.objects.count() == 0


def test_opening_arms_a_task_for_the_ring_deadline(scene: Scene) -> None:
    from django_tasks_db.models import DBTaskResult

    scene.make_volunteer(100)
    before = timezone.now()

    dispatch = _open(scene)

    task = DBTaskResult.objects.get()
    assert task.task_path == "dispatch.tasks.ring_deadline"
    assert task.args_kwargs == {"args": [], "kwargs": {"dispatch_id": dispatch.pk, "ring": 0}}
    assert task.run_after == dispatch.ring_deadline_at
    assert dispatch.ring_deadline_at >= before + timedelta(seconds=60)
