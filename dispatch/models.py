"""One-click dispatch: an incident offered to the nearest qualified volunteers in rings.

A ``Dispatch`` is the incident and its search (which ring, until when); an ``Offer`` is
one volunteer's part in it, with the time of every step. Invariants live here as
constraints (one offer per volunteer and dispatch, a sane number of people); the
workflow (rings, accepts, stand-downs) lives in ``dispatch.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_PEOPLE = 20


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class DispatchStatus(models.TextChoices):
    OPEN = "open", _("Looking for volunteers")
    FILLED = "filled", _("Filled")
    UNFILLED = "unfilled", _("Out of rings, not filled")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    HANDED_OVER = "handed_over", _("Handed over to the emergency services")
    FALSE_ALARM = "false_alarm", _("False alarm")
    CANCELLED = "cancelled", _("Cancelled")
    UNFILLED = "unfilled", _("Nobody could come")


# A dispatch still under way: its volunteers are busy, its offers can still be answered.
LIVE_DISPATCH = (DispatchStatus.OPEN, DispatchStatus.FILLED, DispatchStatus.UNFILLED)


class Dispatch(models.Model):
    """An incident, what it needs, and where its search of volunteers stands."""

    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    hazard = models.ForeignKey(
        "inspections.Hazard",
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    lng = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )
    address = models.CharField(_("exact place"), max_length=200, blank=True)
    area = models.CharField(
        _("rough area"),
        max_length=120,
        help_text=_("What a volunteer sees before accepting: the community and grid."),
    )
    description = models.CharField(_("what happened"), max_length=500, blank=True)
    skill = models.ForeignKey(
        "volunteers.Skill",
        verbose_name=_("skill needed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    people_needed = models.PositiveSmallIntegerField(
        _("people needed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.URGENT
    )
    is_drill = models.BooleanField(
        _("drill"), default=False, help_text=_("A practice dispatch, kept out of the figures.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DispatchStatus.choices,
        default=DispatchStatus.OPEN,
        db_index=True,
    )
    # The search, fixed when opened so that a settings change never moves a running one.
    rings_m = models.JSONField(_("rings (m)"), default=list)
    ring_seconds = models.PositiveIntegerField(_("seconds per ring"), default=60)
    offers_per_person = models.PositiveSmallIntegerField(_("offers per person needed"), default=3)
    ring = models.PositiveSmallIntegerField(_("current ring"), default=0)
    ring_deadline_at = models.DateTimeField(
        _("current ring ends at"), null=True, blank=True, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="dispatches_opened",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    first_accepted_at = models.DateTimeField(_("first accepted at"), null=True, blank=True)
    first_arrived_at = models.DateTimeField(_("first arrived at"), null=True, blank=True)
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True)
    unfilled_at = models.DateTimeField(_("out of rings at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    # A phone opening one with a weak signal retries under the UUID made when it was tapped
    # (config.idempotency): one incident, one dispatch, however often it is sent.
    client_uuid = models.UUIDField(_("client UUID"), null=True, blank=True, unique=True)
    fingerprint = models.CharField(
        _("content fingerprint"), max_length=64, blank=True, editable=False
    )

    # Not a column: True when dispatch_open answered a retry with the dispatch it opened the
    # first time (the API answers 200 instead of 201).
    replayed = False

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_needed__gte=1, people_needed__lte=MAX_PEOPLE),
                name="dispatch_people_needed_range",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(outcome=""))
                | (~Q(status="closed") & Q(outcome="")),
                name="dispatch_closed_has_outcome",
                violation_error_message=_("A closed dispatch needs an outcome, an open one none."),
            ),
        ]
        indexes = [models.Index(fields=["community", "opened_at"], name="dispatch_figures")]

    def __str__(self) -> str:
        return f"D-{self.pk} {self.area}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    SEEN = "seen", _("Seen")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    STOOD_DOWN = "stood_down", _("Not needed")
    EN_ROUTE = "en_route", _("On the way")
    ARRIVED = "arrived", _("Arrived")
    ON_TASK = "on_task", _("With the patient or at the task")
    DONE = "done", _("Done")


# Waiting for an answer.
PENDING_OFFER = (OfferStatus.OFFERED, OfferStatus.SEEN)
# Took a place: counts towards people needed, and the volunteer is busy.
TAKEN_OFFER = (OfferStatus.ACCEPTED, OfferStatus.EN_ROUTE, OfferStatus.ARRIVED, OfferStatus.ON_TASK)
# A volunteer with one of these on a live dispatch is not offered another.
BUSY_OFFER = (*PENDING_OFFER, *TAKEN_OFFER)
# The steps an accepted volunteer reports, in order, with the field that records each.
PROGRESS_STEPS = {
    OfferStatus.EN_ROUTE: "en_route_at",
    OfferStatus.ARRIVED: "arrived_at",
    OfferStatus.ON_TASK: "on_task_at",
    OfferStatus.DONE: "done_at",
}


class Offer(models.Model):
    """One volunteer asked to help with one dispatch, and what they did, step by step."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="offers"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="dispatch_offers",
    )
    ring = models.PositiveSmallIntegerField(_("ring"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    stood_down_at = models.DateTimeField(_("stood down at"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("on the way at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    on_task_at = models.DateTimeField(_("at the task at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["dispatch_id", "ring", "distance_m"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "volunteer"], name="offer_once")]
        indexes = [
            # "Not on another open dispatch" and "under the daily limit" look here.
            models.Index(fields=["volunteer", "status"], name="offer_volunteer_status"),
            models.Index(fields=["volunteer", "offered_at"], name="offer_volunteer_day"),
        ]

    def __str__(self) -> str:
        return f"D-{self.dispatch_id} → {self.volunteer_id} ({self.status})"
