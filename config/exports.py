"""What every admin export shares: column choices by their translated headers, and CSV
files Excel opens with the Chinese intact; and the bound on what one admin import may
upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export import fields
from import_export.admin import ExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm


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


class LimitedImportForm(ImportForm):
    """The import form, refusing a file past ``IMPORT_MAX_BYTES`` before it is read (the
    row count is checked by the resource, ``IMPORT_MAX_ROWS``)."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s; an import here takes at most %(max)s. Split it, "
                    "or ask an administrator to run manage.py import_buildings for a whole city."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload
