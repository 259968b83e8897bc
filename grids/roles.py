"""What each role may do in the admin, as Django permissions granted by the role itself.

Roles live in RoleGrant rows (granted in the admin or by `role_grant`), so their admin
permissions follow the grant instead of a hand-kept Group. Apps add the permissions of
their own models in `AppConfig.ready`; the admin screens scope rows to the user's
communities, so a permission here never widens what a staff member sees.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from grids.models import Role
from grids.selectors import user_roles

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.COMMUNITY_STAFF.value: {
        "grids.view_community",
        "grids.view_grid",
        "grids.view_building",
        "grids.add_building",
        "grids.change_building",
        "grids.view_enterprise",
        "grids.add_enterprise",
        "grids.change_enterprise",
        "grids.view_gridassignment",
    },
}


def role_permissions_add(role: Role | str, permissions: set[str]) -> None:
    """Let an app give a role permissions on its own models."""
    ROLE_PERMISSIONS.setdefault(str(role), set()).update(permissions)


class RolePermissionBackend(BaseBackend):
    """Admin permissions that come with a user's roles (authenticates nobody)."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        granted: set[str] = set()
        for role in user_roles(user_obj):
            granted |= ROLE_PERMISSIONS.get(role, set())
        return granted

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
