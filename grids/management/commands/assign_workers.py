"""Assign a community's available workers to its uncovered grids by least total distance."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.exceptions import APIException

from grids.models import Community
from grids.services import community_assignment_apply, community_assignment_preview


class Command(BaseCommand):
    help = (
        "Match available grid workers (grid_worker role for this community or city-wide, "
        "a base location, no grid now) to the community's uncovered grids, minimising the "
        "total distance. --dry-run only reports."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Community code.")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(code=options["code"]).first()
        if community is None:
            raise CommandError(f"No community has the code {options['code']!r}.")
        run = community_assignment_preview if options["dry_run"] else community_assignment_apply
        try:
            report = run(community=community)
        except (ValidationError, APIException) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error.detail)]
            raise CommandError(" ".join(messages)) from error
        for planned in report.assignments:
            self.stdout.write(
                f"{planned.grid.code} <- {planned.worker.username} ({planned.distance_m:.0f} m)"
            )
        verb = "would assign" if options["dry_run"] else "assigned"
        self.stdout.write(
            f"{verb} {len(report.assignments)} workers, total {report.total_distance_m:.0f} m; "
            f"{report.grids_left_uncovered} grids still uncovered, "
            f"{report.workers_left_idle} workers idle."
        )
