"""Raise the escalation level of overdue hazards; safe to run every minute from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inspections.services import hazards_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue hazards and tell community staff (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        raised = hazards_escalate_overdue()
        self.stdout.write(f"raised {raised} escalation level(s)")
