"""Expire earned points older than POINTS_EXPIRE_AFTER_DAYS, oldest first (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from points.services import points_expire
from points.services.ledger import points_expiry_days


class Command(BaseCommand):
    help = "Expire earned points older than POINTS_EXPIRE_AFTER_DAYS (off when unset)."

    def handle(self, *args: Any, **options: Any) -> None:
        days = points_expiry_days()
        if days is None:
            self.stdout.write("Points expiry is off (POINTS_EXPIRE_AFTER_DAYS is not set).")
            return
        count = points_expire()
        self.stdout.write(f"Points older than {days} days expired on {count} accounts.")
