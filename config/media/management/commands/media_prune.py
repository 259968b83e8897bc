"""Delete stored files that no row names (left by a process killed mid-upload)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.media.orphans import media_orphans
from config.progress import progress


class Command(BaseCommand):
    help = (
        "Deletes files of the upload folders (MEDIA_FOLDERS) that no row names and that are "
        "older than --grace-minutes (default MEDIA_PRUNE_GRACE_MINUTES)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grace-minutes", type=int, default=settings.MEDIA_PRUNE_GRACE_MINUTES)
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_minutes"] < 0:
            raise CommandError("--grace-minutes must be 0 or more.")
        orphans = media_orphans(grace=timedelta(minutes=options["grace_minutes"]))
        if options["dry_run"]:
            self.stdout.write("\n".join([*orphans, f"{len(orphans)} orphan file(s)"]))
            return
        for name in progress(self, orphans, what="orphan files", unit="file", hidden=None):
            default_storage.delete(name)
        self.stdout.write(f"deleted {len(orphans)} orphan file(s)")
