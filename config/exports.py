"""What every admin export shares: column choices by their translated headers, and CSV
files Excel opens with the Chinese intact."""

from __future__ import annotations

from typing import Any

from import_export import fields
from import_export.admin import ExportMixin
from import_export.forms import SelectableFieldsExportForm


def export_column(label: Any, method: str) -> fields.Field:
    """A read-only export column with a translated header, filled by ``method``."""
    return fields.Field(column_name=label, dehydrate_method=method, readonly=True)


class HeaderLabelledExportForm(SelectableFieldsExportForm):
    """Tick-boxes named by the column's header (编号), not its Python name (Number)."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field is not None else field_name


class ReadableExportMixin(ExportMixin):
    export_form_class = HeaderLabelledExportForm
    to_encoding = "utf-8-sig"  # Excel reads Chinese in a CSV only after a BOM
