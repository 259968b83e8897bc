from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _build_demo_city(ctx: Any) -> None:
    # Imported on use: the demo pulls in numpy, which no request needs.
    from grids.demo import build_city

    build_city(ctx)


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Grids, places and people")

    def ready(self) -> None:
        from config.dashboard import register_panel, register_places
        from config.demo import DemoStep, register_demo_step
        from grids.dashboard import COVERAGE_PANEL, dashboard_places

        register_places(dashboard_places)
        register_panel(COVERAGE_PANEL)
        register_demo_step(DemoStep(key="grids.city", run=_build_demo_city, order=10))
