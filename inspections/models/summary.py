"""The hazards' daily figures for the dashboard, kept by ``Hazard.save`` (inspections.summary).

Rows per place and local day: a community's (``community_id`` its id) and its district's
(``community_id`` 0), so the city's view sums a row per district and day whatever the
number of communities. Derived data: ``manage.py rebuild_hazard_figures`` makes them
again from the hazards; no foreign keys, so a rebuild never waits on the places' locks.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

WHOLE_DISTRICT = 0


class HazardDay(models.Model):
    """One place's day: counts by the day each happened (see ``inspections.summary``)."""

    day = models.DateField(_("day"))
    district_id = models.IntegerField(_("district"))
    community_id = models.IntegerField(_("community (0: the whole district)"))
    # By the day reported.
    reported = models.IntegerField(default=0)
    needed = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    patrol = models.IntegerField(default=0)
    patrol_valid = models.IntegerField(default=0)
    gridded = models.IntegerField(default=0)
    by_others = models.IntegerField(default=0)
    worker_closed = models.IntegerField(default=0)
    worker_on_time = models.IntegerField(default=0)
    # By the day escalated.
    escalations = models.IntegerField(default=0)
    # Overdue at the end of a day is the sum, up to that day, of the deadlines passed
    # (by the deadline's day) less the late closures (by the day closed).
    overdue_start = models.IntegerField(default=0)
    overdue_end = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("hazards' day")
        verbose_name_plural = _("hazards' days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district_id", "community_id"], name="hazardday_place_day"
            )
        ]
        indexes = [models.Index(fields=["community_id", "day"], name="hazardday_community_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id}/{self.community_id}"


class DurationMeasure(models.TextChoices):
    TO_ASSIGNMENT = "a", _("Time to assignment")
    TO_CLOSURE = "c", _("Time to closure")


class HazardDuration(models.Model):
    """How many of a place's hazards reported that day took about ``minutes``."""

    day = models.DateField(_("day"))
    district_id = models.IntegerField(_("district"))
    community_id = models.IntegerField(_("community (0: the whole district)"))
    measure = models.CharField(_("measure"), max_length=1, choices=DurationMeasure.choices)
    minutes = models.IntegerField(_("minutes (the bucket's middle)"))
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("hazards' duration bucket")
        verbose_name_plural = _("hazards' duration buckets")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district_id", "community_id", "measure", "minutes"],
                name="hazardduration_bucket",
            )
        ]
        indexes = [
            models.Index(fields=["community_id", "day"], name="hazardduration_community_idx")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id}/{self.community_id} {self.measure} {self.minutes}"
