from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _build_demo_hazards(ctx: Any) -> None:
    # Imported on use: the demo pulls in numpy, which no request needs.
    from inspections.demo import build_hazards

    build_hazards(ctx)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Hazards and inspections")

    def ready(self) -> None:
        from config.dashboard import register_panel
        from config.demo import DemoStep, register_demo_step
        from grids.models import Role
        from grids.roles import role_permissions_add
        from grids.services import register_personal_data
        from inspections import events  # noqa: F401 - registers the event types
        from inspections.dashboard import CLOSED_LOOP_PANEL, WORKERS_PANEL
        from inspections.personal_data import HAZARDS_SECTION

        register_personal_data(HAZARDS_SECTION)
        register_panel(CLOSED_LOOP_PANEL)
        register_panel(WORKERS_PANEL)
        # Staff read hazards and inspections of their communities; a hazard moves only
        # through the page's steps, each checked by its service's own rule.
        role_permissions_add(
            Role.COMMUNITY_STAFF,
            {
                "inspections.view_hazard",
                "inspections.view_category",
                "inspections.view_checklisttemplate",
                "inspections.view_inspection",
            },
        )
        # District managers read the dashboard and the hazard lists its figures link to.
        role_permissions_add(Role.DISTRICT_MANAGER, {"inspections.view_hazard"})
        register_demo_step(DemoStep(key="inspections.hazards", run=_build_demo_hazards, order=20))
