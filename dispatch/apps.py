from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _open_for_hazard(hazard: Any) -> str:
    from django.urls import reverse

    return f"{reverse('admin:dispatch_dispatch_add')}?hazard={hazard.pk}"


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("One-click dispatch")

    def ready(self) -> None:
        from config.dashboard import register_panel
        from config.workbench import PageLink, register_page_link
        from dispatch import events  # noqa: F401 - registers the event types
        from dispatch.dashboard import DISPATCH_PANEL
        from grids.models import Role
        from grids.roles import role_permissions_add

        register_panel(DISPATCH_PANEL)
        # Staff open and close their communities' dispatches (scoped by the selectors).
        role_permissions_add(
            Role.COMMUNITY_STAFF, {"dispatch.view_dispatch", "dispatch.add_dispatch"}
        )
        register_page_link(
            "inspections.hazard",
            PageLink(
                key="dispatch.open",
                label=_("Dispatch volunteers"),
                url=_open_for_hazard,
                allowed=lambda user, hazard: user.has_perm("dispatch.add_dispatch"),
            ),
        )
