"""Import buildings and enterprises: all rows or none, unless bad rows are to be skipped.

Rows are matched to what is stored so that importing a newer file updates it: buildings by
name within their community, enterprises by credit code (or by name within the community
when there is none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grids.importing import (
    BuildingRow,
    EnterpriseRow,
    RowError,
    check_building,
    check_enterprise,
)
from grids.models import Building, Community, Enterprise
from grids.selectors.users import locate

BATCH = 2000
Row = TypeVar("Row", BuildingRow, EnterpriseRow)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(ValidationError):
    """Some rows are bad and skipping them was not asked for: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__([str(error) for error in errors], code="bad_rows")
        self.row_errors = errors


def _checked(
    rows: Iterable[tuple[int, dict[str, Any]]],
    check: Callable[[int, dict[str, Any]], tuple[Row | None, list[RowError]]],
    key: Callable[[Row], tuple[str, ...]],
    skip_bad_rows: bool,
) -> tuple[list[Row], ImportReport]:
    report = ImportReport()
    good: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, raw in rows:
        row, errors = check(line, raw)
        if row is not None and key(row) in seen:
            reason = _("repeats the row on line %(line)d") % {"line": seen[key(row)]}
            errors = [RowError(line, "name", reason)]
        if errors:
            report.errors += errors
            report.skipped += 1
            continue
        assert row is not None
        seen[key(row)] = line
        good.append(row)
    if report.errors and not skip_bad_rows:
        raise ImportRejected(report.errors)
    return good, report


@transaction.atomic
def buildings_import(
    *,
    community: Community,
    rows: Iterable[tuple[int, dict[str, Any]]],
    skip_bad_rows: bool = False,
) -> ImportReport:
    """Create or update the buildings (or entrances) of ``community`` from checked rows."""
    good, report = _checked(rows, check_building, lambda r: (r.name,), skip_bad_rows)
    existing = {b.name: b for b in Building.objects.filter(community=community)}
    created: list[Building] = []
    updated: list[Building] = []
    for row in good:
        building = existing.get(row.name) or Building(community=community, name=row.name)
        building.address, building.lat, building.lng = row.address, row.lat, row.lng
        building.residents = row.residents
        (updated if building.pk else created).append(building)
    Building.objects.bulk_create(created, batch_size=BATCH)
    fields = ["address", "lat", "lng", "residents"]
    Building.objects.bulk_update(updated, fields, batch_size=BATCH)
    report.created, report.updated = len(created), len(updated)
    return report


@transaction.atomic
def enterprises_import(
    *, rows: Iterable[tuple[int, dict[str, Any]]], skip_bad_rows: bool = False
) -> ImportReport:
    """Create or update enterprises; each row names its community by code."""
    rows = list(rows)
    codes = {str(raw.get("community") or "").strip() for _line, raw in rows}
    communities = {c.code: c for c in Community.objects.filter(code__in=codes)}

    def check(line: int, raw: dict[str, Any]) -> tuple[EnterpriseRow | None, list[RowError]]:
        row, errors = check_enterprise(line, raw)
        code = str(raw.get("community") or "").strip()
        if code and code not in communities:
            reason = _("no community has the code %(code)s") % {"code": code}
            errors = [RowError(line, "community", reason), *errors]
        return (None if errors else row), errors

    good, report = _checked(rows, check, _enterprise_key, skip_bad_rows)
    _write_enterprises(good, communities, report)
    return report


def _enterprise_key(row: EnterpriseRow) -> tuple[str, ...]:
    return ("code", row.credit_code) if row.credit_code else ("name", row.community_code, row.name)


def _write_enterprises(
    rows: list[EnterpriseRow], communities: dict[str, Community], report: ImportReport
) -> None:
    stored = Enterprise.objects.filter(community__in=communities.values())
    by_key: dict[tuple[str, ...], Enterprise] = {
        (("code", e.credit_code) if e.credit_code else ("name", e.community.code, e.name)): e
        for e in stored.select_related("community")
    }
    created: list[Enterprise] = []
    updated: list[Enterprise] = []
    for row in rows:
        enterprise = by_key.get(_enterprise_key(row)) or Enterprise()
        enterprise.community = communities[row.community_code]
        for name in (
            "name", "credit_code", "kind", "address", "lat", "lng", "risk_colour",
            "inspection_interval_days", "is_blacklisted", "blacklist_reason",
        ):  # fmt: skip
            setattr(enterprise, name, getattr(row, name))
        enterprise.grid_id = enterprise_grid_near(
            lat=row.lat, lng=row.lng, community=enterprise.community
        )
        (updated if enterprise.pk else created).append(enterprise)
    Enterprise.objects.bulk_create(created, batch_size=BATCH)
    fields = [
        "community", "grid", "name", "credit_code", "kind", "address", "lat", "lng", "risk_colour",
        "inspection_interval_days", "is_blacklisted", "blacklist_reason",
    ]  # fmt: skip
    Enterprise.objects.bulk_update(updated, fields, batch_size=BATCH)
    report.created, report.updated = len(created), len(updated)


def enterprise_grid_near(*, lat: float, lng: float, community: Community) -> int | None:
    """The grid of the nearest building of the enterprise's own community, if any is near."""
    try:
        location = locate(lat=lat, lng=lng)
    except ValidationError:
        return None
    return location.grid.pk if location.grid and location.community == community else None
