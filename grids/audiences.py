"""Realtime audiences: the one place where websocket group names are written.

A sender (``publish(audiences=[...])``) and a listener (the socket joining
``user_groups(user)``) agree on a group only because both call the functions below, so a
typo cannot silently drop an event: ``config.realtime.publish`` refuses any group that
``is_audience`` does not recognise. The strings themselves are unchanged from the first
release (phones and the event log's replay depend on them).

Public names (other apps code against these):

- ``user_group(user_id: int) -> str``: ``user.<id>``, one person's own sockets
- ``grid_worker_group(grid_id: int) -> str``: ``grid.<id>.worker``, the grid's worker(s)
- ``community_staff_group(community_id: int) -> str``: ``community.<id>.staff``
- ``district_managers_group(district_id: int) -> str``: ``district.<id>.managers``
- ``city_managers_group() -> str``: ``administrators``, city-wide managers
- ``tip_handlers_group() -> str``: ``tips.handlers``, whistleblower tip handlers
- ``user_groups(user) -> list[str]``: every group a user's socket joins (sorted)
- ``forget_roles(user) -> None``: drop the roles cached on ``user`` (after a grant or a
  revoke, or before recomputing groups of a long-lived user object)
- ``is_audience(group: str) -> bool``: True for a string one of the functions produces

``config`` imports no app, so the realtime seam reaches this module through
``settings.REALTIME_AUDIENCES`` (``config.realtime.groups.audiences_module``).
"""

from __future__ import annotations

import re
from typing import Any

from grids.models import Role
from grids.selectors.users import (
    user_active_grid,
    user_is_administrator,
    user_managed_district_ids,
    user_roles,
    user_staff_communities,
)

CITY_MANAGERS = "administrators"
TIP_HANDLERS = "tips.handlers"
# Every shape the functions below produce; ``is_audience`` checks a group against them.
AUDIENCE_PATTERNS = (
    re.compile(r"user\.[1-9][0-9]*"),
    re.compile(r"grid\.[1-9][0-9]*\.worker"),
    re.compile(r"community\.[1-9][0-9]*\.staff"),
    re.compile(r"district\.[1-9][0-9]*\.managers"),
    re.compile(re.escape(CITY_MANAGERS)),
    re.compile(re.escape(TIP_HANDLERS)),
)


def _id(value: int) -> int:
    # A None or a model instance here would make a group nobody joins ("user.None").
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError(f"an audience needs a positive integer id, not {value!r}")
    return value


def user_group(user_id: int) -> str:
    return f"user.{_id(user_id)}"


def grid_worker_group(grid_id: int) -> str:
    return f"grid.{_id(grid_id)}.worker"


def community_staff_group(community_id: int) -> str:
    return f"community.{_id(community_id)}.staff"


def district_managers_group(district_id: int) -> str:
    return f"district.{_id(district_id)}.managers"


def city_managers_group() -> str:
    """Administrators: one group instead of thousands of community groups."""
    return CITY_MANAGERS


def tip_handlers_group() -> str:
    return TIP_HANDLERS


def is_audience(group: str) -> bool:
    return isinstance(group, str) and any(p.fullmatch(group) for p in AUDIENCE_PATTERNS)


def user_groups(user: Any) -> list[str]:
    """Every group ``user``'s socket joins, sorted; the only list of them."""
    groups = {user_group(user.pk)}
    grid = user_active_grid(user)
    if grid is not None:
        groups.add(grid_worker_group(grid.pk))
    if user_is_administrator(user):
        groups.add(city_managers_group())
    else:
        staff_ids = user_staff_communities(user).values_list("pk", flat=True)
        groups.update(community_staff_group(pk) for pk in staff_ids)
    if Role.TIP_HANDLER.value in user_roles(user):
        groups.add(tip_handlers_group())
    groups.update(district_managers_group(pk) for pk in user_managed_district_ids(user))
    return sorted(groups)


def forget_roles(user: Any) -> None:
    """Drop the roles ``user_roles`` cached on this user object; the next call reads them."""
    user.__dict__.pop("_role_cache", None)
