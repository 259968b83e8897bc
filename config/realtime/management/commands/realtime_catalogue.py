"""Print the event catalogue (as served at /api/v1/events/types/) as JSON or Markdown."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from config.realtime.catalogue import event_types


class Command(BaseCommand):
    help = "Prints every realtime event type with its version, audiences and data fields."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="A table for the README.")
        parser.add_argument("--language", default="en", help="Language of the texts.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            items = [item.as_dict() for item in event_types()]
        if not options["markdown"]:
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        self.stdout.write("| type | v | sent when | to | data |")
        self.stdout.write("|---|---|---|---|---|")
        for item in items:
            fields = ", ".join(f"`{name}`" for name in item["data"])
            self.stdout.write(
                f"| `{item['type']}` | {item['version']} | {item['description']} "
                f"| {item['audiences']} | {fields} |"
            )
