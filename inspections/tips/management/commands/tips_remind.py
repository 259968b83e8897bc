"""``manage.py tips_remind``: today's deadline reminders to handlers (cron, hourly or daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from inspections.tips.services import tips_remind


class Command(BaseCommand):
    help = "Remind tip handlers of the 7-day and 3-month deadlines and of coming purges."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = tips_remind()
        if options["verbosity"]:
            self.stdout.write(_("%(count)d reminders sent.") % {"count": sent})
