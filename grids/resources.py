"""Admin import (django-import-export) of buildings, resident counts and enterprises.

Files have Chinese headers (the English names of the import commands work too) and every
row is checked by the same code as ``import_buildings`` and ``import_enterprises``
(``grids.importing``), so the admin's dry-run preview lists the same per-row reasons the
commands print. Staff may only import into communities they serve.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from grids.importing import RowChecker, RowError, check_building, check_enterprise
from grids.models import MAX_RESIDENTS_PER_BUILDING, Building, Community, Enterprise
from grids.selectors import user_staff_communities
from grids.services.imports import enterprise_grid_near

BUILDING_HEADERS = {
    "community": "社区编码", "name": "楼栋名称", "entrance": "单元", "address": "地址",
    "lat": "纬度", "lng": "经度", "residents": "居民人数",
}  # fmt: skip
ENTERPRISE_HEADERS = {
    "community": "社区编码", "name": "名称", "credit_code": "统一社会信用代码", "kind": "场所类型",
    "address": "地址", "lat": "纬度", "lng": "经度", "risk_colour": "风险等级",
    "inspection_interval_days": "检查周期（天）", "is_blacklisted": "黑名单",
    "blacklist_reason": "黑名单原因",
}  # fmt: skip
RESIDENT_COUNT_HEADERS = {
    "community": "社区编码", "name": "楼栋名称", "entrance": "单元", "residents": "居民人数",
}  # fmt: skip


def _field(name: str, headers: dict[str, str], widget: Any = None) -> fields.Field:
    return fields.Field(attribute=name, column_name=headers[name], widget=widget)


class CheckedImport(resources.ModelResource):
    """Reads each row under its command names, checks it, and writes it back normalised."""

    headers: dict[str, str] = {}

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.seen: dict[tuple[str, ...], int] = {}
        self.communities: dict[str, Community] = {}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        user = self.user or kwargs.get("user")
        allowed = user_staff_communities(user) if user is not None else Community.objects.none()
        self.communities = {c.code: c for c in allowed}
        self.seen.clear()
        self.check_size(dataset)
        self.check_headers(dataset)

    def check_size(self, dataset: Any) -> None:
        """More rows than one preview page can show usefully: refused before any is read."""
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            raise ValueError(
                _(
                    "The file has %(rows)d rows; an import here takes at most %(max)d. Split "
                    "it, or ask an administrator to run the import command for a whole city."
                )
                % {"rows": len(dataset), "max": settings.IMPORT_MAX_ROWS}
            )

    def check_headers(self, dataset: Any) -> None:
        """A file without the columns that name a row is refused in the staff's language
        (django-import-export's own message is English and names its internals)."""
        present = set(dataset.headers or [])
        columns = [self.fields[name].column_name for name in self._meta.import_id_fields]
        missing = [column for column in columns if column not in present]
        if missing:
            raise ValueError(
                _("The file has no column %(columns)s: use the column names listed above.")
                % {"columns": "、".join(missing)}
            )

    def raw(self, row: Any) -> dict[str, Any]:
        """The row under the command's column names, whichever headers the file used."""
        return {
            name: row.get(header) if row.get(header) not in (None, "") else row.get(name)
            for name, header in self.headers.items()
        }

    def community_errors(self, line: int, raw: dict[str, Any]) -> list[RowError]:
        code = str(raw.get("community") or "").strip()
        if not code:
            return [RowError(line, "community", _("is required"))]
        if code not in self.communities:
            reason = _("no community you serve has the code %(code)s") % {"code": code}
            return [RowError(line, "community", reason)]
        return []

    def repeat_error(self, line: int, key: tuple[str, ...]) -> list[RowError]:
        if key in self.seen:
            reason = _("repeats the row on line %(line)d") % {"line": self.seen[key]}
            return [RowError(line, "name", reason)]
        self.seen[key] = line
        return []

    def reject(self, errors: list[RowError]) -> None:
        """Per-row errors under the file's own column headers."""
        by_column: dict[str, list[str]] = {}
        for error in errors:
            by_column.setdefault(self.headers.get(error.field, error.field), []).append(
                error.reason
            )
        raise ValidationError(by_column)

    def write_back(self, row: Any, values: dict[str, Any]) -> None:
        for name, value in values.items():
            row[self.headers[name]] = value


def _line(kwargs: dict[str, Any]) -> int:
    """The file's line number: data rows start on line 2, under the header."""
    return int(kwargs.get("row_number") or 0) + 1


class BuildingResource(CheckedImport):
    headers = BUILDING_HEADERS
    community = _field("community", BUILDING_HEADERS, widgets.ForeignKeyWidget(Community, "code"))
    name = _field("name", BUILDING_HEADERS)
    address = _field("address", BUILDING_HEADERS)
    lat = _field("lat", BUILDING_HEADERS, widgets.FloatWidget())
    lng = _field("lng", BUILDING_HEADERS, widgets.FloatWidget())
    residents = _field("residents", BUILDING_HEADERS, widgets.IntegerWidget())

    class Meta:
        model = Building
        name = "楼栋 (buildings)"
        fields = ["community", "name", "address", "lat", "lng", "residents"]
        import_id_fields = ["community", "name"]
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        line, raw = _line(kwargs), self.raw(row)
        checked, errors = check_building(line, raw)
        errors = self.community_errors(line, raw) + errors
        if checked is not None and not errors:
            errors = self.repeat_error(line, (str(raw["community"]).strip(), checked.name))
        if errors or checked is None:
            self.reject(errors)
            return
        self.write_back(row, {
            "community": str(raw["community"]).strip(), "name": checked.name,
            "address": checked.address, "lat": checked.lat, "lng": checked.lng,
            "residents": checked.residents,
        })  # fmt: skip


class ResidentCountResource(CheckedImport):
    """Only the resident count of buildings already stored (after a census, say)."""

    headers = RESIDENT_COUNT_HEADERS
    community = _field(
        "community", RESIDENT_COUNT_HEADERS, widgets.ForeignKeyWidget(Community, "code")
    )
    name = _field("name", RESIDENT_COUNT_HEADERS)
    residents = _field("residents", RESIDENT_COUNT_HEADERS, widgets.IntegerWidget())

    class Meta:
        model = Building
        name = "居民人数 (resident counts)"
        fields = ["community", "name", "residents"]
        import_id_fields = ["community", "name"]
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        line, raw = _line(kwargs), self.raw(row)
        check = RowChecker(line, raw)
        name = check.text("name", max_length=60, required=True)
        entrance = check.text("entrance", max_length=10)
        if entrance:
            name += entrance if entrance.endswith("单元") else f"{entrance}单元"
        residents = check.whole("residents", low=0, high=MAX_RESIDENTS_PER_BUILDING)
        errors = self.community_errors(line, raw) + check.errors
        code = str(raw.get("community") or "").strip()
        if not errors and not Building.objects.filter(community__code=code, name=name).exists():
            errors = [RowError(line, "name", _("no building of this name in the community"))]
        if not errors:
            errors = self.repeat_error(line, (code, name))
        if errors:
            self.reject(errors)
        self.write_back(row, {"community": code, "name": name, "residents": residents})


class EnterpriseResource(CheckedImport):
    headers = ENTERPRISE_HEADERS
    community = _field("community", ENTERPRISE_HEADERS, widgets.ForeignKeyWidget(Community, "code"))
    name = _field("name", ENTERPRISE_HEADERS)
    credit_code = _field("credit_code", ENTERPRISE_HEADERS)
    kind = _field("kind", ENTERPRISE_HEADERS)
    address = _field("address", ENTERPRISE_HEADERS)
    lat = _field("lat", ENTERPRISE_HEADERS, widgets.FloatWidget())
    lng = _field("lng", ENTERPRISE_HEADERS, widgets.FloatWidget())
    risk_colour = _field("risk_colour", ENTERPRISE_HEADERS)
    inspection_interval_days = _field(
        "inspection_interval_days", ENTERPRISE_HEADERS, widgets.IntegerWidget()
    )
    is_blacklisted = _field("is_blacklisted", ENTERPRISE_HEADERS, widgets.BooleanWidget())
    blacklist_reason = _field("blacklist_reason", ENTERPRISE_HEADERS)

    class Meta:
        model = Enterprise
        name = "企业和场所 (enterprises and sites)"
        fields = list(ENTERPRISE_HEADERS)
        import_id_fields = ["community", "name"]
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        line, raw = _line(kwargs), self.raw(row)
        checked, errors = check_enterprise(line, raw)
        errors = self.community_errors(line, raw) + errors
        if checked is not None and not errors:
            errors = self.repeat_error(line, (checked.community_code, checked.name))
        if errors or checked is None:
            self.reject(errors)
            return
        values = {
            name: getattr(checked, name) for name in ENTERPRISE_HEADERS if name != "community"
        }
        values["community"] = checked.community_code
        values["is_blacklisted"] = "1" if checked.is_blacklisted else "0"
        self.write_back(row, values)

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        # The enterprise's grid, as the import command finds it: the nearest building's.
        instance.grid_id = enterprise_grid_near(
            lat=instance.lat, lng=instance.lng, community=instance.community
        )
