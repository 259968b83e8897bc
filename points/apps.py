from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _build_demo_points(ctx: Any) -> None:
    from points.demo import build_points

    build_points(ctx)


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("Safety points")

    def ready(self) -> None:
        from config.dashboard import register_panel
        from config.demo import DemoStep, register_demo_step
        from grids.models import Role
        from grids.roles import role_permissions_add
        from grids.services import register_personal_data
        from points import events  # noqa: F401 - registers the event types
        from points.dashboard import POINTS_PANEL
        from points.personal_data import POINTS_SECTION

        register_personal_data(POINTS_SECTION)
        register_panel(POINTS_PANEL)
        # Staff run the counter and the rewards of their communities; every screen is
        # scoped by the staff selectors, and balances change only through the services.
        role_permissions_add(
            Role.COMMUNITY_STAFF,
            {
                "points.view_reward",
                "points.add_reward",
                "points.change_reward",
                "points.view_voucher",
                "points.view_account",
                "points.view_ledgerentry",
            },
        )
        register_demo_step(DemoStep(key="points.rewards", run=_build_demo_points, order=30))
