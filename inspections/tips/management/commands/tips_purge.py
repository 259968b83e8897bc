"""``manage.py tips_purge``: delete closed tips past their retention (cron, daily).

Safe to run at any time and more than once: each tip is counted and deleted in its own
transaction, and a tip already gone is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from config.progress import progress
from inspections.tips.services import tips_purge


class Command(BaseCommand):
    help = "Purge closed tips and their files after SAFEGRID_TIPS_RETENTION_DAYS; keep the figures."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def bar(items: Iterable[int], total: int) -> Iterable[int]:
            return progress(self, items, total=total, what=_("Purging tips"), hidden=verbosity == 0)

        purged = tips_purge(progress=bar)
        if verbosity:
            self.stdout.write(_("%(count)d tips purged.") % {"count": purged})
