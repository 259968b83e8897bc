"""Places and people: the user model, roles, and the district > community > grid tree."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_RESIDENTS_PER_BUILDING = 20_000
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|\+[1-9]\d{6,14})$")


def normalize_phone(raw: str) -> str:
    """Digits only, mainland numbers without their +86 prefix; others keep a leading +."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a mainland mobile number (11 digits starting with 1) or +country code."),
            code="invalid_phone",
        )


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    TIP_HANDLER = "tip_handler", _("Tip handler")
    ADMINISTRATOR = "administrator", _("Administrator")
    DISTRICT_MANAGER = "district_manager", _("District manager")


def public_name(display_name: str) -> str:
    """The one rule for how a person is shown to others (``User.public_name``, and the
    hazard list's rows built without a User instance)."""
    return display_name or str(_("Safety worker"))


class User(AbstractUser):
    """Anyone who signs in. Every user is a resident; other roles come from RoleGrant."""

    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
        help_text=_("Optional; can be used instead of the username to sign in."),
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the phone's or browser's language."),
    )
    home_building = models.ForeignKey(
        "grids.Building",
        verbose_name=_("home building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_residents",
    )
    # Where a grid worker sets out from; the assignment matches workers to nearby grids.
    base_lat = models.FloatField(
        _("base latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)],
    )
    base_lng = models.FloatField(
        _("base longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone = normalize_phone(self.phone) or None if self.phone else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def public_name(self) -> str:
        """What other people see: the display name, never the username or phone."""
        return public_name(self.display_name)


class RoleGrant(models.Model):
    """A role held by a user, scoped to a community where the role needs one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    community = models.ForeignKey(
        "grids.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
        help_text=_("Required for community staff; empty for a city-wide tip handler."),
    )
    district = models.ForeignKey(
        "grids.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
        help_text=_("Required for a district manager, who reads the district's hazards."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite lacks.
            models.UniqueConstraint(
                fields=["user", "role", "community"],
                condition=Q(community__isnull=False),
                name="rolegrant_unique_scoped",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="rolegrant_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(community__isnull=True, district__isnull=True),
                name="rolegrant_unique_unscoped",
            ),
            models.CheckConstraint(
                condition=~Q(role="district_manager") | Q(district__isnull=False),
                name="rolegrant_manager_needs_district",
                violation_error_message=_("A district manager must be scoped to a district."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.COMMUNITY_STAFF) | Q(community__isnull=False),
                name="rolegrant_staff_needs_community",
                violation_error_message=_("Community staff must be scoped to a community."),
            ),
        ]

    def __str__(self) -> str:
        place = self.community if self.community_id else self.district
        scope = f" @ {place}" if place else ""
        return f"{self.get_role_display()}{scope}"


class District(models.Model):
    """区: contains communities."""

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区: the unit community staff run; split into grids of about ``target_grid_size``."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("code"), max_length=32, unique=True)
    target_grid_size = models.PositiveIntegerField(
        _("target residents per grid"),
        default=500,
        validators=[MinValueValidator(50), MaxValueValidator(5000)],
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_grid_size__gt=0), name="community_target_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """网格: about 500 residents made of whole buildings, covered by one worker."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=64)
    population = models.PositiveIntegerField(_("residents"), default=0)
    boundary = models.JSONField(
        _("boundary"), null=True, blank=True, help_text=_("GeoJSON polygon of its buildings.")
    )
    centroid_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centroid_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    # A grid left without buildings by a re-partition is retired, not deleted, so the
    # history of who covered it (and hazards filed in it) keeps pointing somewhere.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋 (or one entrance, 单元, of a high-rise): a located point with a resident count."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="buildings"
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
    )
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    lng = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )
    residents = models.PositiveIntegerField(
        _("residents"), validators=[MaxValueValidator(MAX_RESIDENTS_PER_BUILDING)]
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="building_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(residents__lte=MAX_RESIDENTS_PER_BUILDING),
                name="building_residents_plausible",
            ),
        ]
        indexes = [models.Index(fields=["lat", "lng"], name="building_location_idx")]

    def __str__(self) -> str:
        return self.name


class GridAssignment(models.Model):
    """Who covers which grid, when. The open rows (no ``ended_at``) are the current cover."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="assignments"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="grid_assignments",
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["grid"],
                condition=Q(ended_at__isnull=True),
                name="one_active_worker_per_grid",
                violation_error_message=_("This grid already has an active worker."),
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(ended_at__isnull=True),
                name="one_active_grid_per_worker",
                violation_error_message=_("This worker already covers another grid."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.grid}"


class RiskColour(models.TextChoices):
    """风险分级管控: red is the highest risk, blue the lowest."""

    RED = "red", _("Red (major risk)")
    ORANGE = "orange", _("Orange (high risk)")
    YELLOW = "yellow", _("Yellow (moderate risk)")
    BLUE = "blue", _("Blue (low risk)")


class Enterprise(models.Model):
    """企业 / 场所: a located workplace, inspected on patrols, possibly the subject of tips."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="enterprises"
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    kind = models.CharField(
        _("kind of site"),
        max_length=40,
        help_text=_("Selects the patrol checklist, e.g. restaurant, warehouse, factory."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    lng = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )
    risk_colour = models.CharField(
        _("risk grade"), max_length=8, choices=RiskColour.choices, default=RiskColour.BLUE
    )
    inspection_interval_days = models.PositiveIntegerField(
        _("inspect every (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    is_blacklisted = models.BooleanField(_("blacklisted"), default=False)
    blacklist_reason = models.TextField(_("reason for blacklisting"), blank=True)

    class Meta:
        verbose_name = _("enterprise or site")
        verbose_name_plural = _("enterprises and sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_blacklisted=False) | ~Q(blacklist_reason=""),
                name="enterprise_blacklist_needs_reason",
                violation_error_message=_("Give the reason for blacklisting."),
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="enterprise_coordinates_in_range",
            ),
        ]
        indexes = [models.Index(fields=["lat", "lng"], name="enterprise_location_idx")]

    def __str__(self) -> str:
        return self.name
