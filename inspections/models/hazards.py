"""Categories, hazards, their immutable timeline and their photos."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from grids.models import RiskColour
from inspections.models.attributes import validate_attribute_definitions


class Category(models.Model):
    """A kind of hazard residents and apps choose from (an Open311 service)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    # Shown in the field app as soon as the category is chosen: what to do right now.
    guidance_zh = models.TextField(_("what to do now (Chinese)"), blank=True, max_length=500)
    guidance_en = models.TextField(_("what to do now (English)"), blank=True, max_length=500)
    default_risk_colour = models.CharField(
        _("default risk grade"), max_length=8, choices=RiskColour.choices, default=RiskColour.BLUE
    )
    default_is_major = models.BooleanField(_("major by default"), default=False)
    hours_red = models.PositiveIntegerField(_("deadline for red (hours)"), default=24)
    hours_orange = models.PositiveIntegerField(_("deadline for orange (hours)"), default=72)
    hours_yellow = models.PositiveIntegerField(_("deadline for yellow (hours)"), default=168)
    hours_blue = models.PositiveIntegerField(_("deadline for blue (hours)"), default=336)
    hours_major = models.PositiveIntegerField(_("deadline for a major hazard (hours)"), default=24)
    attributes = models.JSONField(
        _("extra attributes"),
        default=list,
        blank=True,
        validators=[validate_attribute_definitions],
        help_text=_(
            "Open311 attribute definitions: code, datatype, required, description, values."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hazard category")
        verbose_name_plural = _("hazard categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_red__gt=0, hours_orange__gt=0, hours_yellow__gt=0)
                & Q(hours_blue__gt=0, hours_major__gt=0),
                name="category_deadlines_positive",
            )
        ]

    def __str__(self) -> str:
        return self.localized_name()

    def localized_name(self) -> str:
        """The name in the active language (Chinese unless English is asked for)."""
        if (translation.get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def deadline_hours(self, *, risk_colour: str, is_major: bool) -> int:
        """Hours to fix: the colour's deadline, shortened to the major one for major hazards."""
        hours = int(getattr(self, f"hours_{risk_colour}"))
        return min(hours, self.hours_major) if is_major else hours

    def due_from(self, start: datetime, *, risk_colour: str, is_major: bool) -> datetime:
        return start + timedelta(
            hours=self.deadline_hours(risk_colour=risk_colour, is_major=is_major)
        )


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Being rectified")
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_STATUSES = (
    HazardStatus.REPORTED,
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.AWAITING_VERIFICATION,
)


def hazard_is_overdue(*, status: str, due_at: datetime, now: datetime) -> bool:
    """The one overdue rule: still open and past its deadline (the API's ``is_overdue``,
    for a model instance and for a list row alike)."""
    return status in OPEN_STATUSES and due_at < now


class HazardSource(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    RESIDENT = "resident", _("Resident")
    WHISTLEBLOWER = "whistleblower", _("Whistleblower")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("Staff")


class Hazard(models.Model):
    """隐患: a located safety problem with a risk level and a lifecycle to closure."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="hazards"
    )
    description = models.TextField(_("description"), max_length=2000)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    lng = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    community = models.ForeignKey(
        "grids.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        "grids.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "grids.Enterprise",
        verbose_name=_("enterprise or site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("found on inspection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    is_major = models.BooleanField(_("major hazard"), default=False)
    risk_colour = models.CharField(_("risk grade"), max_length=8, choices=RiskColour.choices)
    source = models.CharField(_("source"), max_length=16, choices=HazardSource.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_hazards",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_hazards",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=HazardStatus.choices, default=HazardStatus.REPORTED
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    due_at = models.DateTimeField(_("due at"))
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, editable=False)
    attribute_values = models.JSONField(_("attribute values"), default=dict, blank=True)
    me_too_count = models.PositiveIntegerField(_("confirmations by others"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    cover_photo = models.ForeignKey(
        "inspections.Photo",
        verbose_name=_("cover photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    assigned_at = models.DateTimeField(_("first assigned at"), null=True, blank=True)
    fix_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fix submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="hazard_duplicate_needs_original",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.REJECTED) | ~Q(reject_reason=""),
                name="hazard_rejection_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="hazard_status_due_idx"),
            models.Index(fields=["grid", "-created_at"], name="hazard_grid_created_idx"),
            # The list's orderings (newest first, or by deadline) with the id tie-break
            # of its cursor, so a first page is an index scan that stops after 50 rows.
            models.Index(fields=["-created_at", "-id"], name="hazard_created_idx"),
            models.Index(fields=["due_at", "id"], name="hazard_due_idx"),
            models.Index(
                fields=["community", "-created_at", "-id"], name="hazard_comm_created_idx"
            ),
            # The category filter compares ids (the code resolved first, filters.py).
            models.Index(
                fields=["category", "risk_colour", "-created_at", "-id"],
                name="hazard_cat_colour_idx",
            ),
            models.Index(fields=["category", "status"], name="hazard_category_status_idx"),
            models.Index(fields=["assignee", "status"], name="hazard_assignee_status_idx"),
            models.Index(fields=["reporter", "-created_at"], name="hazard_reporter_idx"),
            models.Index(fields=["lat", "lng"], name="hazard_location_idx"),
        ]

    # The figure fields as loaded or last saved (see ``save``); not a column.
    _figures_state: dict[str, Any] | None = None

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, and move the dashboard's daily figures by the change (inspections.summary)."""
        from inspections.summary import FIELDS, apply_change

        with transaction.atomic(savepoint=False):
            adding = self._state.adding
            before = None if adding else getattr(self, "_figures_state", None)
            if before is None and not adding and self.pk is not None:
                before = Hazard.objects.filter(pk=self.pk).values(*FIELDS).first()
            super().save(*args, **kwargs)
            after = {name: getattr(self, name) for name in FIELDS}
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and before is not None:
                saved = {self._meta.get_field(f).attname for f in update_fields}  # type: ignore[union-attr]
                after = {k: after[k] if k in saved else before[k] for k in FIELDS}
            apply_change(before, after)
            self._figures_state = after

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, *, now: datetime) -> bool:
        return hazard_is_overdue(status=self.status, due_at=self.due_at, now=now)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Hazard:
        instance = super().from_db(db, field_names, values)
        instance._figures_state = instance._loaded_figures_state()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._figures_state = self._loaded_figures_state()

    def _loaded_figures_state(self) -> dict[str, Any] | None:
        from inspections.summary import FIELDS

        deferred = self.get_deferred_fields()  # attnames
        if any(name in deferred for name in FIELDS):
            return None  # not all loaded: read from the database before the save
        return {name: getattr(self, name) for name in FIELDS}


@receiver(pre_delete, sender=Hazard, dispatch_uid="hazard_figures_on_delete")
def _hazard_deleted(sender: type[Hazard], instance: Hazard, **kwargs: Any) -> None:
    """A hazard deleted (one, a queryset or a cascade): its figures go with it, in the
    deletion's transaction."""
    from inspections.summary import FIELDS, apply_change

    before = getattr(instance, "_figures_state", None)
    if before is None:
        before = Hazard.objects.filter(pk=instance.pk).values(*FIELDS).first()
    apply_change(before, None)


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    COMMENT = "comment", _("Comment")
    PHOTO = "photo", _("Photo")
    ESCALATION = "escalation", _("Escalation")
    ME_TOO = "me_too", _("Confirmed by another resident")


class HazardEvent(models.Model):
    """One immutable line of a hazard's timeline: who, when, from, to, note."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(
        _("from"), max_length=24, choices=HazardStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=24, choices=HazardStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    # Set when the line came from a phone's outbox: a retry finds it (config/idempotency.py).
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    fingerprint = models.CharField(
        _("content fingerprint"), max_length=64, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "actor"],
                condition=Q(kind="me_too"),
                name="hazard_one_me_too_per_user",
            )
        ]
        indexes = [models.Index(fields=["hazard", "created_at"], name="hazardevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind} {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Hazard events are immutable.")
        super().save(*args, **kwargs)


class PhotoStage(models.TextChoices):
    REPORT = "report", _("On report")
    PATROL = "patrol", _("Patrol checklist item")
    PROGRESS = "progress", _("Progress")
    RECTIFIED = "rectified", _("Rectified (after)")
    VERIFICATION = "verification", _("Verification")


AFTER_PHOTO_STAGES = (PhotoStage.RECTIFIED, PhotoStage.VERIFICATION)


class Photo(models.Model):
    """A stripped, resized copy of an uploaded photo; files are named by content hash."""

    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    # A photo belongs to a hazard's timeline, or to one checklist item of a patrol.
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    event = models.ForeignKey(
        HazardEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=PhotoStage.choices)
    content_hash = models.CharField(_("SHA-256 of the upload"), max_length=64, db_index=True)
    display = models.FileField(_("display copy"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    gps_lat = models.FloatField(_("GPS latitude"), null=True, blank=True)
    gps_lng = models.FloatField(_("GPS longitude"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "content_hash"], name="photo_unique_per_hazard"
            ),
            models.CheckConstraint(
                condition=Q(hazard__isnull=False) | Q(inspection__isnull=False),
                name="photo_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        owner = self.hazard_id or f"inspection {self.inspection_id}"
        return f"{owner} {self.stage} {self.content_hash[:8]}"
