"""Retry events the channel layer did not take (Redis was down). Safe to run from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from config.realtime.publish import FLUSH_BATCH, flush_unpublished


class Command(BaseCommand):
    help = "Hands unpublished events from the event log to the channel layer."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while True:
            delivered = flush_unpublished(limit=FLUSH_BATCH)
            total += delivered
            if delivered < FLUSH_BATCH:
                break
        self.stdout.write(f"delivered {total} event(s)")
