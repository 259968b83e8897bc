"""Import a community's buildings (or high-rise entrances) from CSV or GeoJSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.progress import progress
from grids.importing import FileUnreadable, read_rows
from grids.management.commands._import_output import rejected, summarise
from grids.models import Community
from grids.services.imports import ImportRejected, buildings_import


class Command(BaseCommand):
    help = (
        "Import buildings into a community. CSV columns: name,address,lat,lng,residents"
        "[,entrance]; GeoJSON: Point features with those properties. Each entrance (单元) "
        "becomes its own building named <name><entrance>单元. Existing buildings of the "
        "same name are updated. Nothing is written when any row is bad, unless "
        "--skip-bad-rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--community", required=True, help="Community code.")
        parser.add_argument("--skip-bad-rows", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(code=options["community"]).first()
        if community is None:
            raise CommandError(f"No community has the code {options['community']!r}.")
        try:
            rows = read_rows(options["file"])
        except FileUnreadable as error:
            raise CommandError(f"{options['file']}: {error}") from error
        bar = progress(
            self, rows, total=len(rows), what="buildings", hidden=options["verbosity"] == 0
        )
        try:
            report = buildings_import(
                community=community, rows=bar, skip_bad_rows=options["skip_bad_rows"]
            )
        except ImportRejected as error:
            raise rejected(self, error.row_errors) from error
        summarise(self, report)
