"""The one progress bar of the project's management commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

from django.core.management.base import BaseCommand
from tqdm import tqdm

T = TypeVar("T")


def progress(
    command: BaseCommand,
    items: Iterable[T],
    *,
    what: str,
    total: int | None = None,
    unit: str = "row",
    hidden: bool | None = False,
) -> Iterable[T]:
    """A tqdm bar over ``items`` on the command's stderr (what ``call_command(stderr=...)``
    captures).

    ``hidden=None`` shows it only on a terminal (tqdm's own rule), for long runs that
    logs would otherwise fill with bars.
    """
    stream = getattr(command.stderr, "_out", sys.stderr)
    return tqdm(items, total=total, desc=what, unit=unit, disable=hidden, file=stream)
