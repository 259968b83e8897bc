"""Writing a partition: new grids, the buildings' grid, the grids' figures, retired cover.

Two paths write the same rows. The ORM path runs one prepared ``UPDATE`` many times
(``executemany``); on PostgreSQL the bulk path sends the rows with ``COPY`` into a
temporary table and applies them with one ``UPDATE ... FROM``, which is what writes a
25-million-resident city in seconds (bench/partition.py). Tests pin that both paths leave
the same rows behind.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from django.db.models import Field, JSONField, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Building, Grid, GridAssignment, User
from grids.partition.geometry import boundary_polygons

if TYPE_CHECKING:
    from grids.services.partitioning import _Plan

WRITE_BATCH = 2000


def partition_write(plans: list[_Plan], *, by: User | None, bulk: bool) -> None:
    """Write every plan: ``bulk`` sends the rows with COPY (PostgreSQL only)."""
    new_grids = _create_grids(plans, bulk=bulk)
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
    update = _copy_many if bulk else _update_many
    update(Building, ["grid"], building_rows)
    update(Grid, GRID_FIELDS, grid_rows)
    _retire(retired, by=by)


def _copy_many(model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """The rows ``_update_many`` would write, sent with COPY and applied in one UPDATE."""
    if not rows:
        return
    meta = model._meta
    columns: list[Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    quote = connection.ops.quote_name
    staging = quote(f"partition_copy_{meta.db_table}")
    pk_column = quote(str(meta.pk.column)) if meta.pk else "id"
    typed = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in columns)
    is_json = [isinstance(f, JSONField) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({typed}, {pk_column} bigint)")
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {staging} ({names}, {pk_column}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(v) if j and v is not None else v
                     for j, v in zip(is_json, row[:-1], strict=True)] + [row[-1]]
                )  # fmt: skip
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
            f"FROM {staging} AS s WHERE t.{pk_column} = s.{pk_column}"
        )
        cursor.execute(f"DROP TABLE {staging}")


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


def _create_grids(plans: list[_Plan], *, bulk: bool) -> dict[int, list[int]]:
    """Create the grids each plan needs beyond the existing ones; their ids by community.

    They start with the model's defaults, as ``bulk_create`` would make them; the grid
    figures are written with the kept grids' afterwards.
    """
    taken = set(
        Grid.objects.filter(community_id__in=[p.community.pk for p in plans]).values_list(
            "code", flat=True
        )
    )
    pending: list[tuple[int, str, str]] = []
    name_pattern = _("%(community)s grid %(number)d")
    for plan in plans:
        needed = int(plan.new_labels.max()) + 1 - len(plan.grid_ids)
        number = 0
        for _index in range(max(needed, 0)):
            number += 1
            while f"{plan.community.code}-{number:03d}" in taken:
                number += 1
            code = f"{plan.community.code}-{number:03d}"
            taken.add(code)
            name = name_pattern % {"community": plan.community.name, "number": number}
            pending.append((plan.community.pk, code, name[:64]))
    ids = _copy_new_grids(pending) if bulk else _bulk_create_grids(pending)
    created: dict[int, list[int]] = {p.community.pk: [] for p in plans}
    for (owner, _code, _name), grid_id in zip(pending, ids, strict=True):
        created[owner].append(grid_id)
    return created


def _bulk_create_grids(pending: list[tuple[int, str, str]]) -> list[int]:
    grids = [Grid(community_id=owner, code=code, name=name) for owner, code, name in pending]
    return [grid.pk for grid in Grid.objects.bulk_create(grids)]


def _copy_new_grids(pending: list[tuple[int, str, str]]) -> list[int]:
    """Insert grids by COPY with ids drawn from the table's sequence, in order."""
    if not pending:
        return []
    defaults = Grid()  # the model's defaults, exactly what bulk_create would write
    fixed = [defaults.population, None, None, None, defaults.is_active]
    table = connection.ops.quote_name(Grid._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Grid._meta.db_table, len(pending)],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
        columns = "id, community_id, code, name, population, boundary, centroid_lat, " \
            "centroid_lng, is_active"  # fmt: skip
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for grid_id, (owner, code, name) in zip(ids, pending, strict=True):
                copy.write_row([grid_id, owner, code, name, *fixed])
    return ids


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
    used, dense = np.unique(labels, return_inverse=True)
    boundaries = boundary_polygons(units.lng, units.lat, dense)
    rows: list[GridRow] = []
    for label, boundary in zip(used.tolist(), boundaries, strict=True):
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
