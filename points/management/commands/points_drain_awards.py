"""Pay the awards still owed (``points.awards``); safe to run from cron at any time.

Each award is paid in its own transaction and marked done in it, so a run stopped
half-way, or two runs at once, pay every award once. A failing award is logged and stays
pending for the next run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from config.progress import progress
from points.awards import pending_award_pay, pending_awards


class Command(BaseCommand):
    help = "Pay pending point awards (those a crash or a failure left unpaid)."

    def handle(self, *args: Any, **options: Any) -> None:
        owed = pending_awards()
        paid = 0
        for kind, source in progress(
            self, owed, total=len(owed), what=_("awards"), hidden=options["verbosity"] == 0
        ):
            paid += pending_award_pay(kind=kind, source=source)
        self.stdout.write(
            _("%(paid)d of %(owed)d pending awards done.") % {"paid": paid, "owed": len(owed)}
        )
        if paid < len(owed):
            self.stderr.write(
                _("%(left)d awards are still pending: see the log and the admin.")
                % {"left": len(owed) - paid}
            )
