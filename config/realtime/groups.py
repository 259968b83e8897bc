"""How the realtime seam reaches the audiences module without importing an app.

Group names are written in one module, ``grids.audiences`` (named by
``settings.REALTIME_AUDIENCES``): ``config`` imports no app, so it asks for that module
here instead of importing it. The Protocol lists what the seam itself needs from it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Protocol, cast

from django.conf import settings


class Audiences(Protocol):
    def user_group(self, user_id: int) -> str: ...

    def user_groups(self, user: Any) -> list[str]: ...

    def forget_roles(self, user: Any) -> None: ...

    def is_audience(self, group: str) -> bool: ...


def audiences_module() -> Audiences:
    """The module named by ``settings.REALTIME_AUDIENCES`` (``grids.audiences``)."""
    return cast(Audiences, import_module(settings.REALTIME_AUDIENCES))
