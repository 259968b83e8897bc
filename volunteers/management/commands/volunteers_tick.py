"""Cron: reminders and closing finished activities; safe to run often, even overlapping."""

from typing import Any

from django.core.management.base import BaseCommand

from volunteers.services import (
    activities_close,
    activity_reminders_send,
    certificate_reminders_send,
)


class Command(BaseCommand):
    help = (
        "Send certificate (30 and 7 days) and activity (day before, day of) reminders, "
        "record no-shows and close open check-ins of finished activities."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        certificates = certificate_reminders_send()
        activities = activity_reminders_send()
        closed = activities_close()
        self.stdout.write(
            f"certificate reminders: {certificates}, activity reminders: {activities}, "
            f"no-shows: {closed['no_shows']}, check-outs closed: {closed['closed']}"
        )
