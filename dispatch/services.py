"""Writes of one-click dispatch: open, offer in rings, accept, decline, report steps, close.

Concurrency. Every write that can change who holds a place locks the dispatch row first
(``SELECT ... FOR UPDATE``) and only then reads or writes its offers, so the order is
always dispatch, then offers, and two writers of the same dispatch queue behind each other
instead of deadlocking. That one lock is what makes "the first N who accept take it"
exact: fifty accepts at the same instant run one after another, each counting the places
taken after the previous one committed; the N+1-th finds it filled and gets a 409. On
SQLite the lock is a no-op, and the IMMEDIATE transactions (config.settings) serialise
writers the same way.

Timers. A ring's deadline is a column of the dispatch and a task row of the task runner,
both written in the transaction that starts the ring. The task
(``dispatch.tasks.ring_deadline``) calls ``dispatch_ring_expire``, which does nothing
unless the dispatch is still open on that ring and its deadline has passed, so a task run
twice, late, or re-armed by ``dispatch_resume`` after a killed runner never widens twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.errors import Conflict
from config.idempotency import content_fingerprint, idempotent_replay
from dispatch import events
from dispatch.models import (
    MAX_PEOPLE,
    PENDING_OFFER,
    PROGRESS_STEPS,
    TAKEN_OFFER,
    Dispatch,
    DispatchStatus,
    Offer,
    OfferStatus,
    Outcome,
    Urgency,
)
from dispatch.selectors import dispatch_candidates
from grids.models import Grid, Role
from grids.selectors import (
    locate,
    user_active_grid,
    user_is_administrator,
    user_roles,
    user_staff_communities,
)
from volunteers.models import Skill


# --- Opening ----------------------------------------------------------------------------------
def _may_open(user: Any, community_id: int, grid: Grid | None) -> bool:
    if user_is_administrator(user):
        return True
    if user_staff_communities(user).filter(pk=community_id).exists():
        return True
    # A grid worker opens one from the field app for an incident in their community.
    worker_grid = user_active_grid(user) if Role.GRID_WORKER.value in user_roles(user) else None
    return worker_grid is not None and worker_grid.community_id == community_id


def _area(community_name: str, grid: Grid | None) -> str:
    return f"{community_name} {grid.name}" if grid is not None else community_name


def dispatch_open(
    *,
    user: Any,
    lat: float | None = None,
    lng: float | None = None,
    people_needed: int = 1,
    skill: Skill | None = None,
    urgency: str = Urgency.URGENT,
    is_drill: bool = False,
    address: str = "",
    description: str = "",
    hazard: Any | None = None,
    client_uuid: uuid.UUID | None = None,
) -> Dispatch:
    """Open a dispatch at a place (or a hazard's) and offer it to the first ring at once.

    With ``client_uuid`` a retry of the same request returns the dispatch the first send
    opened (``replayed`` True) and asks nobody again; the same UUID with other content is a
    409."""
    if hazard is not None:
        lat = hazard.lat if lat is None else lat
        lng = hazard.lng if lng is None else lng
        address = address or hazard.address
    if lat is None or lng is None:
        raise ValidationError({"lat": _("Give the place: latitude and longitude, or a hazard.")})
    fingerprint = content_fingerprint(
        round(lat, 6), round(lng, 6), people_needed, skill.code if skill else None, urgency,
        is_drill, address.strip(), description.strip(), hazard.pk if hazard else None, user.pk,
    )  # fmt: skip
    if (replay := _replay(client_uuid, fingerprint)) is not None:
        return replay
    if not 1 <= people_needed <= MAX_PEOPLE:
        raise ValidationError(
            {"people_needed": _("Ask for between 1 and %(max)d people.") % {"max": MAX_PEOPLE}}
        )
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose routine, urgent or emergency.")})
    place = locate(lat=lat, lng=lng)
    if not _may_open(user, place.community.pk, place.grid):
        raise PermissionDenied(_("You may open a dispatch only in a community you serve."))
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                community=place.community,
                grid=place.grid,
                hazard=hazard,
                lat=lat,
                lng=lng,
                address=address or place.building.address or place.building.name,
                area=_area(place.community.name, place.grid),
                description=description,
                skill=skill,
                people_needed=people_needed,
                urgency=urgency,
                is_drill=is_drill,
                rings_m=list(settings.DISPATCH_RINGS_M),
                ring_seconds=settings.DISPATCH_RING_SECONDS,
                offers_per_person=settings.DISPATCH_OFFERS_PER_PERSON,
                opened_by=user,
                client_uuid=client_uuid,
                fingerprint=fingerprint if client_uuid else "",
            )
            events.announce_dispatch(type=events.OPENED, dispatch=dispatch)
            _search(dispatch, now=timezone.now())
    except IntegrityError:
        # A parallel retry with the same UUID won the race: answer with its dispatch.
        if client_uuid is None or (replay := _replay(client_uuid, fingerprint)) is None:
            raise
        return replay
    return dispatch


def _replay(client_uuid: uuid.UUID | None, fingerprint: str) -> Dispatch | None:
    replay = idempotent_replay(
        Dispatch.objects.all(),
        client_uuid=client_uuid,
        fingerprint=fingerprint,
        conflict_message=_("This client UUID was already used to open a different dispatch."),
        current=lambda existing: {"id": existing.pk, "status": existing.status},
    )
    if replay is not None:
        replay.replayed = True
    return replay


# --- Rings ------------------------------------------------------------------------------------
def _counts(dispatch: Dispatch) -> tuple[int, int]:
    """(pending, taken) offers of a dispatch; done counts as taken."""
    rows = dispatch.offers.values_list("status", flat=True)
    pending = sum(1 for status in rows if status in PENDING_OFFER)
    taken = sum(1 for status in rows if status in (*TAKEN_OFFER, OfferStatus.DONE))
    return pending, taken


def _offer_ring(dispatch: Dispatch) -> list[Offer]:
    """Offer the current ring's nearest new volunteers, as many as the places still need."""
    pending, taken = _counts(dispatch)
    wanted = dispatch.offers_per_person * (dispatch.people_needed - taken) - pending
    if wanted <= 0:
        return []
    already = set(dispatch.offers.values_list("volunteer_id", flat=True))
    found = dispatch_candidates(
        lat=dispatch.lat,
        lng=dispatch.lng,
        radius_m=dispatch.rings_m[dispatch.ring],
        limit=wanted,
        skill=dispatch.skill,
        exclude_user_ids=already,
    )
    offers = Offer.objects.bulk_create(
        Offer(
            dispatch=dispatch,
            volunteer_id=candidate.user_id,
            ring=dispatch.ring,
            distance_m=round(candidate.distance_m),
        )
        for candidate in found
    )
    events.announce_offers(dispatch=dispatch, offers=offers)
    return offers


def _search(dispatch: Dispatch, *, now: datetime) -> None:
    """Offer the current ring; a ring with nobody new in it widens at once; then arm its timer.

    Called with the dispatch row locked (or just created).
    """
    while True:
        offered = _offer_ring(dispatch)
        pending, taken = _counts(dispatch)
        if offered or pending + taken >= dispatch.people_needed:
            _arm_deadline(dispatch, now=now)
            return
        if dispatch.ring + 1 >= len(dispatch.rings_m):
            _out_of_rings(dispatch, now=now)
            return
        dispatch.ring += 1


def _arm_deadline(dispatch: Dispatch, *, now: datetime) -> None:
    from dispatch.tasks import ring_deadline  # the task module imports these services

    dispatch.ring_deadline_at = now + timedelta(seconds=dispatch.ring_seconds)
    dispatch.save(update_fields=["ring", "ring_deadline_at"])
    ring_deadline.using(run_after=dispatch.ring_deadline_at).enqueue(
        dispatch_id=dispatch.pk, ring=dispatch.ring
    )


def _out_of_rings(dispatch: Dispatch, *, now: datetime) -> None:
    dispatch.status = DispatchStatus.UNFILLED
    dispatch.unfilled_at = now
    dispatch.ring_deadline_at = None
    dispatch.save(update_fields=["ring", "status", "unfilled_at", "ring_deadline_at"])
    events.announce_dispatch(type=events.UNFILLED, dispatch=dispatch)


def _widen(dispatch: Dispatch, *, now: datetime) -> None:
    if dispatch.ring + 1 >= len(dispatch.rings_m):
        _out_of_rings(dispatch, now=now)
        return
    dispatch.ring += 1
    events.announce_dispatch(type=events.WIDENED, dispatch=dispatch)
    _search(dispatch, now=now)


def _locked(dispatch_id: int) -> Dispatch:
    dispatch = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("skill")
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


@transaction.atomic
def dispatch_ring_expire(*, dispatch_id: int, ring: int) -> bool:
    """A ring's time is up: widen unless filled, moved on or closed. True when it widened."""
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None:
        return False
    dispatch = _locked(dispatch_id)
    now = timezone.now()
    if dispatch.status != DispatchStatus.OPEN or dispatch.ring != ring:
        return False
    if dispatch.ring_deadline_at is None or dispatch.ring_deadline_at > now:
        return False
    _widen(dispatch, now=now)
    return True


def dispatch_resume() -> int:
    """Re-arm the timer of every open dispatch (after a runner was killed); idempotent.

    A task a killed runner was running stays "running" in the task table and is never
    picked up again; this enqueues the ring's deadline anew from the dispatch row, and
    ``dispatch_ring_expire`` makes a second run harmless. Returns how many were re-armed.
    """
    from dispatch.tasks import ring_deadline

    rows = Dispatch.objects.filter(
        status=DispatchStatus.OPEN, ring_deadline_at__isnull=False
    ).values_list("pk", "ring", "ring_deadline_at")
    count = 0
    for pk, ring, deadline in rows:
        ring_deadline.using(run_after=deadline).enqueue(dispatch_id=pk, ring=ring)
        count += 1
    return count


# --- A volunteer's answers --------------------------------------------------------------------
def _my_offer_locked(*, user: Any, offer_id: int) -> tuple[Dispatch, Offer]:
    """Lock the dispatch, then the offer (the one lock order of this module)."""
    mine = Offer.objects.filter(pk=offer_id, volunteer=user)
    dispatch_id = mine.values_list("dispatch_id", flat=True).first()
    if dispatch_id is None:
        raise Http404
    dispatch = _locked(dispatch_id)
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    return dispatch, offer


def _offer_snapshot(offer: Offer) -> dict[str, Any]:
    return {"offer": offer.pk, "status": offer.status}


@transaction.atomic
def offer_see(*, user: Any, offer_id: int) -> Offer:
    """The phone showed the offer; recorded once, later calls change nothing."""
    dispatch, offer = _my_offer_locked(user=user, offer_id=offer_id)
    if offer.status == OfferStatus.OFFERED:
        offer.status = OfferStatus.SEEN
        offer.seen_at = timezone.now()
        offer.save(update_fields=["status", "seen_at"])
        events.announce_offer_change(offer=offer, dispatch=dispatch)
    return offer


@transaction.atomic
def offer_accept(*, user: Any, offer_id: int) -> Offer:
    """Take one of the places; the N-th acceptance fills it and stands everyone else down."""
    dispatch, offer = _my_offer_locked(user=user, offer_id=offer_id)
    if offer.status in (*TAKEN_OFFER, OfferStatus.DONE):
        return offer  # a retry from a phone whose first answer got through
    if dispatch.status == DispatchStatus.CLOSED:
        raise Conflict(
            _("This dispatch is closed: you are not needed."),
            code="closed",
            current=_offer_snapshot(offer),
        )
    _pending, taken = _counts(dispatch)
    if offer.status not in PENDING_OFFER or taken >= dispatch.people_needed:
        raise Conflict(
            _("Already filled: enough volunteers accepted. Thank you, you are not needed."),
            code="filled",
            current=_offer_snapshot(offer),
        )
    now = timezone.now()
    offer.status = OfferStatus.ACCEPTED
    offer.accepted_at = now
    offer.seen_at = offer.seen_at or now
    offer.save(update_fields=["status", "accepted_at", "seen_at"])
    if dispatch.first_accepted_at is None:
        dispatch.first_accepted_at = now
        dispatch.save(update_fields=["first_accepted_at"])
    events.announce_offer_change(offer=offer, dispatch=dispatch)
    if taken + 1 >= dispatch.people_needed:
        _fill(dispatch, now=now)
    return offer


def _stand_down_pending(dispatch: Dispatch, *, now: datetime, reason: str) -> None:
    pending = dispatch.offers.filter(status__in=PENDING_OFFER)
    user_ids = list(pending.values_list("volunteer_id", flat=True))
    pending.update(status=OfferStatus.STOOD_DOWN, stood_down_at=now)
    events.announce_stand_down(dispatch=dispatch, user_ids=user_ids, reason=reason)


def _taken_user_ids(dispatch: Dispatch) -> list[int]:
    taken = dispatch.offers.filter(status__in=[*TAKEN_OFFER, OfferStatus.DONE])
    return list(taken.values_list("volunteer_id", flat=True))


def _fill(dispatch: Dispatch, *, now: datetime) -> None:
    dispatch.status = DispatchStatus.FILLED
    dispatch.filled_at = now
    dispatch.ring_deadline_at = None
    dispatch.save(update_fields=["status", "filled_at", "ring_deadline_at"])
    _stand_down_pending(dispatch, now=now, reason="filled")
    events.announce_dispatch(
        type=events.FILLED, dispatch=dispatch, people=_taken_user_ids(dispatch)
    )


@transaction.atomic
def offer_decline(*, user: Any, offer_id: int) -> Offer:
    """Say no; when the open offers can no longer fill it, the next ring is asked at once."""
    dispatch, offer = _my_offer_locked(user=user, offer_id=offer_id)
    if offer.status == OfferStatus.DECLINED:
        return offer
    if offer.status not in PENDING_OFFER:
        raise Conflict(
            _("This offer can no longer be declined."),
            code="not_pending",
            current=_offer_snapshot(offer),
        )
    now = timezone.now()
    offer.status = OfferStatus.DECLINED
    offer.declined_at = now
    offer.seen_at = offer.seen_at or now
    offer.save(update_fields=["status", "declined_at", "seen_at"])
    events.announce_offer_change(offer=offer, dispatch=dispatch)
    pending, taken = _counts(dispatch)
    if dispatch.status == DispatchStatus.OPEN and pending + taken < dispatch.people_needed:
        _widen(dispatch, now=now)
    return offer


@transaction.atomic
def offer_progress(
    *, user: Any, offer_id: int, step: str, occurred_at: datetime | None = None
) -> Offer:
    """On the way, arrived, at the task, done: forward only, each with its time.

    ``occurred_at`` is when the volunteer tapped it on the phone, which may be minutes
    before a weak signal let it through. A phone's clock is not trusted beyond the facts
    the server holds: the time recorded is never later than now and never earlier than the
    step before it (or the acceptance)."""
    if step not in PROGRESS_STEPS:
        raise ValidationError(
            {"step": _("Choose one of: en_route, arrived, on_task, done.")}, code="invalid"
        )
    dispatch, offer = _my_offer_locked(user=user, offer_id=offer_id)
    order: list[str] = [OfferStatus.ACCEPTED, *PROGRESS_STEPS]
    if offer.status == step:
        return offer
    if offer.status not in order or order.index(offer.status) > order.index(step):
        raise Conflict(
            _("Only a volunteer who accepted can report this, and only forward."),
            code="not_allowed",
            current=_offer_snapshot(offer),
        )
    now = timezone.now()
    at = _step_time(offer, occurred_at, now=now)
    offer.status = step
    setattr(offer, PROGRESS_STEPS[OfferStatus(step)], at)
    offer.save(update_fields=["status", PROGRESS_STEPS[OfferStatus(step)]])
    if step in (OfferStatus.ARRIVED, OfferStatus.ON_TASK) and (
        dispatch.first_arrived_at is None or at < dispatch.first_arrived_at
    ):
        dispatch.first_arrived_at = at
        dispatch.save(update_fields=["first_arrived_at"])
    events.announce_offer_change(offer=offer, dispatch=dispatch)
    return offer


def _step_time(offer: Offer, occurred_at: datetime | None, *, now: datetime) -> datetime:
    """The phone's time of a step, kept between the last recorded step and now."""
    if occurred_at is None:
        return now
    earlier = [offer.accepted_at, *(getattr(offer, field) for field in PROGRESS_STEPS.values())]
    floor = max((at for at in earlier if at is not None), default=offer.offered_at)
    return min(max(occurred_at, floor), now)


# --- Staff -------------------------------------------------------------------------------------
@transaction.atomic
def dispatch_close(*, user: Any, dispatch_id: int, outcome: str, note: str = "") -> Dispatch:
    """Staff close a dispatch with its outcome; anyone still asked is stood down."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")}, code="invalid")
    visible = Dispatch.objects.filter(pk=dispatch_id)
    if not user_is_administrator(user):
        visible = visible.filter(Q(community__in=user_staff_communities(user)))
    if not visible.exists():
        raise Http404
    dispatch = _locked(dispatch_id)
    if dispatch.status == DispatchStatus.CLOSED:
        raise Conflict(
            _("This dispatch is already closed."),
            code="closed",
            current={"status": dispatch.status, "outcome": dispatch.outcome},
        )
    now = timezone.now()
    dispatch.status = DispatchStatus.CLOSED
    dispatch.outcome = outcome
    dispatch.outcome_note = note
    dispatch.closed_at = now
    dispatch.closed_by = user
    dispatch.ring_deadline_at = None
    dispatch.save(
        update_fields=[
            "status", "outcome", "outcome_note", "closed_at", "closed_by", "ring_deadline_at"
        ]
    )  # fmt: skip
    _stand_down_pending(dispatch, now=now, reason="closed")
    events.announce_dispatch(
        type=events.CLOSED,
        dispatch=dispatch,
        people=_taken_user_ids(dispatch),
        extra={"outcome": outcome},
    )
    return dispatch
