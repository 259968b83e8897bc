"""Residents' rights under the Personal Information Protection Law (PIPL, arts. 45 and 47).

A user downloads what the service holds about them (``user_data_export``) and closes their
account (``user_account_close``). Each app describes its own part in a
``PersonalDataSection`` registered from its ``AppConfig.ready``, so grids (which owns the
user) imports no app that depends on it. Closing keeps what the city must keep (hazards
and their timelines, the points ledger, vouchers) and removes the person from it: the
user row stays only as an anonymous, inactive placeholder that those records point at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import RoleGrant, User


@dataclass(frozen=True)
class PersonalDataSection:
    """One app's part of a user's data: how to export it and how to detach the person."""

    key: str
    export: Callable[[User], Any]
    erase: Callable[[User], None]


_SECTIONS: dict[str, PersonalDataSection] = {}


def register_personal_data(section: PersonalDataSection) -> None:
    _SECTIONS[section.key] = section


def _profile(user: User) -> dict[str, Any]:
    grants = RoleGrant.objects.filter(user=user).select_related("community", "district")
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "phone": user.phone,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "home_building": user.home_building.name if user.home_building else None,
        "base_location": [user.base_lat, user.base_lng] if user.base_lat is not None else None,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": [
            {
                "role": grant.role,
                "community": grant.community.name if grant.community else None,
                "district": grant.district.name if grant.district else None,
            }
            for grant in grants
        ],
    }


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about ``user``, as plain JSON-ready data."""
    body: dict[str, Any] = {"exported_at": timezone.now().isoformat(), "profile": _profile(user)}
    for key in sorted(_SECTIONS):
        body[key] = _SECTIONS[key].export(user)
    return body


@transaction.atomic
def user_account_close(*, user: User, password: str) -> User:
    """Close ``user``'s account for good: every app detaches the person, then the user
    row is emptied of personal data and can never sign in again."""
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not right.")}, code="invalid")
    if user.is_superuser:
        raise ValidationError(
            _("An administrator account is closed by another administrator."), code="superuser"
        )
    for key in sorted(_SECTIONS):
        _SECTIONS[key].erase(user)
    RoleGrant.objects.filter(user=user).delete()
    _anonymise(user)
    return user


def _anonymise(user: User) -> None:
    user.username = f"closed-{user.pk}"
    user.first_name = user.last_name = user.email = user.display_name = ""
    user.phone = None
    user.preferred_language = ""
    user.home_building = None
    user.base_lat = user.base_lng = None
    user.is_active = user.is_staff = False
    user.set_unusable_password()
    user.save()
    user.user_permissions.clear()
    user.groups.clear()
