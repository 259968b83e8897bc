"""Reads of the volunteer program, scoped to the user who asks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from grids.selectors import user_staff_communities
from volunteers.filters import ActivityFilter, ApprovalFilter, filtered
from volunteers.models import (
    Activity,
    Certificate,
    CertificateStatus,
    Course,
    HoursStatus,
    Signup,
    SignupStatus,
    Skill,
    Team,
    TrainingSession,
    VolunteerProfile,
)

# Hours waiting longer than this are flagged in the approvals queue.
APPROVAL_OVERDUE = timedelta(days=7)


def profile_get(*, user: Any) -> VolunteerProfile:
    """The user's own volunteer profile; 404 until they register."""
    profile = (
        VolunteerProfile.objects.select_related("community", "user")
        .prefetch_related("skills", "availability")
        .filter(user=user)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def certificate_valid_q(today: date | None = None, prefix: str = "") -> Q:
    """A certificate that counts: confirmed by staff and not expired."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}status": CertificateStatus.CONFIRMED, f"{prefix}expires_on__gt": today})


def certificate_counts(certificate: Certificate, today: date | None = None) -> bool:
    """The same rule as ``certificate_valid_q``, for a certificate already loaded."""
    today = today or timezone.localdate()
    return certificate.status == CertificateStatus.CONFIRMED and certificate.expires_on > today


def profile_skill_ids(*, profile: VolunteerProfile, today: date | None = None) -> set[int]:
    """Skills the volunteer holds now, with every ancestor they satisfy.

    A skill that needs a certificate is held only through a valid certificate; an expired
    or unconfirmed one never counts.
    """
    skills = {s.pk: s.parent_id for s in Skill.objects.only("pk", "parent_id")}
    needs = set(Skill.objects.filter(needs_certificate=True).values_list("pk", flat=True))
    declared = set(profile.skills.values_list("pk", flat=True)) - needs
    certified = set(
        profile.certificates.filter(certificate_valid_q(today)).values_list("skill_id", flat=True)
    )
    held: set[int] = set()
    for start in declared | certified:
        current: int | None = start
        while current is not None and current not in held:
            held.add(current)
            current = skills.get(current)
    return held


def certificate_list(*, user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(profile__user=user).select_related("skill").order_by("-id")


def certificate_get(*, user: Any, certificate_id: int) -> Certificate:
    """The holder or staff of the holder's community may see a certificate (and its photo)."""
    certificate = (
        Certificate.objects.select_related("skill", "profile").filter(pk=certificate_id).first()
    )
    if certificate is None:
        raise Http404
    if certificate.profile.user_id != user.pk and not (
        user_staff_communities(user).filter(pk=certificate.profile.community_id).exists()
    ):
        raise Http404
    return certificate


def activity_list(*, user: Any, filters: Any = None) -> QuerySet[Activity]:
    """Activities not over yet, soonest first; near a point when asked (``ActivityFilter``)."""
    rows = (
        Activity.objects.filter(cancelled_at__isnull=True, ends_at__gt=timezone.now())
        .select_related("community")
        .prefetch_related("required_skills")
        .annotate(confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)))
    )
    return filtered(ActivityFilter, filters, rows)


def activity_get(*, user: Any, activity_id: int) -> Activity:
    activity = activity_list(user=user).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


def staff_activity_list(*, user: Any) -> QuerySet[Activity]:
    """Every activity of the communities the user runs, newest first."""
    return (
        Activity.objects.filter(community__in=user_staff_communities(user))
        .select_related("community")
        .prefetch_related("required_skills")
        .annotate(
            confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
        )
    )


def staff_activity_get(*, user: Any, activity_id: int) -> Activity:
    activity = staff_activity_list(user=user).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


def signup_list(*, user: Any) -> QuerySet[Signup]:
    """My sign-ups with their hours and place in line, newest first (one query)."""
    ahead = (
        Signup.objects.filter(
            activity_id=OuterRef("activity_id"),
            status=SignupStatus.WAITING,
            waiting_position__lt=OuterRef("waiting_position"),
        )
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Signup.objects.filter(profile__user=user)
        .select_related("activity")
        .annotate(
            place_in_line=Case(
                When(
                    status=SignupStatus.WAITING,
                    then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
    )


def signup_position(signup: Signup) -> int | None:
    """1 for the next person to move up; None when not waiting."""
    if signup.status != SignupStatus.WAITING or signup.waiting_position is None:
        return None
    ahead = Signup.objects.filter(
        activity_id=signup.activity_id,
        status=SignupStatus.WAITING,
        waiting_position__lt=signup.waiting_position,
    ).count()
    return ahead + 1


def hours_by_month(*, user: Any) -> list[dict[str, Any]]:
    """My approved and waiting hours per month (local time), newest first."""
    rows = (
        Signup.objects.filter(
            profile__user=user, hours_status__in=[HoursStatus.APPROVED, HoursStatus.PENDING]
        )
        .annotate(month=TruncMonth("checked_in_at"))
        .values("month")
        .annotate(
            approved=Sum("minutes", filter=Q(hours_status=HoursStatus.APPROVED), default=0),
            pending=Sum("minutes", filter=Q(hours_status=HoursStatus.PENDING), default=0),
        )
        .order_by("-month")
    )
    return [
        {
            "month": timezone.localtime(row["month"]).strftime("%Y-%m")
            if isinstance(row["month"], datetime)
            else str(row["month"])[:7],
            "approved_hours": round(row["approved"] / 60, 2),
            "pending_hours": round(row["pending"] / 60, 2),
        }
        for row in rows
    ]


def approval_queue(*, user: Any, filters: Any = None) -> QuerySet[Signup]:
    """Hours waiting for approval in the user's communities, the longest waiting first."""
    rows = (
        Signup.objects.filter(
            hours_status=HoursStatus.PENDING,
            activity__community__in=user_staff_communities(user),
        )
        .select_related("activity__community", "profile__user")
        .order_by("checked_out_at", "id")
    )
    return filtered(ApprovalFilter, filters, rows)


def approval_rows(*, user: Any) -> QuerySet[Signup]:
    """Every decided or waiting sign-up of the user's communities (an approval's answer)."""
    return Signup.objects.filter(
        activity__community__in=user_staff_communities(user)
    ).select_related("activity__community", "profile__user")


def certificates_pending(*, user: Any) -> QuerySet[Certificate]:
    """Certificates waiting for confirmation by staff of the holder's community."""
    return (
        Certificate.objects.filter(
            status=CertificateStatus.PENDING,
            profile__community__in=user_staff_communities(user),
        )
        .select_related("skill", "profile__user")
        .order_by("id")
    )


def approval_overdue(signup: Signup, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(signup.checked_out_at and now - signup.checked_out_at > APPROVAL_OVERDUE)


def team_list(*, user: Any) -> QuerySet[Team]:
    return (
        Team.objects.filter(community__in=user_staff_communities(user))
        .select_related("community", "enterprise", "leader__user")
        .prefetch_related("members__user")
    )


def course_list(*, user: Any) -> QuerySet[Course]:
    """Courses of the user's own community (volunteers) or of the communities they run."""
    staff = user_staff_communities(user)
    own = VolunteerProfile.objects.filter(user=user).values("community_id")
    return Course.objects.filter(Q(community__in=staff) | Q(community_id__in=own)).select_related(
        "community", "skill"
    )


def session_list(*, user: Any) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(course__in=course_list(user=user))
        .select_related("course__community", "course__skill")
        .annotate(
            enrolled=Count("enrolments", filter=~Q(enrolments__status="cancelled")),
        )
    )
