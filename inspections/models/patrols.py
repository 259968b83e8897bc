"""Patrol inspections (巡查): a worker's checklist visit to a building or a site."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

BUILDING_SITE_KIND = "building"


class ChecklistTemplate(models.Model):
    """The checklist for one kind of site (``building`` or an ``Enterprise.kind``)."""

    site_kind = models.CharField(
        _("kind of site"),
        max_length=40,
        unique=True,
        help_text=_("'building' for residential buildings, else an enterprise kind."),
    )
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["site_kind"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("what to check"), max_length=200)
    category = models.ForeignKey(
        "inspections.Category",
        verbose_name=_("hazard category when failed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklistitem_unique_code")
        ]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    """One visit by a worker to a building or a site in their grid."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "grids.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    enterprise = models.ForeignKey(
        "grids.Enterprise",
        verbose_name=_("enterprise or site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    started_at = models.DateTimeField(_("started at"))
    start_lat = models.FloatField(_("start latitude"))
    start_lng = models.FloatField(_("start longitude"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finish_lat = models.FloatField(_("finish latitude"), null=True, blank=True)
    finish_lng = models.FloatField(_("finish longitude"), null=True, blank=True)
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("patrol inspection")
        verbose_name_plural = _("patrol inspections")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=True, enterprise__isnull=False)
                | Q(building__isnull=False, enterprise__isnull=True),
                name="inspection_one_site",
                violation_error_message=_("Inspect either a building or a site."),
            )
        ]
        indexes = [
            models.Index(fields=["enterprise", "-started_at"], name="inspection_site_idx"),
            models.Index(fields=["worker", "-started_at"], name="inspection_worker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.started_at:%Y-%m-%d}"

    @property
    def site(self) -> object:
        return self.building or self.enterprise


class ItemOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class ItemResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=4, choices=ItemOutcome.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    hazard = models.OneToOneField(
        "inspections.Hazard",
        verbose_name=_("hazard raised"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="item_result",
    )
    photo = models.ForeignKey(
        "inspections.Photo",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="itemresult_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.outcome}"
