from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("One-click dispatch")

    def ready(self) -> None:
        from dispatch import events  # noqa: F401 - registers the event types
