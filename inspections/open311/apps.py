from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _build_demo_requests(ctx: Any) -> None:
    from inspections.open311.demo import build_open311_requests

    build_open311_requests(ctx)


class Open311Config(AppConfig):
    """Open311 GeoReport v2: the hazard services spoken in the civic-tech standard."""

    name = "inspections.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config.demo import DemoStep, register_demo_step

        # After the hazards step (order 20), which makes the categories.
        register_demo_step(DemoStep(key="open311.requests", run=_build_demo_requests, order=25))
