"""Coverage figures per community, district and city: a fixed handful of aggregate queries.

Residents come from the buildings (the truth); balance and worker load come from the
stored grid populations, judged against each community's ideal size, population / grids,
as the partition judges them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from grids.models import Building, Community, District, Grid, GridAssignment
from grids.partition import TOLERANCE
from grids.selectors.users import user_managed_district_ids, user_staff_communities

RESIDENTS_PER_WORKER_STANDARD = 500


@dataclass(frozen=True)
class WorkerLoad:
    """Residents per worker on duty: the smallest, the median and the largest grid covered."""

    minimum: int | None
    median: float | None
    maximum: int | None


@dataclass(frozen=True)
class Coverage:
    """Coverage of one place (``kind`` city, district or community)."""

    kind: str
    id: int | None
    code: str
    name: str
    residents: int
    grids: int
    workers_on_duty: int
    uncovered_grids: int
    grids_out_of_balance: int
    oversized_single_unit_grids: int
    worker_load: WorkerLoad
    standard_residents_per_worker: int = RESIDENTS_PER_WORKER_STANDARD

    @property
    def residents_per_worker(self) -> float | None:
        return round(self.residents / self.workers_on_duty, 1) if self.workers_on_duty else None


@dataclass(frozen=True)
class CoverageReport:
    """The figures for the whole scope, and one row per place one level down."""

    totals: Coverage
    breakdown: list[Coverage] = field(default_factory=list)


@dataclass
class _Tally:
    """Running sums for one place."""

    residents: int = 0
    grids: int = 0
    covered: int = 0
    out_of_balance: int = 0
    oversized: int = 0
    loads: list[int] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        self.residents += other.residents
        self.grids += other.grids
        self.covered += other.covered
        self.out_of_balance += other.out_of_balance
        self.oversized += other.oversized
        self.loads += other.loads

    def coverage(self, kind: str, id: int | None, code: str, name: str) -> Coverage:
        loads = sorted(self.loads)
        return Coverage(
            kind=kind,
            id=id,
            code=code,
            name=name,
            residents=self.residents,
            grids=self.grids,
            workers_on_duty=self.covered,
            uncovered_grids=self.grids - self.covered,
            grids_out_of_balance=self.out_of_balance,
            oversized_single_unit_grids=self.oversized,
            worker_load=WorkerLoad(
                minimum=loads[0] if loads else None,
                median=statistics.median(loads) if loads else None,
                maximum=loads[-1] if loads else None,
            ),
        )


def coverage_report(
    *, user: Any, community_id: int | None = None, district_id: int | None = None
) -> CoverageReport:
    """Coverage of the communities ``user`` runs, narrowed to one district or community.

    Without a filter: the city (or the user's share of it) broken down by district; with a
    district: broken down by community; with a community: that community alone.
    """
    communities = Community.objects.filter(
        Q(pk__in=user_staff_communities(user).values("pk"))
        | Q(district_id__in=user_managed_district_ids(user))
    )
    if not communities.exists():
        raise PermissionDenied(
            _("Only community staff, district managers and administrators see coverage.")
        )
    if district_id is not None:
        communities = communities.filter(district_id=district_id)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    places = list(communities.select_related("district").order_by("pk"))
    if not places and (community_id is not None or district_id is not None):
        raise Http404
    tallies = community_tallies(places)
    if community_id is not None:
        return CoverageReport(totals=_community_coverage(places, tallies)[0])
    if district_id is not None:
        rows = _community_coverage(places, tallies)
        district = places[0].district
        totals = _sum(tallies.values()).coverage(
            "district", district_id, district.code, district.name
        )
        return CoverageReport(totals=totals, breakdown=rows)
    return CoverageReport(
        totals=_sum(tallies.values()).coverage("city", None, "", _("City")),
        breakdown=_district_coverage(places, tallies),
    )


def city_coverage() -> Coverage:
    """The whole city, for the dashboard and scripts (no user scope)."""
    places = list(Community.objects.order_by("pk"))
    return _sum(community_tallies(places).values()).coverage("city", None, "", _("City"))


def community_tallies(communities: list[Community]) -> dict[int, _Tally]:
    """One tally per community, in two queries whatever the number of communities."""
    ids = [c.pk for c in communities]
    tallies = {pk: _Tally() for pk in ids}
    for community_id, residents in _residents_by_community(ids):
        tallies[community_id].residents = int(residents or 0)
    by_community: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    for community_id, population, units, covered in _grid_rows(ids):
        by_community[community_id].append((population, units, covered))
    for community_id, grids in by_community.items():
        _tally_grids(tallies[community_id], grids)
    return tallies


def _residents_by_community(ids: list[int]) -> QuerySet[Any, tuple[int, int]]:
    return (
        Building.objects.filter(community_id__in=ids)
        .values("community_id")
        .annotate(total=Sum("residents"))
        .values_list("community_id", "total")
        .order_by()
    )


def _grid_rows(ids: list[int]) -> QuerySet[Any, tuple[int, int, int, bool]]:
    covered = GridAssignment.objects.filter(grid=OuterRef("pk"), ended_at__isnull=True)
    return (
        Grid.objects.filter(community_id__in=ids, is_active=True)
        .annotate(units=Count("buildings"), covered=Exists(covered))
        .values_list("community_id", "population", "units", "covered")
        .order_by()
    )


def _tally_grids(tally: _Tally, grids: list[tuple[int, int, bool]]) -> None:
    ideal = sum(population for population, _units, _covered in grids) / len(grids)
    tally.grids = len(grids)
    for population, units, covered in grids:
        oversized = units == 1 and population > (1 + TOLERANCE) * ideal
        tally.oversized += oversized
        tally.out_of_balance += not oversized and abs(population - ideal) > TOLERANCE * ideal
        if covered:
            tally.covered += 1
            tally.loads.append(population)


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for tally in tallies:
        total.add(tally)
    return total


def _community_coverage(places: list[Community], tallies: dict[int, _Tally]) -> list[Coverage]:
    return [tallies[c.pk].coverage("community", c.pk, c.code, c.name) for c in places]


def _district_coverage(places: list[Community], tallies: dict[int, _Tally]) -> list[Coverage]:
    districts: dict[int, District] = {}
    per_district: dict[int, _Tally] = defaultdict(_Tally)
    for community in places:
        districts[community.district_id] = community.district
        per_district[community.district_id].add(tallies[community.pk])
    return [
        per_district[pk].coverage("district", pk, districts[pk].code, districts[pk].name)
        for pk in sorted(districts, key=lambda pk: districts[pk].code)
    ]
