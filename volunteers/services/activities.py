"""Activities: creation, sign-up with a waiting list, check-in and out, hours approval.

Concurrency, on paper first. Every write that changes who holds a place (sign-up,
cancellation, promotion) first locks the activity row (``SELECT ... FOR UPDATE``), so
they run one at a time per activity: the count of confirmed places read under that lock
is the truth, and waiting positions are handed out in the order the lock was obtained,
which is arrival order. On SQLite, IMMEDIATE transactions give the same queue. The
unique constraints (one sign-up per person and activity, one waiting position per
activity) back this up. Approval is a conditional UPDATE (``pending`` -> ``approved``):
of two clicks at once only one changes the row, and only that one pays.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.realtime.publish import publish
from grids.audiences import user_group
from grids.models import Community
from grids.selectors import distance_m
from points.awards import award
from points.models import EarnKind
from volunteers import events
from volunteers.models import (
    Activity,
    ActivityKind,
    HoursStatus,
    Signup,
    SignupStatus,
    Skill,
    VolunteerProfile,
)
from volunteers.selectors import profile_skill_ids
from volunteers.services.common import active_profile, staff_check

CHECKIN_RADIUS_M = 200.0
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKOUT_CLOSES_AFTER = timedelta(hours=2)
# A phone with no signal sends its check-in later, with the time it happened.
OFFLINE_REPLAY_MAX = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Activity.objects.filter(checkin_code=code).exists():
            return code


@transaction.atomic
def activity_create(
    *,
    user: Any,
    kind: str,
    title: str,
    community: Community,
    place: str,
    lat: float,
    lng: float,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    required_skills: Iterable[Skill] = (),
) -> Activity:
    """Staff plan a drill, patrol or publicity event in a community they run."""
    staff_check(user=user, community_id=community.pk)
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown kind of activity.")}, code="invalid_choice")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="ends_first")
    if capacity < 1:
        raise ValidationError({"capacity": _("An activity needs room for at least one person.")})
    activity = Activity.objects.create(
        kind=kind,
        title=title,
        community=community,
        place=place,
        lat=lat,
        lng=lng,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        checkin_code=_new_code(),
        created_by=user,
    )
    activity.required_skills.set(required_skills)
    return activity


def _locked_activity(activity_id: int) -> Activity:
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None or activity.cancelled_at is not None:
        raise Http404
    return activity


def _check_skills(profile: VolunteerProfile, activity: Activity) -> None:
    required = set(activity.required_skills.values_list("pk", flat=True))
    missing = required - profile_skill_ids(profile=profile)
    if missing:
        names = Skill.objects.filter(pk__in=missing).values_list("name_zh", flat=True)
        raise ValidationError(
            _("This activity needs skills you do not hold with a valid certificate: %s")
            % ", ".join(sorted(names)),
            code="skills_missing",
        )


def signup_create(*, user: Any, activity_id: int) -> Signup:
    """Take a place, or the next place on the waiting list when the activity is full."""
    profile = active_profile(user)
    # What does not depend on the other sign-ups is checked before the lock, so the
    # locked part (and the queue of sign-ups behind it) stays four statements long.
    activity = Activity.objects.filter(pk=activity_id, cancelled_at__isnull=True).first()
    if activity is None:
        raise Http404
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This activity has already started."), code="started")
    _check_skills(profile, activity)
    with transaction.atomic():
        return _take_place(_locked_activity(activity_id), profile)


def _take_place(activity: Activity, profile: VolunteerProfile) -> Signup:
    signup = Signup.objects.filter(activity=activity, profile=profile).first()
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        raise ValidationError(
            _("You are already signed up for this activity."), code="already_signed_up"
        )
    signup = signup or Signup(activity=activity, profile=profile)
    taken = Signup.objects.filter(activity=activity).aggregate(
        confirmed=Count("pk", filter=Q(status=SignupStatus.CONFIRMED)),
        last=Max("waiting_position"),
    )
    if taken["confirmed"] < activity.capacity:
        signup.status, signup.waiting_position = SignupStatus.CONFIRMED, None
    else:
        signup.status, signup.waiting_position = SignupStatus.WAITING, (taken["last"] or 0) + 1
    signup.signed_up_at, signup.cancelled_at = timezone.now(), None
    signup.save()
    return signup


@transaction.atomic
def signup_cancel(*, user: Any, activity_id: int) -> Signup:
    """Give the place back; the first on the waiting list moves up and is told at once."""
    activity = _locked_activity(activity_id)
    signup = (
        Signup.objects.filter(activity=activity, profile__user=user)
        .exclude(status=SignupStatus.CANCELLED)
        .first()
    )
    if signup is None:
        raise ValidationError(_("You are not signed up for this activity."), code="not_signed_up")
    if activity.starts_at <= timezone.now():
        raise ValidationError(
            _("This activity has already started; it can no longer be cancelled."),
            code="started",
        )
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status, signup.waiting_position = SignupStatus.CANCELLED, None
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "waiting_position", "cancelled_at"])
    if was_confirmed:
        _promote_next(activity)
    return signup


def _promote_next(activity: Activity) -> Signup | None:
    """Under the activity lock: the longest waiting person takes the free place."""
    signup = (
        Signup.objects.filter(activity=activity, status=SignupStatus.WAITING)
        .order_by("waiting_position")
        .first()
    )
    if signup is None:
        return None
    signup.status, signup.waiting_position = SignupStatus.CONFIRMED, None
    signup.promoted_at = timezone.now()
    signup.save(update_fields=["status", "waiting_position", "promoted_at"])
    publish(
        type=events.WAITLIST_PROMOTED,
        audiences=[user_group(signup.profile.user_id)],
        data=events.event_data(
            activity=activity.pk,
            title=activity.title,
            starts_at=activity.starts_at,
            signup=signup.pk,
        ),
    )
    return signup


def _when(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + timedelta(minutes=2) or at < now - OFFLINE_REPLAY_MAX:
        raise ValidationError(
            {"occurred_at": _("This time is in the future or more than a day ago.")},
            code="bad_time",
        )
    return at


def _check_presence(activity: Activity, code: str, lat: float | None, lng: float | None) -> None:
    """At the event: its code (typed or scanned from its QR), or within 200 m of it."""
    if code:
        if code.strip().upper() != activity.checkin_code:
            raise ValidationError({"code": _("This is not the code of this activity.")})
        return
    if lat is None or lng is None:
        raise ValidationError(
            _("Scan the activity's QR code, type its code or share your location."),
            code="no_proof",
        )
    away = distance_m(lat1=lat, lng1=lng, lat2=activity.lat, lng2=activity.lng)
    if away > CHECKIN_RADIUS_M:
        raise ValidationError(
            _("You are %(metres)d m from the activity; come within 200 m or use its code.")
            % {"metres": away},
            code="too_far",
        )


def _my_confirmed(user: Any, activity_id: int) -> Signup:
    signup = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(activity_id=activity_id, profile__user=user, status=SignupStatus.CONFIRMED)
        .first()
    )
    if signup is None:
        raise ValidationError(
            _("You have no confirmed place at this activity."), code="not_confirmed"
        )
    return signup


@transaction.atomic
def signup_check_in(
    *,
    user: Any,
    activity_id: int,
    code: str = "",
    lat: float | None = None,
    lng: float | None = None,
    occurred_at: datetime | None = None,
) -> Signup:
    """Check in during the activity's window; sent again (a retry), it changes nothing."""
    at = _when(occurred_at)
    signup = _my_confirmed(user, activity_id)
    if signup.checked_in_at is not None:
        return signup
    activity = signup.activity
    if not activity.starts_at - CHECKIN_OPENS_BEFORE <= at <= activity.ends_at:
        raise ValidationError(
            _("Check-in is open from 30 minutes before the start until the end."),
            code="outside_window",
        )
    _check_presence(activity, code, lat, lng)
    signup.checked_in_at = at
    signup.save(update_fields=["checked_in_at"])
    return signup


@transaction.atomic
def signup_check_out(
    *,
    user: Any,
    activity_id: int,
    code: str = "",
    lat: float | None = None,
    lng: float | None = None,
    occurred_at: datetime | None = None,
) -> Signup:
    """Check out; the hours inside the activity's time wait for staff approval."""
    at = _when(occurred_at)
    signup = _my_confirmed(user, activity_id)
    if signup.checked_out_at is not None:
        return signup
    if signup.checked_in_at is None:
        raise ValidationError(_("Check in before checking out."), code="not_checked_in")
    activity = signup.activity
    if not signup.checked_in_at <= at <= activity.ends_at + CHECKOUT_CLOSES_AFTER:
        raise ValidationError(
            _("Check-out is open until two hours after the end."), code="outside_window"
        )
    _check_presence(activity, code, lat, lng)
    _close_hours(signup, at)
    return signup


def _close_hours(signup: Signup, at: datetime) -> None:
    activity = signup.activity
    assert signup.checked_in_at is not None
    start = max(signup.checked_in_at, activity.starts_at)
    end = min(at, activity.ends_at)
    signup.checked_out_at = at
    signup.minutes = max(0, int((end - start).total_seconds() // 60))
    signup.hours_status = HoursStatus.PENDING
    signup.save(update_fields=["checked_out_at", "minutes", "hours_status"])


def _decide(user: Any, signup_id: int, status: HoursStatus) -> tuple[Signup, bool]:
    signup = Signup.objects.select_related("activity", "profile").filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    staff_check(user=user, community_id=signup.activity.community_id)
    changed = Signup.objects.filter(pk=signup.pk, hours_status=HoursStatus.PENDING).update(
        hours_status=status, hours_decided_by=user, hours_decided_at=timezone.now()
    )
    signup.refresh_from_db(fields=["hours_status", "hours_decided_by", "hours_decided_at"])
    if not changed and signup.hours_status != status:
        raise ValidationError(_("These hours are not waiting for approval."), code="not_pending")
    return signup, bool(changed)


@transaction.atomic
def hours_approve(*, user: Any, signup_id: int) -> Signup:
    """Approve the hours and pay their points, once, however often it is clicked."""
    signup, changed = _decide(user, signup_id, HoursStatus.APPROVED)
    if not changed:
        return signup
    user_id = signup.profile.user_id
    for hour in range(1, signup.minutes // 60 + 1):
        award(
            user_id=user_id,
            kind=EarnKind.VOLUNTEER_HOURS,
            source=f"volunteers:signup:{signup.pk}:hour:{hour}",
            note=signup.activity.title,
        )
    if signup.activity.kind == ActivityKind.DRILL:
        award(
            user_id=user_id,
            kind=EarnKind.DRILL_ATTENDED,
            source=f"volunteers:signup:{signup.pk}:drill",
            note=signup.activity.title,
        )
    publish(
        type=events.HOURS_APPROVED,
        audiences=[user_group(user_id)],
        data=events.event_data(
            signup=signup.pk, activity=signup.activity_id, minutes=signup.minutes
        ),
    )
    return signup


@transaction.atomic
def hours_reject(*, user: Any, signup_id: int) -> Signup:
    """Refuse hours that did not happen; nothing is paid."""
    signup, _changed = _decide(user, signup_id, HoursStatus.REJECTED)
    return signup


def activities_close(*, now: datetime | None = None) -> dict[str, int]:
    """After the check-out window: no-shows recorded, open check-ins closed at the end.

    Safe to run from cron as often as wanted: each row changes at most once.
    """
    now = now or timezone.now()
    over = Signup.objects.filter(
        status=SignupStatus.CONFIRMED,
        activity__ends_at__lt=now - CHECKOUT_CLOSES_AFTER,
        activity__cancelled_at__isnull=True,
    )
    no_shows = over.filter(checked_in_at__isnull=True, no_show=False).update(no_show=True)
    closed = 0
    for signup in over.filter(
        checked_in_at__isnull=False, checked_out_at__isnull=True
    ).select_related("activity"):
        with transaction.atomic():
            locked = (
                Signup.objects.select_for_update(of=("self",))
                .select_related("activity")
                .get(pk=signup.pk)
            )
            if locked.checked_out_at is None:
                _close_hours(locked, locked.activity.ends_at)
                closed += 1
    return {"no_shows": no_shows, "closed": closed}
