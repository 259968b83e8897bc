"""Expire unused vouchers past their date and refund their points (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from points.services import vouchers_expire


class Command(BaseCommand):
    help = "Expire unused vouchers past their date and refund their points."

    def handle(self, *args: Any, **options: Any) -> None:
        count = vouchers_expire()
        self.stdout.write(f"{count} vouchers expired and refunded.")
