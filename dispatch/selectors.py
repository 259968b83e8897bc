"""Reads of one-click dispatch: who may be offered an incident, and what each reader sees.

Ranking (``dispatch_candidates``) is the hot path: it reads only volunteers whose position
falls in the ring's bounding box, through the partial indexes on on-duty, active
volunteers' last positions (volunteers) and base positions (this app's migration 0002),
then keeps those truly within the ring, nearest first. No PostGIS: within a city a box
on two indexed columns and the equirectangular distance are exact enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
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
from volunteers.models import (
    Certificate,
    CertificateStatus,
    ProfileStatus,
    Skill,
    VolunteerProfile,
)

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


def _skill_clause(skill: Skill | None, today: date) -> tuple[str, list[Any]]:
    """SQL that keeps profiles holding ``skill`` (nothing when None), and its parameters.

    The certificate rule is volunteers' own (``certificate_valid_q``): confirmed by staff
    and expiring after today.
    """
    if skill is None:
        return "", []
    declared, certified = skill_satisfying_ids(skill)
    skills_table = VolunteerProfile.skills.through._meta.db_table
    marks = ", ".join(["%s"] * len(certified))
    clause = (
        f" AND (EXISTS (SELECT 1 FROM {Certificate._meta.db_table} c WHERE c.profile_id = p.id"
        f" AND c.skill_id IN ({marks}) AND c.status = %s AND c.expires_on > %s)"
    )
    params: list[Any] = [*certified, CertificateStatus.CONFIRMED, today]
    if declared:
        clause += (
            f" OR EXISTS (SELECT 1 FROM {skills_table} s WHERE s.volunteerprofile_id = p.id"
            f" AND s.skill_id IN ({', '.join(['%s'] * len(declared))}))"
        )
        params += list(declared)
    return clause + ")", params


def _ranking_sql(skill_clause: str) -> str:
    """Two box queries, one per kind of position, each on its partial index, then the
    busy and daily-limit rules on the few rows found.

    Written as SQL because it is the hot path of every dispatch: building it through the
    ORM cost several times what running it does.
    """
    profiles = VolunteerProfile._meta.db_table
    offers, dispatches = Offer._meta.db_table, Dispatch._meta.db_table
    box = "{0}_lat BETWEEN %s AND %s AND {0}_lng BETWEEN %s AND %s"
    duty = "p.on_duty AND p.status = %s"
    return (
        f"SELECT c.user_id, c.lat, c.lng FROM ("
        f"SELECT p.user_id, p.last_lat AS lat, p.last_lng AS lng FROM {profiles} p"
        f" WHERE {duty} AND p.last_lat IS NOT NULL AND {box.format('p.last')}{skill_clause}"
        f" UNION ALL "
        f"SELECT p.user_id, p.base_lat, p.base_lng FROM {profiles} p"
        f" WHERE {duty} AND p.last_lat IS NULL AND p.base_lat IS NOT NULL"
        f" AND {box.format('p.base')}{skill_clause}"
        f") c WHERE NOT EXISTS (SELECT 1 FROM {offers} o JOIN {dispatches} d"
        f" ON d.id = o.dispatch_id WHERE o.volunteer_id = c.user_id"
        f" AND o.status IN ({', '.join(['%s'] * len(BUSY_OFFER))})"
        f" AND d.status IN ({', '.join(['%s'] * len(LIVE_DISPATCH))}))"
        f" AND (SELECT COUNT(*) FROM {offers} o WHERE o.volunteer_id = c.user_id"
        f" AND o.offered_at >= %s) < %s"
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

    Eligible: active and on duty, holding ``skill`` (any volunteer when None), not busy
    (a pending or taken offer on a dispatch still under way) and offered fewer than
    ``DISPATCH_DAILY_ALERT_LIMIT`` dispatches since local midnight. A volunteer's position
    is their last reported one, or their base when they never reported one.
    """
    today = timezone.localdate()
    south, north, west, east = bounding_box(lat, lng, radius_m)
    skill_clause, skill_params = _skill_clause(skill, today)
    branch = [ProfileStatus.ACTIVE, south, north, west, east, *skill_params]
    # Raw SQL gets no field adaptation: on SQLite an aware datetime would be compared as
    # text ("...+08:00") with the stored UTC text, and miss offers made between local
    # midnight and UTC midnight.
    midnight = connection.ops.adapt_datetimefield_value(
        timezone.make_aware(datetime.combine(today, time.min))
    )
    params = [*branch, *branch, *BUSY_OFFER, *LIVE_DISPATCH, midnight]
    params.append(settings.DISPATCH_DAILY_ALERT_LIMIT)
    with connection.cursor() as cursor:
        cursor.execute(_ranking_sql(skill_clause), params)
        rows = cursor.fetchall()
    found: list[Candidate] = []
    for user_id, their_lat, their_lng in rows:
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
