"""Writes about users and their roles."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from config.realtime.control import sockets_refresh
from grids.audiences import forget_roles
from grids.models import Community, District, Role, RoleGrant, User


def user_update_profile(
    *, user: User, display_name: str | None = None, preferred_language: str | None = None
) -> User:
    """Change what a user may change about themselves."""
    if display_name is not None:
        user.display_name = display_name
    if preferred_language is not None:
        user.preferred_language = preferred_language
    user.full_clean(exclude=["password", "username", "home_building"])
    user.save(update_fields=["display_name", "preferred_language"])
    return user


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: Role | str,
    community: Community | None = None,
    district: District | None = None,
) -> RoleGrant:
    """Give ``user`` a role (idempotent); community staff need a community, district
    managers a district."""
    grant = RoleGrant(user=user, role=role, community=community, district=district)
    grant.full_clean(validate_unique=False)
    existing, _created = RoleGrant.objects.get_or_create(
        user=user, role=role, community=community, district=district
    )
    forget_roles(user)
    transaction.on_commit(lambda: sockets_refresh(user_id=user.pk))
    return existing


def role_revoke(*, user: User, role: Role | str, community: Any = None) -> int:
    """Take a role away; returns how many grants were removed."""
    deleted, _by_model = RoleGrant.objects.filter(
        user=user, role=role, community=community
    ).delete()
    forget_roles(user)
    transaction.on_commit(lambda: sockets_refresh(user_id=user.pk))
    return deleted
