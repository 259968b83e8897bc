"""``open311_key create NAME`` prints the new key alone on its last line; ``revoke NAME``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.open311.models import DEFAULT_RATE_LIMIT_PER_MINUTE
from inspections.open311.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Create or revoke an Open311 API key for a client application."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a key; it is printed only once.")
        create.add_argument("name")
        create.add_argument(
            "--rate", type=int, default=DEFAULT_RATE_LIMIT_PER_MINUTE, help="Requests per minute."
        )
        create.add_argument("--contact", default="", help="Who runs the application.")
        revoke = actions.add_parser("revoke", help="Refuse the key from now on.")
        revoke.add_argument("name")

    def handle(self, *args: Any, action: str, name: str, **options: Any) -> None:
        try:
            if action == "create":
                api_key, raw_key = api_key_create(
                    name=name, rate_limit_per_minute=options["rate"], contact=options["contact"]
                )
                self.stderr.write(
                    f"Created Open311 key {api_key.name!r} "
                    f"({api_key.rate_limit_per_minute} requests/minute). "
                    "Store it now; it cannot be shown again:"
                )
                self.stdout.write(raw_key)
            else:
                api_key = api_key_revoke(name=name)
                self.stdout.write(f"Revoked Open311 key {api_key.name!r} at {api_key.revoked_at}.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
