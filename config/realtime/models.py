"""The event log (source of truth for what clients missed) and websocket tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One published event; its id is the cursor a reconnecting client resumes from."""

    type = models.CharField(_("type"), max_length=64, db_index=True)
    version = models.PositiveSmallIntegerField(_("schema version"), default=1)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(_("handed to the channel layer at"), null=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(
                fields=["id"],
                name="event_unpublished_idx",
                condition=models.Q(published_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class EventAudience(models.Model):
    """A group that may receive an event (``user.7``, ``grid.3``, ``community.2.staff``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audiences")
    group = models.CharField(_("group"), max_length=80)

    class Meta:
        verbose_name = _("event audience")
        verbose_name_plural = _("event audiences")
        constraints = [
            models.UniqueConstraint(fields=["event", "group"], name="event_audience_unique")
        ]
        indexes = [models.Index(fields=["group", "event"], name="event_audience_replay_idx")]

    def __str__(self) -> str:
        return self.group


class WsTicket(models.Model):
    """A short-lived, single-use ticket that lets a phone open a websocket.

    The long-lived API token never travels in a URL (proxies log URLs); the phone trades it
    for one of these over an authenticated POST and sends the ticket as a query parameter.
    Only the SHA-256 of the ticket is stored.
    """

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    token_key = models.CharField(
        max_length=25, blank=True, help_text=_("Prefix of the API token that asked for it.")
    )
    groups = models.JSONField(
        _("groups"),
        default=list,
        help_text=_("The realtime groups the socket joins, worked out when it was issued."),
    )
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("websocket ticket")
        verbose_name_plural = _("websocket tickets")

    def __str__(self) -> str:
        return f"ticket for user {self.user_id}"
