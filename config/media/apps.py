from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "config.media"
    label = "media"
    verbose_name = _("Stored files")
