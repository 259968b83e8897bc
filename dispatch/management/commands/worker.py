"""The task runner: re-arm what a killed runner left, then run due tasks until stopped.

``make run`` starts one beside Daphne; production runs one or more as processes of their
own (README, "Production deployment"). It is django-tasks' database worker
(``db_worker``) with SafeGrid's defaults: no autoreloader (so stopping it stops it), and
the polling interval of ``settings.TASKS_WORKER_INTERVAL``, the worst delay of a timer.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from dispatch.services import dispatch_resume


class Command(BaseCommand):
    help = "Run the task runner (dispatch ring timers): re-arm open dispatches, then work."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=None)
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"task runner: re-armed {dispatch_resume()} open dispatches")
        extra = {"worker_id": options["worker_id"]} if options["worker_id"] else {}
        call_command(
            "db_worker",
            interval=options["interval"] or settings.TASKS_WORKER_INTERVAL,
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
            **extra,
        )
