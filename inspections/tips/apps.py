from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    """The whistleblower programme: its own tables, permissions and logging rules."""

    name = "inspections.tips"
    label = "tips"
    verbose_name = _("Whistleblower tips")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config.dashboard import register_panel
        from grids.models import Role
        from grids.roles import role_permissions_add
        from inspections.tips import events  # noqa: F401 - registers the event types
        from inspections.tips.dashboard import TIPS_PANEL

        register_panel(TIPS_PANEL)
        role_permissions_add(Role.TIP_HANDLER, {"tips.view_tip", "tips.view_tipfigure"})
