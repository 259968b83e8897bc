"""Import enterprises and sites from CSV or GeoJSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.progress import progress
from grids.importing import FileUnreadable, read_rows
from grids.management.commands._import_output import rejected, summarise
from grids.services.imports import ImportRejected, enterprises_import


class Command(BaseCommand):
    help = (
        "Import enterprises. Columns: community (code),name,kind,lat,lng and optionally "
        "address,credit_code,risk_colour (red/orange/yellow/blue or 红/橙/黄/蓝),"
        "inspection_interval_days,is_blacklisted,blacklist_reason. Matched by credit code, "
        "else by name within the community. Nothing is written when any row is bad, unless "
        "--skip-bad-rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad-rows", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_rows(options["file"])
        except FileUnreadable as error:
            raise CommandError(f"{options['file']}: {error}") from error
        bar = progress(
            self, rows, total=len(rows), what="enterprises", hidden=options["verbosity"] == 0
        )
        try:
            report = enterprises_import(rows=bar, skip_bad_rows=options["skip_bad_rows"])
        except ImportRejected as error:
            raise rejected(self, error.row_errors) from error
        summarise(self, report)
