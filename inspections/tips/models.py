"""Tips, their timeline, messages, files, who opened them, and figures that outlive them.

Nothing here records when a whistleblower did something more precisely than the day
(``DateField``), and nothing records where they came from: no address, no browser, no
cookie, no original file name. Handlers' own actions keep their exact time (``at``).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ACKNOWLEDGE_WITHIN_DAYS = 7
FEEDBACK_WITHIN_MONTHS = 3


def keep_enterprise_name(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of a tip's enterprise: unlink it but keep its name on the tip.

    A tip always names its enterprise (``tip_names_its_enterprise``); a plain SET_NULL
    broke that and made deleting an enterprise with tips a 500. PROTECT would not do
    either: the admin's refusal lists the protected tips to people who may not see tips.
    """
    tips = list(sub_objs)
    enterprise_ids = {tip.enterprise_id for tip in tips}
    names = dict(
        field.related_model._base_manager.using(using)
        .filter(pk__in=enterprise_ids)
        .values_list("pk", "name")
    )
    name_field = field.model._meta.get_field("enterprise_name")
    unnamed: dict[str, list[Any]] = {}
    for tip in tips:
        if not tip.enterprise_name:
            unnamed.setdefault(names.get(tip.enterprise_id, "")[:120], []).append(tip)
    for name, named_tips in unnamed.items():
        collector.add_field_update(name_field, name, named_tips)
    collector.add_field_update(field, None, tips)


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Being investigated")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")
    CLOSED = "closed", _("Closed")


class TipOutcome(models.TextChoices):
    NONE = "", _("No outcome")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


class RewardState(models.TextChoices):
    NONE = "", _("No reward")
    AVAILABLE = "available", _("Waiting to be collected")
    VOUCHER = "voucher", _("Collected as an anonymous voucher")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


class Tip(models.Model):
    """举报: one whistleblower's report, reached only by tip handlers of its district."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    receipt_hash = models.CharField(_("receipt (keyed hash)"), max_length=64, unique=True)
    district = models.ForeignKey(
        "grids.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "grids.Enterprise",
        verbose_name=_("enterprise or site"),
        null=True,
        blank=True,
        on_delete=keep_enterprise_name,
        related_name="+",
    )
    enterprise_name = models.CharField(_("enterprise name (as given)"), max_length=120, blank=True)
    enterprise_address = models.CharField(_("enterprise address"), max_length=200, blank=True)
    category = models.ForeignKey(
        "inspections.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("what happened"), max_length=5000)
    # Confidential: only the reveal service shows them, and it records who, when and why.
    contact_name = models.CharField(_("name (confidential)"), max_length=64, blank=True)
    contact_phone = models.CharField(_("phone (confidential)"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TipStatus.choices, default=TipStatus.NEW
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=TipOutcome.choices, blank=True, default=""
    )
    is_major = models.BooleanField(_("major hazard"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_on = models.DateField(_("received on"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    decided_on = models.DateField(_("outcome given on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    acknowledge_reminded_on = models.DateField(null=True, blank=True, editable=False)
    feedback_reminded_on = models.DateField(null=True, blank=True, editable=False)
    purge_notice_on = models.DateField(null=True, blank=True, editable=False)
    hazard = models.OneToOneField(
        "inspections.Hazard",
        verbose_name=_("hazard made from it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reward_state = models.CharField(
        _("reward"), max_length=16, choices=RewardState.choices, blank=True, default=""
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(enterprise_name=""),
                name="tip_names_its_enterprise",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="tip_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status"], name="tip_district_status_idx"),
            models.Index(fields=["status", "closed_on"], name="tip_status_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def acknowledge_due_on(self) -> date:
        return self.received_on + timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)

    @property
    def feedback_due_on(self) -> date:
        return add_months(self.received_on, FEEDBACK_WITHIN_MONTHS)

    @property
    def enterprise_label(self) -> str:
        return (
            self.enterprise.name if self.enterprise_id and self.enterprise else self.enterprise_name
        )


class TipEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRANSITION = "transition", _("Status change")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Private note")
    MESSAGE = "message", _("Message")
    EVIDENCE = "evidence", _("More evidence")
    REVEAL = "reveal", _("Identity revealed")
    HAZARD = "hazard", _("Hazard created")
    REMINDER = "reminder", _("Deadline reminder")


class TipEvent(models.Model):
    """One immutable line of a tip's timeline. ``actor`` is always a handler or nobody."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=TipEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(max_length=16, choices=TipStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TipStatus.choices, blank=True)
    # Private notes and reveal reasons: handlers only, never the whistleblower.
    note = models.TextField(_("note"), blank=True, max_length=5000)
    on = models.DateField(_("day"))
    at = models.DateTimeField(_("at (handlers' actions only)"), null=True, blank=True)

    class Meta:
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Tip events are immutable.")
        super().save(*args, **kwargs)


class TipMessage(models.Model):
    """A message between the whistleblower and the handlers (the two-way channel)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_whistleblower = models.BooleanField(_("from the whistleblower"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=5000)
    on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("tip message")
        verbose_name_plural = _("tip messages")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.on}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Text document")


def _attachment_path(instance: TipAttachment, filename: str) -> str:
    # A random name: the uploaded name (often a person's or a phone's) is never kept.
    suffix = ".jpg" if instance.kind == AttachmentKind.PHOTO else ".txt"
    return f"tips/{uuid.uuid4().hex}{suffix}"


class TipAttachment(models.Model):
    """Evidence, re-encoded so that no metadata survives; stored under a random name."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("tip attachment")
        verbose_name_plural = _("tip attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.kind}"


class TipAccess(models.Model):
    """Every time a handler opened a tip or one of its files (全程留痕)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT
    )
    what = models.CharField(_("what"), max_length=32)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tip opening")
        verbose_name_plural = _("tip openings")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.what}"


class TipFigure(models.Model):
    """Counts of purged tips by month received, district and outcome: the programme's
    figures survive the purge, the content does not."""

    month = models.DateField(_("month received"))
    district = models.ForeignKey(
        "grids.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=TipOutcome.choices, blank=True)
    count = models.PositiveIntegerField(_("tips"), default=0)
    acknowledged_in_time = models.PositiveIntegerField(_("acknowledged within 7 days"), default=0)

    class Meta:
        verbose_name = _("figure of purged tips")
        verbose_name_plural = _("figures of purged tips")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district", "outcome"], name="tipfigure_unique_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.outcome or '-'}: {self.count}"


class RewardVoucher(models.Model):
    """An anonymous reward: a bearer code (kept as a keyed hash) with no link to its tip.

    Collected with the receipt; claiming it into a resident's account pays the points
    through the award seam, keyed by this row, so neither the tip nor its handlers can
    tell which account was paid."""

    code_hash = models.CharField(_("code (keyed hash)"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("anonymous reward voucher")
        verbose_name_plural = _("anonymous reward vouchers")

    def __str__(self) -> str:
        return f"{self.pk} {self.issued_on}"
