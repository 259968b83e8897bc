"""Volunteers: profiles, skills and certificates, teams, training and activities.

Invariants live here as constraints (one sign-up per person and activity, one waiting
position per activity, an end after its start); workflows live in ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

LAT = [MinValueValidator(-90.0), MaxValueValidator(90.0)]
LNG = [MinValueValidator(-180.0), MaxValueValidator(180.0)]


class Skill(models.Model):
    """A node of the skill hierarchy: holding a child (CPR) also satisfies its parent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    needs_certificate = models.BooleanField(
        _("needs a certificate"),
        default=False,
        help_text=_("Only a confirmed, unexpired certificate makes a volunteer hold it."),
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class ProfileStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


class VolunteerProfile(models.Model):
    """A resident who volunteers: where they start from, what they can do, whether on duty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
    )
    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.ACTIVE
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    base_lat = models.FloatField(_("base latitude"), null=True, blank=True, validators=LAT)
    base_lng = models.FloatField(_("base longitude"), null=True, blank=True, validators=LNG)
    on_duty = models.BooleanField(_("on duty"), default=False)
    last_lat = models.FloatField(_("last latitude"), null=True, blank=True, validators=LAT)
    last_lng = models.FloatField(_("last longitude"), null=True, blank=True, validators=LNG)
    last_located_at = models.DateTimeField(_("last located at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [
            # One-click dispatch looks for on-duty, active volunteers in a bounding box
            # around an incident: only those rows are in this index, by position.
            models.Index(
                fields=["last_lat", "last_lng"],
                name="volunteer_on_duty_position",
                condition=Q(on_duty=True, status="active", last_lat__isnull=False),
            ),
            models.Index(fields=["community", "status"], name="volunteer_community_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_lat__isnull=True, base_lng__isnull=True)
                | Q(base_lat__isnull=False, base_lng__isnull=False),
                name="volunteer_base_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.user.public_name


class Availability(models.Model):
    """A weekly window the volunteer can usually help in (local time)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="availability_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Certificate(models.Model):
    """A certificate for a skill; it counts only when confirmed by staff and not expired."""

    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="certificates"
    )
    issuer = models.CharField(_("issuer"), max_length=120)
    number = models.CharField(_("certificate number"), max_length=64)
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.PENDING,
    )
    photo_hash = models.CharField(max_length=64, blank=True)
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    photo_thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    session = models.ForeignKey(
        "TrainingSession",
        verbose_name=_("granted by the training session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    # Reminders already sent, so a cron run twice never reminds twice.
    reminded_30_at = models.DateTimeField(null=True, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill", "issuer", "number"], name="certificate_once"
            )
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="certificate_expiry")]

    def __str__(self) -> str:
        return f"{self.skill} {self.number}"


class Team(models.Model):
    """A joint rescue team: an enterprise, a community and volunteers, with a leader."""

    name = models.CharField(_("name"), max_length=80)
    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    enterprise = models.ForeignKey(
        "grids.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    leader = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
    )
    members = models.ManyToManyField(
        VolunteerProfile, verbose_name=_("members"), blank=True, related_name="teams"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A training course; completing one of its sessions grants its certificate."""

    name = models.CharField(_("name"), max_length=120)
    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteer_courses",
    )
    skill = models.ForeignKey(
        Skill,
        verbose_name=_("skill certified"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    issuer = models.CharField(_("certificate issuer"), max_length=120, blank=True)
    certificate_valid_days = models.PositiveIntegerField(
        _("certificate valid for (days)"), default=730, validators=[MinValueValidator(1)]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ATTENDED = "attended", _("Attended")
    COMPLETED = "completed", _("Completed")
    ABSENT = "absent", _("Absent")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["session", "profile"], name="enrolment_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.profile}"


class ActivityKind(models.TextChoices):
    DRILL = "drill", _("Emergency drill")
    PATROL = "patrol", _("Patrol")
    PUBLICITY = "publicity", _("Safety publicity")


class Activity(models.Model):
    """A drill, patrol or publicity event with a time, a place and a capacity."""

    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    place = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(_("latitude"), validators=LAT)
    lng = models.FloatField(_("longitude"), validators=LNG)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    required_skills = models.ManyToManyField(
        Skill, verbose_name=_("required skills"), blank=True, related_name="activities"
    )
    checkin_code = models.CharField(_("check-in code"), max_length=12, unique=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="activity_starts")]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class HoursStatus(models.TextChoices):
    NONE = "none", _("Not checked out")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Signup(models.Model):
    """One person's place at an activity, from sign-up through check-out to approved hours."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    profile = models.ForeignKey(
        VolunteerProfile,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    status = models.CharField(_("status"), max_length=10, choices=SignupStatus.choices)
    # Place on the waiting list (1 = next to move up); null once confirmed or cancelled.
    waiting_position = models.PositiveIntegerField(_("waiting position"), null=True, blank=True)
    signed_up_at = models.DateTimeField(_("signed up at"))
    promoted_at = models.DateTimeField(_("moved up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    hours_status = models.CharField(
        _("hours approval"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.NONE
    )
    hours_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hours decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hours_decided_at = models.DateTimeField(_("hours decided at"), null=True, blank=True)
    no_show = models.BooleanField(_("no-show"), default=False)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_day_of_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["activity", "profile"], name="signup_once"),
            models.UniqueConstraint(
                fields=["activity", "waiting_position"],
                condition=Q(waiting_position__isnull=False),
                name="signup_waiting_position_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["checked_out_at"],
                name="signup_hours_pending",
                condition=Q(hours_status="pending"),
            ),
            models.Index(fields=["activity", "status"], name="signup_activity_status"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.profile}"
