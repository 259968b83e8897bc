"""Partition communities into grids and store the result, keeping grid identities.

The arithmetic lives in ``grids.partition`` (pure numpy); this module loads the units,
repairs the community's grids locally after a small change (``repair_city``), or, when a
repair cannot reach the tolerance, partitions it from scratch and matches the new grids to
the old ones (``match_labels``), so that grids keep their ids, buildings and workers
wherever they can; then it writes the result in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from grids.models import Building, Community, Grid, User
from grids.partition import (
    TOLERANCE,
    FullReason,
    Method,
    grid_balance,
    match_labels,
    repair_city,
    residents_moved,
)
from grids.services.partition_writes import partition_write


@dataclass(frozen=True)
class PlannedGrid:
    """One grid of a planned partition: an existing grid (``grid_id``) or a new one."""

    grid_id: int | None
    population: int
    buildings: int
    within_tolerance: bool
    oversized_single_unit: bool


@dataclass(frozen=True)
class PartitionReport:
    """What a partition does (preview) or did (apply) to one community."""

    community: Community
    target_grid_size: int
    residents: int
    ideal_grid_size: float
    residents_moved: int
    grids_kept: int
    grids_created: int
    grids_retired: int
    within_tolerance: int
    oversized_single_unit: int
    applied: bool
    method: Method
    full_reason: FullReason | None
    grids: list[PlannedGrid] = field(default_factory=list)

    @property
    def method_note(self) -> str:
        """What was done, in words a member of staff understands."""
        return method_note(
            self.method,
            self.full_reason,
            grids_created=self.grids_created,
            grids_retired=self.grids_retired,
        )

    @property
    def grid_count(self) -> int:
        return len(self.grids)

    @property
    def out_of_balance(self) -> int:
        return self.grid_count - self.within_tolerance - self.oversized_single_unit

    @property
    def within_share(self) -> float:
        judged = self.grid_count - self.oversized_single_unit
        return self.within_tolerance / judged if judged else 1.0


@dataclass
class _Units:
    """The buildings of one community, ordered by id, as arrays."""

    ids: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    residents: np.ndarray
    old_grid: np.ndarray  # grid id, or 0 for none


@dataclass
class _Plan:
    community: Community
    target: int
    units: _Units
    grid_ids: list[int]  # label -> existing grid id (labels past the end are new grids)
    old_labels: np.ndarray
    new_labels: np.ndarray
    retired: list[int]
    method: Method
    full_reason: FullReason | None


# --- public services -------------------------------------------------------------------


def community_partition_preview(
    *, community: Community, target_grid_size: int | None = None
) -> PartitionReport:
    """What re-partitioning ``community`` would change; writes nothing."""
    target = _validated_target(community, target_grid_size)
    plan = _plans([community], target, city_wide=False)[0]
    return _report(plan, applied=False)


@transaction.atomic
def community_partition_apply(
    *, community: Community, target_grid_size: int | None = None, by: User | None = None
) -> PartitionReport:
    """Re-partition ``community`` in one transaction, keeping grid ids and workers where it can."""
    return communities_partition_apply(
        communities=[community], target_grid_size=target_grid_size, by=by
    )[0]


@transaction.atomic
def communities_partition_apply(
    *,
    communities: Sequence[Community] | QuerySet[Community],
    target_grid_size: int | None = None,
    by: User | None = None,
    bulk_write: bool | None = None,
) -> list[PartitionReport]:
    """Re-partition many communities at once: one load, one ``repair_city``, bulk writes.

    This is the path for a whole city (and the benchmark's database write). ``bulk_write``
    picks how rows are written: by default COPY on PostgreSQL and the ORM elsewhere; the
    benchmark and tests choose to compare the two.
    """
    locked = list(
        Community.objects.select_for_update()
        .filter(pk__in=[c.pk for c in communities])
        .order_by("pk")
    )
    if not locked:
        raise ValidationError(_("Choose at least one community to partition."), code="empty")
    targets = {c.pk: _validated_target(c, target_grid_size) for c in locked}
    if target_grid_size is not None:
        Community.objects.filter(pk__in=targets).update(target_grid_size=target_grid_size)
    plans = _plans(locked, target_grid_size, city_wide=len(locked) > 1, targets=targets)
    partition_write(plans, by=by, bulk=_bulk(bulk_write))
    return [_report(plan, applied=True) for plan in plans]


def _bulk(bulk_write: bool | None) -> bool:
    on_postgres = connection.vendor == "postgresql"
    if bulk_write and not on_postgres:
        raise ValueError("bulk_write needs PostgreSQL (it writes with COPY)")
    return on_postgres if bulk_write is None else bulk_write


# --- planning ---------------------------------------------------------------------------


def _validated_target(community: Community, target: int | None) -> int:
    value = community.target_grid_size if target is None else target
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            {"target_grid_size": _("The target grid size must be a whole number above 0.")},
            code="invalid_target",
        )
    if target is not None:
        try:
            Community._meta.get_field("target_grid_size").run_validators(value)
        except ValidationError as error:
            raise ValidationError({"target_grid_size": error.messages}) from error
    return value


def _plans(
    communities: list[Community],
    target: int | None,
    *,
    city_wide: bool,
    targets: dict[int, int] | None = None,
) -> list[_Plan]:
    targets = targets or {c.pk: _validated_target(c, target) for c in communities}
    units = _load_units([c.pk for c in communities])
    active = _active_grids([c.pk for c in communities])
    for community in communities:
        _check_partitionable(community, units.get(community.pk))
    old = {c.pk: _old_labels(units[c.pk], active.get(c.pk, [])) for c in communities}
    # A new target re-plans the community: a count that no longer fits is drawn anew.
    retargeted = {c.pk for c in communities if targets[c.pk] != c.target_grid_size}
    outcomes = _new_labels(
        communities, units, old, targets, city_wide=city_wide, retargeted=retargeted
    )
    return [
        _plan(c, targets[c.pk], units[c.pk], active.get(c.pk, []), old[c.pk], outcomes[c.pk])
        for c in communities
    ]


def _check_partitionable(community: Community, units: _Units | None) -> None:
    if units is None or not len(units.ids):
        raise ValidationError(
            _("Community %(name)s has no buildings to partition.") % {"name": community.name},
            code="empty_community",
        )
    if not units.residents.sum():
        raise ValidationError(
            _("Community %(name)s has no residents to partition.") % {"name": community.name},
            code="empty_community",
        )


def _load_units(community_ids: list[int]) -> dict[int, _Units]:
    query = (
        Building.objects.filter(community_id__in=community_ids)
        .order_by("community_id", "id")
        .values_list("community_id", "id", "lat", "lng", "residents", Coalesce("grid_id", 0))
    )
    # The compiled query on a plain cursor: numbers straight into numpy, without building a
    # Python row per building (half a million of them for a city).
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return {}
    table = np.array(rows, dtype=np.float64)
    community = table[:, 0].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, community[1:] != community[:-1]])
    ends = np.r_[starts[1:], len(community)]
    return {
        int(community[s]): _Units(
            ids=table[s:e, 1].astype(np.int64),
            lat=table[s:e, 2],
            lng=table[s:e, 3],
            residents=table[s:e, 4],
            old_grid=table[s:e, 5].astype(np.int64),
        )
        for s, e in zip(starts, ends, strict=True)
    }


def _active_grids(community_ids: list[int]) -> dict[int, list[int]]:
    grids: dict[int, list[int]] = {}
    rows = (
        Grid.objects.filter(community_id__in=community_ids, is_active=True)
        .order_by("id")
        .values_list("community_id", "id")
    )
    for community_id, grid_id in rows:
        grids.setdefault(community_id, []).append(grid_id)
    return grids


def _old_labels(units: _Units, grid_ids: list[int]) -> np.ndarray:
    """Each building's grid as a position in ``grid_ids`` (ascending), -1 for none."""
    known = np.array(grid_ids, dtype=np.int64)
    if not len(known):
        return np.full(len(units.ids), -1, np.int64)
    position = np.minimum(np.searchsorted(known, units.old_grid), len(known) - 1)
    return np.where(known[position] == units.old_grid, position, -1).astype(np.int64)


@dataclass(frozen=True)
class _Outcome:
    labels: np.ndarray  # old positions when repaired, 0..k-1 still to match when not
    method: Method
    full_reason: FullReason | None


def _new_labels(
    communities: list[Community],
    units: dict[int, _Units],
    old: dict[int, np.ndarray],
    targets: dict[int, int],
    *,
    city_wide: bool,
    retargeted: set[int],
) -> dict[int, _Outcome]:
    """Repair or partition every community: all at once when they share one target. A group
    with a community on a new target splits or dissolves no grid (``repair_city``)."""
    groups = (
        [communities]
        if city_wide and len(set(targets.values())) == 1
        else [[c] for c in communities]
    )
    outcomes: dict[int, _Outcome] = {}
    for group in groups:
        ids = sorted(c.pk for c in group)  # repair_city reports communities in id order
        repair = repair_city(
            np.concatenate([np.full(len(units[pk].ids), pk, np.int64) for pk in ids]),
            np.concatenate([units[pk].lat for pk in ids]),
            np.concatenate([units[pk].lng for pk in ids]),
            np.concatenate([units[pk].residents for pk in ids]),
            np.concatenate([old[pk] for pk in ids]),
            target=targets[ids[0]],
            split_or_dissolve=not retargeted.intersection(ids),
        )
        sizes = np.cumsum([len(units[pk].ids) for pk in ids])[:-1]
        for index, (pk, labels) in enumerate(zip(ids, np.split(repair.labels, sizes), strict=True)):
            outcomes[pk] = _Outcome(labels, repair.methods[index], repair.reasons[index])
    return outcomes


def _plan(
    community: Community,
    target: int,
    units: _Units,
    grid_ids: list[int],
    old: np.ndarray,
    outcome: _Outcome,
) -> _Plan:
    new = outcome.labels
    if outcome.method is Method.FULL:
        new = match_labels(old, new, units.residents)
    used = set(new.tolist())
    retired = [grid_id for label, grid_id in enumerate(grid_ids) if label not in used]
    return _Plan(
        community, target, units, grid_ids, old, new, retired, outcome.method, outcome.full_reason
    )


def _report(plan: _Plan, *, applied: bool) -> PartitionReport:
    labels = np.unique(plan.new_labels, return_inverse=True)
    distinct, dense = labels[0], labels[1]
    balance = grid_balance(dense, plan.units.residents, len(distinct))
    units = np.bincount(dense, minlength=len(distinct))
    ideal = balance.ideal
    planned = []
    for index, label in enumerate(distinct.tolist()):
        population = int(balance.populations[index])
        oversized = bool(units[index] == 1 and population > (1 + TOLERANCE) * ideal)
        planned.append(
            PlannedGrid(
                grid_id=plan.grid_ids[label] if label < len(plan.grid_ids) else None,
                population=population,
                buildings=int(units[index]),
                within_tolerance=abs(population - ideal) <= TOLERANCE * ideal,
                oversized_single_unit=oversized,
            )
        )
    kept = sum(1 for g in planned if g.grid_id is not None)
    return PartitionReport(
        community=plan.community,
        target_grid_size=plan.target,
        residents=int(plan.units.residents.sum()),
        ideal_grid_size=round(ideal, 1),
        residents_moved=residents_moved(plan.old_labels, plan.new_labels, plan.units.residents),
        grids_kept=kept,
        grids_created=len(planned) - kept,
        grids_retired=len(plan.retired),
        within_tolerance=balance.within_tolerance,
        oversized_single_unit=balance.oversized_single_unit,
        applied=applied,
        method=plan.method,
        full_reason=plan.full_reason,
        grids=planned,
    )


def method_note(
    method: Method,
    full_reason: FullReason | None,
    *,
    grids_created: int = 0,
    grids_retired: int = 0,
) -> str:
    """One sentence for staff: a local repair (one grid split or shared out when the count
    changes by one), or why the grids were drawn anew."""
    if method is Method.REPAIR and grids_created:
        return _(
            "Local repair: the community needs one more grid, so one grid was split in two; "
            "the other grids were kept."
        )
    if method is Method.REPAIR and grids_retired:
        return _(
            "Local repair: the community needs one grid fewer, so one grid's buildings were "
            "shared out among its neighbours; the other grids were kept."
        )
    if method is Method.REPAIR:
        return _("Local repair: the grids were kept and only buildings near the change move.")
    notes = {
        FullReason.FIRST_PARTITION: _("Full re-partition: the community had no grids yet."),
        FullReason.GRID_COUNT: _(
            "Full re-partition: the community needs a different number of grids for its "
            "target size."
        ),
        FullReason.OVERSIZED_UNIT: _(
            "Full re-partition: a building is now too large to share a grid."
        ),
        FullReason.OUT_OF_TOLERANCE: _(
            "Full re-partition: a local repair could not keep the grids within ±10%."
        ),
    }
    return notes[full_reason or FullReason.FIRST_PARTITION]
