"""Reads of one-click dispatch: who may be offered an incident, and what each reader sees.

Ranking (``dispatch_candidates``) is the hot path: it reads only volunteers whose position
falls in the ring's bounding box, through the partial indexes on on-duty, active
volunteers' last and base positions, then keeps those truly within the ring, nearest
first. No PostGIS: within a city a box on two indexed columns and the equirectangular
distance are exact enough and cost one indexed query per kind of position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from dispatch.models import (
    BUSY_OFFER,
    LIVE_DISPATCH,
    TAKEN_OFFER,
    Dispatch,
    Offer,
    OfferStatus,
)
from grids.selectors import (
    distance_m,
    user_active_grid,
    user_is_administrator,
    user_staff_communities,
)
from volunteers.models import Certificate, ProfileStatus, Skill, VolunteerProfile
from volunteers.selectors import certificate_valid_q

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Candidate:
    """A volunteer who may be offered the dispatch, and how far away they are."""

    user_id: int
    distance_m: float


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of the square that holds a circle of ``radius_m``."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def skill_satisfying_ids(skill: Skill) -> tuple[set[int], set[int]]:
    """Skills that satisfy ``skill`` (itself and its descendants): (declared, certified).

    Holding a child (CPR) satisfies its parent (first aid). A skill that needs a
    certificate counts only through a valid one, so it is in the second set only.
    """
    rows = list(Skill.objects.values_list("pk", "parent_id", "needs_certificate"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _needs in rows:
        children.setdefault(parent_id, []).append(pk)
    needs = {pk for pk, _parent, needs in rows if needs}
    found, todo = set(), [skill.pk]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += children.get(current, [])
    return found - needs, found


def eligible_volunteers(*, skill: Skill | None, today: date | None = None) -> QuerySet[Any]:
    """Active, on-duty volunteers who hold ``skill`` (any when None), not busy, under the limit.

    Busy: a pending or taken offer on a dispatch still under way. The daily limit counts
    offers received since local midnight, drills included.
    """
    today = today or timezone.localdate()
    profiles = VolunteerProfile.objects.filter(status=ProfileStatus.ACTIVE, on_duty=True)
    if skill is not None:
        declared, certified = skill_satisfying_ids(skill)
        valid = Certificate.objects.filter(
            certificate_valid_q(today), profile=OuterRef("pk"), skill_id__in=certified
        )
        holds = VolunteerProfile.skills.through.objects.filter(
            volunteerprofile_id=OuterRef("pk"), skill_id__in=declared
        )
        profiles = profiles.filter(Exists(holds) | Exists(valid))
    busy = Offer.objects.filter(
        volunteer=OuterRef("user_id"), status__in=BUSY_OFFER, dispatch__status__in=LIVE_DISPATCH
    )
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    alerts_today = (
        Offer.objects.filter(volunteer=OuterRef("user_id"), offered_at__gte=midnight)
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        profiles.filter(~Exists(busy))
        .annotate(alerts_today=Coalesce(Subquery(alerts_today), 0))
        .filter(alerts_today__lt=settings.DISPATCH_DAILY_ALERT_LIMIT)
    )


def dispatch_candidates(
    *,
    lat: float,
    lng: float,
    radius_m: float,
    limit: int,
    skill: Skill | None = None,
    exclude_user_ids: set[int] | frozenset[int] = frozenset(),
) -> list[Candidate]:
    """The ``limit`` nearest eligible volunteers within ``radius_m``, nearest first.

    A volunteer's position is their last reported one, or their base when they never
    reported one. Two indexed box queries, then the exact distance on the few rows found.
    """
    south, north, west, east = bounding_box(lat, lng, radius_m)
    eligible = eligible_volunteers(skill=skill)
    reported = eligible.filter(
        last_lat__isnull=False, last_lat__range=(south, north), last_lng__range=(west, east)
    ).values_list("user_id", "last_lat", "last_lng")
    based = eligible.filter(
        last_lat__isnull=True, base_lat__range=(south, north), base_lng__range=(west, east)
    ).values_list("user_id", "base_lat", "base_lng")
    found: list[Candidate] = []
    for user_id, their_lat, their_lng in [*reported, *based]:
        if user_id in exclude_user_ids:
            continue
        metres = distance_m(lat1=lat, lng1=lng, lat2=their_lat, lng2=their_lng)
        if metres <= radius_m:
            found.append(Candidate(user_id=user_id, distance_m=metres))
    found.sort(key=lambda candidate: (candidate.distance_m, candidate.user_id))
    return found[:limit]


# --- What each reader may see -----------------------------------------------------------------
def _dispatch_rows() -> QuerySet[Dispatch]:
    return Dispatch.objects.select_related(
        "community", "grid", "skill", "opened_by", "hazard"
    ).annotate(
        accepted_count=Count("offers", filter=Q(offers__status__in=[*TAKEN_OFFER, "done"])),
        offered_count=Count("offers"),
    )


def dispatch_list(*, user: Any) -> QuerySet[Dispatch]:
    """Dispatches the user follows, newest first.

    Administrators: all; staff: their communities'; a grid worker: their grid's (they are
    always told) and the ones they opened.
    """
    rows = _dispatch_rows()
    if not user_is_administrator(user):
        scope = Q(community__in=user_staff_communities(user)) | Q(opened_by=user)
        grid = user_active_grid(user)
        if grid is not None:
            scope |= Q(grid=grid)
        rows = rows.filter(scope)
    return rows.order_by("-opened_at", "-pk")


def dispatch_get(*, user: Any, dispatch_id: int) -> Dispatch:
    dispatch = dispatch_list(user=user).filter(pk=dispatch_id).first()
    if dispatch is None:
        raise Http404
    return dispatch


def dispatch_offers(*, dispatch: Dispatch) -> QuerySet[Offer]:
    """The status board of one dispatch: every offer with its volunteer, nearest first."""
    return dispatch.offers.select_related("volunteer").order_by("ring", "distance_m", "pk")


def offer_list(*, user: Any, open_only: bool = False) -> QuerySet[Offer]:
    """My offers, newest first; ``open_only``: those I can still answer or am working on."""
    rows = Offer.objects.filter(volunteer=user).select_related(
        "dispatch__community", "dispatch__grid", "dispatch__skill"
    )
    if open_only:
        rows = rows.filter(status__in=[*BUSY_OFFER], dispatch__status__in=LIVE_DISPATCH)
    return rows.order_by("-offered_at", "-pk")


def offer_get(*, user: Any, offer_id: int) -> Offer:
    """One of my own offers; anybody else's is not found."""
    offer = offer_list(user=user).filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


def offer_shows_place(offer: Offer) -> bool:
    """The exact place is shown only to a volunteer who accepted."""
    return offer.accepted_at is not None and offer.status != OfferStatus.STOOD_DOWN


def ring_expired(dispatch: Dispatch, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return dispatch.ring_deadline_at is not None and dispatch.ring_deadline_at <= now
