"""What the grids import commands print: row errors and the summary."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grids.importing import RowError
from grids.services.imports import ImportReport


def rejected(command: BaseCommand, errors: list[RowError]) -> CommandError:
    """Print every row error and return the error that ends the command."""
    for error in errors:
        command.stderr.write(str(error))
    return CommandError(
        _("%(count)d bad rows: nothing was imported. Fix them, or pass --skip-bad-rows.")
        % {"count": len({e.line for e in errors})}
    )


def summarise(command: BaseCommand, report: ImportReport) -> None:
    for error in report.errors:
        command.stderr.write(str(error))
    command.stdout.write(
        _("%(created)d created, %(updated)d updated, %(skipped)d bad rows skipped.")
        % {"created": report.created, "updated": report.updated, "skipped": report.skipped}
    )
