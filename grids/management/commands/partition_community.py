"""Partition one community (or every community) into grids, keeping grid identities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from config.progress import progress
from grids.models import Community
from grids.services import (
    PartitionReport,
    communities_partition_apply,
    community_partition_preview,
)


class Command(BaseCommand):
    help = (
        "Re-partition a community's buildings into grids of its target size (default 500). "
        "Grids keep their ids and workers where they can; grids left empty are retired. "
        "--dry-run only reports; --all does every community with residents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="Community code (omit with --all).")
        parser.add_argument("--all", action="store_true", help="Every community.")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument("--target", type=int, help="Residents per grid for this run.")

    def handle(self, *args: Any, **options: Any) -> None:
        communities = self._communities(options)
        try:
            if options["dry_run"]:
                reports = [
                    community_partition_preview(community=c, target_grid_size=options["target"])
                    for c in progress(
                        self, communities, total=len(communities), what="communities",
                        hidden=options["verbosity"] == 0,
                    )
                ]  # fmt: skip
            else:
                reports = communities_partition_apply(
                    communities=communities, target_grid_size=options["target"]
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for report in reports:
            self.stdout.write(_line(report))
        self._totals(reports, dry_run=options["dry_run"])

    def _communities(self, options: dict[str, Any]) -> list[Community]:
        if options["all"] == bool(options["code"]):
            raise CommandError("Give a community code, or --all (not both).")
        queryset: QuerySet[Community] = Community.objects.order_by("pk")
        if options["all"]:
            return list(queryset.filter(buildings__residents__gt=0).distinct())
        community = queryset.filter(code=options["code"]).first()
        if community is None:
            raise CommandError(f"No community has the code {options['code']!r}.")
        return [community]

    def _totals(self, reports: list[PartitionReport], *, dry_run: bool) -> None:
        grids = sum(r.grid_count for r in reports)
        judged = grids - sum(r.oversized_single_unit for r in reports)
        within = sum(r.within_tolerance for r in reports)
        share = within / judged if judged else 1.0
        moved = sum(r.residents_moved for r in reports)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(
            f"{len(reports)} communities, {grids} grids, {share:.1%} within ±10%, "
            f"{verb} {moved} residents."
        )


def _line(report: PartitionReport) -> str:
    c = report.community
    return (
        f"{c.code} {c.name}: {report.grid_count} grids "
        f"({report.grids_kept} kept, {report.grids_created} new, {report.grids_retired} "
        f"retired), {report.within_share:.0%} within ±10% of {report.ideal_grid_size:g}, "
        f"{report.oversized_single_unit} single oversized buildings, "
        f"{report.residents_moved} residents change grid ({report.method}"
        f"{', ' + report.full_reason if report.full_reason else ''})"
    )
