"""Stored files that no row names: what a process killed between writing an upload's
files and committing its row leaves behind.

Every upload path writes its files first and its row after, in one transaction (the
files must exist before the row that names them commits). An exception rolls the row
back and deletes the files; a killed process (SIGKILL, power loss) cannot, so its files
stay without a row. ``settings.MEDIA_FOLDERS`` names each folder uploads are written to
and the fields that name its files; a file there that no field names, older than the
grace period (an upload in flight has written its files but not committed yet), is an
orphan. ``manage.py media_prune`` deletes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone


def _referenced(fields: list[str]) -> set[str]:
    names: set[str] = set()
    for dotted in fields:
        app_label, model_name, field = dotted.split(".")
        model = apps.get_model(app_label, model_name)
        rows = model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
        names.update(str(name) for name in rows.iterator(chunk_size=5000) if name)
    return names


def _files(folder: str) -> Iterator[str]:
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    yield from (f"{folder}/{name}" for name in files)
    for child in folders:
        yield from _files(f"{folder}/{child}")


def media_orphans(*, grace: timedelta, now: datetime | None = None) -> list[str]:
    """Files of the upload folders that no row names and that are older than ``grace``."""
    cutoff = (now or timezone.now()) - grace
    orphans: list[str] = []
    for folder, fields in settings.MEDIA_FOLDERS.items():
        referenced = _referenced(fields)
        orphans.extend(
            name
            for name in _files(folder)
            if name not in referenced and default_storage.get_modified_time(name) < cutoff
        )
    return sorted(orphans)
