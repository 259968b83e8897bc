"""Make the dashboard's daily hazard figures again from the hazards (inspections.summary)."""

from __future__ import annotations

import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from config.progress import progress
from inspections import summary


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's daily hazard figures from every hazard, in one transaction "
        "(after a bulk load or a restore; every save keeps them up to date otherwise)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--chunk", type=int, default=20_000, help="hazards read at a time (default 20000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["chunk"]
        if size < 1:
            raise CommandError("--chunk must be at least 1.")
        hidden = options["verbosity"] < 1

        def bar(chunks: Any, total: int) -> Any:
            count = math.ceil(total / size)
            return progress(self, chunks, what="hazards", total=count, unit="chunk", hidden=hidden)

        read = summary.rebuild(chunk=size, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"Daily figures rebuilt from {read:,} hazards."))
