"""Reads of the Open311 adapter: public, so only hazards any citizen may know about.

Hazards from whistleblowers never appear here, and nothing personal is fetched with them:
the one field read from the Open311 submission is the link the client itself published.
What of a hazard is published is decided in ``representations`` (the publication rule).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from inspections.models import Hazard, HazardSource, HazardStatus
from inspections.open311.models import Open311Submission

CLOSED_STATUSES = (HazardStatus.CLOSED, HazardStatus.REJECTED, HazardStatus.DUPLICATE)


def max_requests() -> int:
    return int(settings.OPEN311_MAX_REQUESTS)


def open311_hazards() -> QuerySet[Hazard]:
    """Every public hazard with what its Open311 representation needs, in one query."""
    public_media = Open311Submission.objects.filter(hazard=OuterRef("pk")).values("media_url")[:1]
    return (
        Hazard.objects.exclude(source=HazardSource.WHISTLEBLOWER)
        .select_related("category", "community", "building", "duplicate_of")
        .annotate(public_media_url=Subquery(public_media))
    )


@dataclass(frozen=True)
class RequestQuery:
    """The spec's filters; ``ids`` override all the others."""

    ids: Collection[str] = ()
    service_codes: Collection[str] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: Collection[str] = ()


def open311_request_list(*, query: RequestQuery) -> list[Hazard]:
    """Newest first, at most ``OPEN311_MAX_REQUESTS``."""
    hazards = open311_hazards()
    if query.ids:
        hazards = hazards.filter(number__in=list(query.ids))
    else:
        if query.service_codes:
            hazards = hazards.filter(category__code__in=list(query.service_codes))
        if query.start is not None:
            hazards = hazards.filter(created_at__gte=query.start)
        if query.end is not None:
            hazards = hazards.filter(created_at__lte=query.end)
        hazards = hazards.filter(_status_filter(query.statuses))
    return list(hazards.order_by("-created_at", "-id")[: max_requests()])


def _status_filter(statuses: Collection[str]) -> Q:
    wanted = set(statuses)
    if wanted == {"open"}:
        return ~Q(status__in=CLOSED_STATUSES)
    if wanted == {"closed"}:
        return Q(status__in=CLOSED_STATUSES)
    return Q()


def open311_request_get(*, service_request_id: str) -> Hazard:
    hazard = open311_hazards().filter(number=service_request_id).first()
    if hazard is None:
        raise Http404
    return hazard


def open311_token_get(*, token: str) -> Open311Submission:
    """The submission a token stands for (tokens are issued only for Open311 reports)."""
    submission = (
        Open311Submission.objects.select_related("hazard")
        .only("token", "hazard__number")
        .filter(token=token)
        .first()
    )
    if submission is None:
        raise Http404
    return submission
