"""Client applications' API keys and what each Open311 report carried beyond the hazard."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RATE_LIMIT_PER_MINUTE = 60


class ApiKey(models.Model):
    """One client application's key; only its SHA-256 is stored, the key is shown once."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        _("key prefix"),
        max_length=16,
        editable=False,
        help_text=_("The first characters of the key, to recognise it; not a secret."),
    )
    # The application's own account: the reporter of its hazards, so that its photos go
    # through the same permission checks as anyone else's. It cannot sign in.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="open311_key",
        editable=False,
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=DEFAULT_RATE_LIMIT_PER_MINUTE,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Open311Submission(models.Model):
    """Which key filed a hazard, and the reporter's details that are never published."""

    hazard = models.OneToOneField(
        "inspections.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.CASCADE,
        related_name="open311_submission",
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="submissions"
    )
    token = models.CharField(_("token"), max_length=32, unique=True)
    email = models.EmailField(_("email"), blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    device_id = models.CharField(_("device ID"), max_length=200, blank=True)
    account_id = models.CharField(_("account ID"), max_length=200, blank=True)
    # A link the client sent; the server never fetches it.
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.api_key.name}: {self.hazard_id}"
