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
- ``tip_handlers_group() -> str``: ``tips.handlers``, city-wide whistleblower tip handlers
- ``tip_district_handlers_group(district_id: int) -> str``: ``tips.district.<id>.handlers``,
  the tip handlers of one district
- ``tip_audiences(district_id: int) -> list[str]``: who hears about a tip of that district
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

from grids.selectors.users import (
    user_active_grid,
    user_is_administrator,
    user_managed_district_ids,
    user_staff_communities,
    user_tip_district_ids,
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
    re.compile(r"tips\.district\.[1-9][0-9]*\.handlers"),
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
    """City-wide tip handlers (a grant with neither community nor district)."""
    return TIP_HANDLERS


def tip_district_handlers_group(district_id: int) -> str:
    return f"tips.district.{_id(district_id)}.handlers"


def tip_audiences(district_id: int) -> list[str]:
    """A tip of this district is heard by its district's handlers and city-wide ones only."""
    return [tip_district_handlers_group(district_id), tip_handlers_group()]


def _tip_handler_groups(user: Any) -> list[str]:
    district_ids = user_tip_district_ids(user)
    if district_ids is None:
        return [tip_handlers_group()]
    return [tip_district_handlers_group(pk) for pk in district_ids]


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
    groups.update(_tip_handler_groups(user))
    groups.update(district_managers_group(pk) for pk in user_managed_district_ids(user))
    return sorted(groups)


def forget_roles(user: Any) -> None:
    """Drop the roles ``user_roles`` cached on this user object; the next call reads them."""
    user.__dict__.pop("_role_cache", None)
