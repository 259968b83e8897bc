"""Training: courses, sessions with capacity, enrolment, and attendance recorded by staff.

Completion grants the course's certificate (confirmed, valid for the course's days) and
pays the training points once per enrolment (the award's source is the enrolment).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Community
from points.awards import award
from points.models import EarnKind
from volunteers.models import (
    Certificate,
    CertificateStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Skill,
    TrainingSession,
)
from volunteers.selectors import course_list
from volunteers.services.common import active_profile, staff_check


def course_create(
    *,
    user: Any,
    community: Community,
    name: str,
    skill: Skill | None = None,
    issuer: str = "",
    certificate_valid_days: int = 730,
    description: str = "",
) -> Course:
    staff_check(user=user, community_id=community.pk)
    if certificate_valid_days < 1:
        raise ValidationError(
            {"certificate_valid_days": _("A certificate is valid at least a day.")}
        )
    return Course.objects.create(
        community=community,
        name=name,
        skill=skill,
        issuer=issuer or community.name,
        certificate_valid_days=certificate_valid_days,
        description=description,
    )


def session_create(
    *,
    user: Any,
    course: Course,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int,
) -> TrainingSession:
    staff_check(user=user, community_id=course.community_id)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="ends_first")
    if capacity < 1:
        raise ValidationError({"capacity": _("A session needs room for at least one person.")})
    return TrainingSession.objects.create(
        course=course, starts_at=starts_at, ends_at=ends_at, place=place, capacity=capacity
    )


@transaction.atomic
def enrolment_create(*, user: Any, session_id: int) -> Enrolment:
    """Enrol in a session that has room (locked, so the last place goes to one person)."""
    profile = active_profile(user)
    # Only a session the volunteer can list (a course of their own community): an id of
    # another community's session is a 404, as on every other read.
    session = (
        TrainingSession.objects.select_for_update()
        .filter(pk=session_id, course__in=course_list(user=user))
        .first()
    )
    if session is None:
        raise Http404
    if session.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started."), code="started")
    enrolment = Enrolment.objects.filter(session=session, profile=profile).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        raise ValidationError(
            _("You are already enrolled in this session."), code="already_enrolled"
        )
    taken = session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).count()
    if taken >= session.capacity:
        raise ValidationError(_("This session is full."), code="full")
    enrolment = enrolment or Enrolment(session=session, profile=profile)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_record(*, user: Any, enrolment_id: int, outcome: str) -> Enrolment:
    """Staff record attended, completed or absent; completing twice changes nothing."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__course", "profile")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404
    course = enrolment.session.course
    staff_check(user=user, community_id=course.community_id)
    allowed = {EnrolmentStatus.ATTENDED, EnrolmentStatus.COMPLETED, EnrolmentStatus.ABSENT}
    if outcome not in allowed:
        raise ValidationError({"outcome": _("Record attended, completed or absent.")})
    if enrolment.status == EnrolmentStatus.COMPLETED:
        if outcome == EnrolmentStatus.COMPLETED:
            return enrolment
        raise ValidationError(
            _("This training is completed and its certificate granted."), code="completed"
        )
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(_("This enrolment was cancelled."), code="cancelled")
    enrolment.status, enrolment.recorded_by = outcome, user
    if outcome == EnrolmentStatus.COMPLETED:
        enrolment.completed_at = timezone.now()
        _grant(enrolment, user)
    enrolment.save(update_fields=["status", "recorded_by", "completed_at"])
    return enrolment


def _grant(enrolment: Enrolment, user: Any) -> None:
    course = enrolment.session.course
    if course.skill_id is not None:
        Certificate.objects.get_or_create(
            profile=enrolment.profile,
            skill_id=course.skill_id,
            issuer=course.issuer or course.community.name,
            number=f"T{enrolment.session_id}-{enrolment.pk}",
            defaults={
                "expires_on": timezone.localdate() + timedelta(days=course.certificate_valid_days),
                "status": CertificateStatus.CONFIRMED,
                "confirmed_by": user,
                "confirmed_at": timezone.now(),
                "session": enrolment.session,
            },
        )
    award(
        user_id=enrolment.profile.user_id,
        kind=EarnKind.TRAINING_COMPLETED,
        source=f"volunteers:enrolment:{enrolment.pk}:completed",
        note=course.name,
    )
