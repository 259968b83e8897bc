"""Delete events older than the retention period; clients older than that resync by REST."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from config.realtime.models import Event, WsTicket


class Command(BaseCommand):
    help = "Prunes the event log (default: REALTIME_EVENT_RETENTION_DAYS) and stale tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.REALTIME_EVENT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
        WsTicket.objects.filter(expires_at__lt=timezone.now()).delete()
        self.stdout.write(f"pruned events older than {days} day(s): {deleted} row(s)")
