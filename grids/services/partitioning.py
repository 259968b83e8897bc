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
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, JSONField, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Building, Community, Grid, GridAssignment, User
from grids.partition import (
    TOLERANCE,
    FullReason,
    Method,
    boundary_polygon,
    grid_balance,
    match_labels,
    repair_city,
    residents_moved,
)

WRITE_BATCH = 2000


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
        return method_note(self.method, self.full_reason)

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
) -> list[PartitionReport]:
    """Re-partition many communities at once: one load, one ``partition_city``, bulk writes.

    This is the path for a whole city (and the benchmark's database write).
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
    _write(plans, by=by)
    return [_report(plan, applied=True) for plan in plans]


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
    outcomes = _new_labels(communities, units, old, targets, city_wide=city_wide)
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
    rows = list(
        Building.objects.filter(community_id__in=community_ids)
        .order_by("community_id", "id")
        .values_list("community_id", "id", "lat", "lng", "residents", "grid_id")
    )
    if not rows:
        return {}
    table = np.array([[r[0], r[1], r[2], r[3], r[4], r[5] or 0] for r in rows], dtype=np.float64)
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
) -> dict[int, _Outcome]:
    """Repair or partition every community: all at once when they share one target."""
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


def method_note(method: Method, full_reason: FullReason | None) -> str:
    """One sentence for staff: a local repair, or why the grids were drawn anew."""
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


# --- writing ----------------------------------------------------------------------------


def _write(plans: list[_Plan], *, by: User | None) -> None:
    new_grids = _create_grids(plans)
    building_rows: list[tuple[int, int]] = []
    grid_rows: list[GridRow] = []
    retired: list[int] = []
    for plan in plans:
        grid_of_label = plan.grid_ids + new_grids[plan.community.pk]
        target = np.array(grid_of_label, dtype=np.int64)[plan.new_labels]
        changed = np.flatnonzero(target != plan.units.old_grid)
        building_rows += [(int(target[i]), int(plan.units.ids[i])) for i in changed]
        grid_rows += _grid_rows(plan, grid_of_label)
        retired += plan.retired
    _update_many(Building, ["grid"], building_rows)
    _update_many(Grid, GRID_FIELDS, grid_rows)
    _retire(retired, by=by)


def _update_many(model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """``UPDATE ... WHERE pk = %s`` for many rows in one ``executemany``.

    ``bulk_update`` builds a CASE expression per batch and spent over 90% of a city-wide
    apply compiling it; a prepared statement run many times is two orders faster on SQLite
    and PostgreSQL alike.
    """
    if not rows:
        return
    meta = model._meta
    columns: list[Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    pk_column = quote(str(meta.pk.column)) if meta.pk else "id"
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {pk_column} = %s"
    # Only JSON needs the field's own preparation; numbers, booleans and None pass as they are.
    prepare = [f.get_db_prep_save if isinstance(f, JSONField) else None for f in columns]
    params = [
        [p(v, connection) if p else v for p, v in zip(prepare, row[:-1], strict=True)] + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH * 10):
            cursor.executemany(sql, params[start : start + WRITE_BATCH * 10])


def _create_grids(plans: list[_Plan]) -> dict[int, list[int]]:
    """Create the grids each plan needs beyond the existing ones; their ids by community."""
    taken = set(
        Grid.objects.filter(community_id__in=[p.community.pk for p in plans]).values_list(
            "code", flat=True
        )
    )
    pending: list[Grid] = []
    owners: list[int] = []
    for plan in plans:
        needed = int(plan.new_labels.max()) + 1 - len(plan.grid_ids)
        number = 0
        for _index in range(max(needed, 0)):
            number += 1
            while f"{plan.community.code}-{number:03d}" in taken:
                number += 1
            code = f"{plan.community.code}-{number:03d}"
            taken.add(code)
            name = _("%(community)s grid %(number)d") % {
                "community": plan.community.name,
                "number": number,
            }
            pending.append(Grid(community=plan.community, code=code, name=name[:64]))
            owners.append(plan.community.pk)
    created: dict[int, list[int]] = {p.community.pk: [] for p in plans}
    for owner, grid in zip(owners, Grid.objects.bulk_create(pending), strict=True):
        created[owner].append(grid.pk)
    return created


GridRow = tuple[int, dict[str, Any] | None, float | None, float | None, bool, int]
"""population, boundary, centroid_lat, centroid_lng, is_active, pk: as ``GRID_FIELDS``."""
GRID_FIELDS = ["population", "boundary", "centroid_lat", "centroid_lng", "is_active"]


def _grid_rows(plan: _Plan, grid_of_label: list[int]) -> list[GridRow]:
    """Population, boundary and centre of every grid the plan uses, plus retired ones."""
    units, labels = plan.units, plan.new_labels
    count = int(labels.max()) + 1
    population = np.bincount(labels, weights=units.residents, minlength=count)
    # Centres weighted by residents; a grid without residents takes its buildings' mean.
    weight = np.where(population[labels] > 0, units.residents, 1.0)
    total = np.maximum(np.bincount(labels, weights=weight, minlength=count), 1e-12)
    centre_lat = np.bincount(labels, weights=weight * units.lat, minlength=count) / total
    centre_lng = np.bincount(labels, weights=weight * units.lng, minlength=count) / total
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    rows: list[GridRow] = []
    for start, end in zip(starts, np.r_[starts[1:], len(labels)], strict=True):
        label, members = int(sorted_labels[start]), order[start:end]
        boundary = boundary_polygon(units.lng[members], units.lat[members])
        rows.append((int(population[label]), boundary, float(centre_lat[label]),
                     float(centre_lng[label]), True, grid_of_label[label]))  # fmt: skip
    rows += [(0, None, None, None, False, pk) for pk in plan.retired]
    return rows


def _retire(grid_ids: list[int], *, by: User | None) -> None:
    """End the cover of grids left without buildings; the assignment rows stay as history."""
    if grid_ids:
        GridAssignment.objects.filter(grid_id__in=grid_ids, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=by
        )
