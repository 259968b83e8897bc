from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dispatch.services import dispatch_resume


class Command(BaseCommand):
    help = "Re-arm the ring timers of open dispatches (after a task runner was killed)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-armed {dispatch_resume()} open dispatches")
