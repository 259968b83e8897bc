"""Shared bits of the grids commands: the progress bar and row-error output."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from grids.importing import RowError
from grids.services.imports import ImportReport

T = TypeVar("T")


def progress(
    command: BaseCommand, items: Iterable[T], *, total: int, what: str, verbosity: int
) -> Iterable[T]:
    """A tqdm bar on the command's stderr; silent at verbosity 0."""
    stream = getattr(command.stderr, "_out", sys.stderr)
    return tqdm(items, total=total, desc=what, unit="row", disable=verbosity == 0, file=stream)


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
