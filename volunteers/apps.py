from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _build_demo_volunteers(ctx: Any) -> None:
    from volunteers.demo import build_volunteers

    build_volunteers(ctx)


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from config.dashboard import register_panel
        from config.demo import DemoStep, register_demo_step
        from grids.models import Role
        from grids.roles import role_permissions_add
        from volunteers import events  # noqa: F401 - registers the event types
        from volunteers.dashboard import VOLUNTEERS_PANEL

        register_panel(VOLUNTEERS_PANEL)
        # Staff run the volunteers of their communities; the admin screens scope every
        # row to those communities, and approvals go through the services.
        role_permissions_add(
            Role.COMMUNITY_STAFF,
            {
                f"volunteers.{action}_{model}"
                for model in (
                    "volunteerprofile",
                    "certificate",
                    "team",
                    "course",
                    "trainingsession",
                    "enrolment",
                    "activity",
                    "signup",
                )
                for action in ("view", "change")
            }
            | {f"volunteers.add_{m}" for m in ("team", "course", "trainingsession", "activity")}
            | {"volunteers.view_skill"},
        )
        register_demo_step(DemoStep(key="volunteers.program", run=_build_demo_volunteers, order=40))
