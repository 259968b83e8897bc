"""Read building and enterprise files (CSV or GeoJSON) into checked rows.

Every problem is reported as a ``RowError`` with the line (CSV) or feature number
(GeoJSON), the field and the reason, so one run lists every fix the file needs.

High-rise entrances (单元): each entrance is its own row and becomes its own Building named
"<building><entrance>单元" (for example 12号楼 + 3 -> 12号楼3单元), so the partition, which
never splits a building, never splits an entrance either.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from grids.models import MAX_RESIDENTS_PER_BUILDING, RiskColour

BUILDING_COLUMNS = ("name", "address", "lat", "lng", "residents", "entrance")
RISK_ALIASES = {"红": "red", "橙": "orange", "黄": "yellow", "蓝": "blue"}
TRUE_WORDS = {"1", "true", "yes", "y", "是"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d, %(field)s: %(reason)s") % {
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
        }


class FileUnreadable(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, raw row) pairs of a ``.csv`` or ``.geojson``/``.json`` file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return list(_csv_rows(path))
        if suffix in {".geojson", ".json"}:
            return list(_geojson_rows(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as error:
        raise FileUnreadable(str(error)) from error
    raise FileUnreadable(_("Use a .csv or .geojson file."))


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}


def _geojson_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FileUnreadable(_("A GeoJSON file must hold one FeatureCollection."))
    for number, feature in enumerate(data.get("features") or [], start=1):
        properties = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates") or []
            if len(coordinates) >= 2:
                properties["lng"], properties["lat"] = coordinates[0], coordinates[1]
        yield number, properties


class RowChecker:
    """Collects the errors of one row while reading its fields."""

    def __init__(self, line: int, row: dict[str, Any]) -> None:
        self.line, self.row, self.errors = line, row, list[RowError]()

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(RowError(self.line, field, reason))

    def text(self, field: str, *, max_length: int, required: bool = False) -> str:
        value = str(self.row.get(field) or "").strip()
        if required and not value:
            self.fail(field, _("is required"))
        elif len(value) > max_length:
            self.fail(field, _("is longer than %(max)d characters") % {"max": max_length})
        return value

    def number(self, field: str, *, low: float, high: float) -> float:
        raw = self.row.get(field)
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(field, _("is missing or not a number") if raw in (None, "") else
                      _("is not a number"))  # fmt: skip
            return math.nan
        if not (math.isfinite(value) and low <= value <= high):
            self.fail(field, _("must be between %(low)g and %(high)g") % {"low": low, "high": high})
        return value

    def whole(self, field: str, *, low: int, high: int, default: int | None = None) -> int:
        raw = self.row.get(field)
        if raw in (None, "") and default is not None:
            return default
        try:
            value = float(str(raw).strip())
        except (TypeError, ValueError):
            value = math.nan
        if not (math.isfinite(value) and value == int(value) and low <= value <= high):
            self.fail(field, _("must be a whole number from %(low)d to %(high)d")
                      % {"low": low, "high": high})  # fmt: skip
            return 0
        return int(value)

    def flag(self, field: str) -> bool:
        value = str(self.row.get(field) or "").strip().lower()
        if value not in TRUE_WORDS | FALSE_WORDS:
            self.fail(field, _("must be true or false"))
        return value in TRUE_WORDS


@dataclass(frozen=True)
class BuildingRow:
    line: int
    name: str
    address: str
    lat: float
    lng: float
    residents: int


def check_building(line: int, row: dict[str, Any]) -> tuple[BuildingRow | None, list[RowError]]:
    check = RowChecker(line, row)
    name = check.text("name", max_length=60, required=True)
    entrance = check.text("entrance", max_length=10)
    if entrance:
        name = name + (entrance if entrance.endswith("单元") else f"{entrance}单元")
    building = BuildingRow(
        line=line,
        name=name,
        address=check.text("address", max_length=200),
        lat=check.number("lat", low=-90, high=90),
        lng=check.number("lng", low=-180, high=180),
        residents=check.whole("residents", low=0, high=MAX_RESIDENTS_PER_BUILDING),
    )
    return (None if check.errors else building), check.errors


@dataclass(frozen=True)
class EnterpriseRow:
    line: int
    community_code: str
    name: str
    credit_code: str
    kind: str
    address: str
    lat: float
    lng: float
    risk_colour: str
    inspection_interval_days: int
    is_blacklisted: bool
    blacklist_reason: str


def check_enterprise(line: int, row: dict[str, Any]) -> tuple[EnterpriseRow | None, list[RowError]]:
    check = RowChecker(line, row)
    risk = str(row.get("risk_colour") or "blue").strip().lower()
    risk = RISK_ALIASES.get(risk, risk)
    if risk not in RiskColour.values:
        check.fail("risk_colour", _("must be one of red, orange, yellow, blue"))
    enterprise = EnterpriseRow(
        line=line,
        community_code=check.text("community", max_length=32, required=True),
        name=check.text("name", max_length=120, required=True),
        credit_code=check.text("credit_code", max_length=18),
        kind=check.text("kind", max_length=40, required=True),
        address=check.text("address", max_length=200),
        lat=check.number("lat", low=-90, high=90),
        lng=check.number("lng", low=-180, high=180),
        risk_colour=risk,
        inspection_interval_days=check.whole(
            "inspection_interval_days", low=1, high=730, default=90
        ),
        is_blacklisted=check.flag("is_blacklisted"),
        blacklist_reason=check.text("blacklist_reason", max_length=2000),
    )
    if enterprise.is_blacklisted and not enterprise.blacklist_reason:
        check.fail("blacklist_reason", _("is required when the enterprise is blacklisted"))
    return (None if check.errors else enterprise), check.errors
