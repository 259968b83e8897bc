"""Generate the demo city: a realistic, deterministic synthetic city with Chinese names."""

from __future__ import annotations

import random
import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.demo import DemoContext, demo_steps
from config.progress import progress
from grids.demo import DEMO_DEFAULT_RESIDENTS
from grids.models import District

MAX_RESIDENTS = 30_000_000


class Command(BaseCommand):
    help = (
        "Builds a synthetic city (districts, communities, buildings, grids, people in every "
        "role, and whatever later programs add). Same --seed and --residents, same city."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--residents",
            type=int,
            default=DEMO_DEFAULT_RESIDENTS,
            help=f"City size in residents (default {DEMO_DEFAULT_RESIDENTS}; a whole city "
            "is 25000000).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a city (used by `make run`).",
        )
        parser.add_argument(
            "--password", default="", help="Password for every demo account (default: random)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        residents = options["residents"]
        if not 1000 <= residents <= MAX_RESIDENTS:
            raise CommandError(f"--residents must be between 1000 and {MAX_RESIDENTS}.")
        if District.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds a city; nothing to do.")
                return
            raise CommandError("The database already holds a city. Use an empty database.")
        password = options["password"] or secrets.token_urlsafe(9)
        ctx = DemoContext(
            seed=options["seed"],
            residents=residents,
            rng=random.Random(options["seed"]),
            password_hash=make_password(password),
            progress=self._progress(options["no_progress"]),
            write=self.stdout.write,
        )
        for step in demo_steps():
            self.stdout.write(f"• {step.key}")
            step.run(ctx)
        self._announce(ctx, password)

    def _progress(self, hidden: bool) -> Any:
        def bar(items: Any, *, desc: str, unit: str) -> Any:
            return progress(self, items, what=desc, unit=unit, hidden=hidden or None)

        return bar

    def _announce(self, ctx: DemoContext, password: str) -> None:
        workers = ctx.created.get("workers", [])
        staff = ctx.created.get("staff", [])
        residents = ctx.created.get("residents", [])
        self.stdout.write(self.style.SUCCESS("Demo city ready."))
        self.stdout.write(f"  superuser:  admin / {password}   (http://127.0.0.1:8000/admin/)")
        for label, users in (("worker", workers), ("staff", staff), ("resident", residents)):
            if users:
                self.stdout.write(f"  {label:<10}  {users[0].username} / {password}")
        self.stdout.write("  every demo account uses the same password.")
