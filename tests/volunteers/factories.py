"""Factories for the volunteer program."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import CommunityFactory, UserFactory
from volunteers.models import (
    Activity,
    ActivityKind,
    Certificate,
    CertificateStatus,
    Course,
    Skill,
    TrainingSession,
    VolunteerProfile,
)

# The activity's place; check-ins near it are within 200 m.
PLACE = (32.0600, 118.7900)


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    name_zh = factory.Sequence(lambda n: f"技能{n}")
    name_en = factory.Sequence(lambda n: f"Skill {n}")


class ProfileFactory(factory.django.DjangoModelFactory[VolunteerProfile]):
    class Meta:
        model = VolunteerProfile

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    class Meta:
        model = Certificate

    profile = factory.SubFactory(ProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    issuer = "市红十字会"
    number = factory.Sequence(lambda n: f"HSZ-{n:06d}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = CertificateStatus.CONFIRMED


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    kind = ActivityKind.DRILL
    title = factory.Sequence(lambda n: f"消防演练{n}")
    community = factory.SubFactory(CommunityFactory)
    place = "社区广场"
    lat, lng = PLACE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=3))
    capacity = 50
    checkin_code = factory.LazyFunction(lambda: secrets.token_hex(3).upper())


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    name = factory.Sequence(lambda n: f"急救培训{n}")
    community = factory.SubFactory(CommunityFactory)
    skill = factory.SubFactory(SkillFactory, needs_certificate=True)
    issuer = "市红十字会"
    certificate_valid_days = 730


class SessionFactory(factory.django.DjangoModelFactory[TrainingSession]):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    place = "社区活动室"
    capacity = 20


def started(activity: Activity, minutes_ago: int = 30) -> Activity:
    """Move ``activity`` so that it began ``minutes_ago`` minutes ago (3 hours long)."""
    activity.starts_at = timezone.now() - timedelta(minutes=minutes_ago)
    activity.ends_at = activity.starts_at + timedelta(hours=3)
    activity.save(update_fields=["starts_at", "ends_at"])
    return activity
