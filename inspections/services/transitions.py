"""The hazard lifecycle: one service per transition, each with its own rule for who.

reported -> assigned -> rectifying -> awaiting_verification -> closed; rejected and
duplicate end it early; a closed hazard may be reopened for a few days. Every call names
the ``version`` it saw: if someone else changed the hazard meanwhile, it gets 409 with the
current state instead of overwriting their work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.errors import Conflict
from config.idempotency import content_fingerprint, idempotent_replay
from config.realtime.catalogue import EventType
from grids.models import Role, User
from grids.selectors import user_roles
from inspections.events import (
    HAZARD_ASSIGNED,
    HAZARD_STATUS_CHANGED,
    hazard_audiences,
    hazard_publish,
)
from inspections.models import (
    AFTER_PHOTO_STAGES,
    EventKind,
    Hazard,
    HazardEvent,
    HazardSource,
    HazardStatus,
)
from inspections.selectors import hazard_get, hazard_visible, user_staffs_community
from points.awards import award
from points.models import EarnKind

S = HazardStatus
DEFAULT_REOPEN_DAYS = 7
Rule = Callable[[Any, Hazard], bool]
P = ParamSpec("P")


def hazard_snapshot(hazard: Hazard) -> dict[str, Any]:
    """The state a 409 answer carries, so the client can reload without another call."""
    return {
        "id": hazard.pk,
        "number": hazard.number,
        "status": hazard.status,
        "version": hazard.version,
        "assignee": hazard.assignee_id,
        "updated_at": hazard.updated_at.isoformat(),
    }


def is_staff(user: Any, hazard: Hazard) -> bool:
    return user_staffs_community(user, hazard.community_id)


def is_assignee(user: Any, hazard: Hazard) -> bool:
    return hazard.assignee_id is not None and hazard.assignee_id == user.pk


# Each step: the statuses it starts from and who may take it. The services below and the
# admin's buttons (``hazard_steps_open``) read this one table, so they cannot disagree.
STEPS: dict[str, tuple[tuple[str, ...], Rule]] = {
    "assign": ((S.REPORTED, S.ASSIGNED, S.RECTIFYING), is_staff),
    "start": ((S.ASSIGNED,), is_assignee),
    "submit_fix": ((S.RECTIFYING,), is_assignee),
    "return_fix": ((S.AWAITING_VERIFICATION,), is_staff),
    "close": ((S.AWAITING_VERIFICATION,), is_staff),
    "reject": ((S.REPORTED, S.ASSIGNED), is_staff),
    "mark_duplicate": ((S.REPORTED, S.ASSIGNED), is_staff),
    "reopen": ((S.CLOSED,), is_staff),
}


def reopen_window_days() -> int:
    return int(getattr(settings, "HAZARD_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


def hazard_steps_open(*, user: Any, hazard: Hazard) -> list[str]:
    """The steps ``user`` may take on ``hazard`` now (``STEPS`` keys), in lifecycle order.

    Close stays in the list for a major hazard's fixer: the page explains why someone
    else must verify instead of hiding the step.
    """
    steps = [
        step
        for step, (allowed_from, rule) in STEPS.items()
        if hazard.status in allowed_from and rule(user, hazard)
    ]
    window_start = timezone.now() - timedelta(days=reopen_window_days())
    if "reopen" in steps and (hazard.closed_at is None or hazard.closed_at < window_start):
        steps.remove("reopen")
    return steps


class AlreadyDone(Exception):
    """This step was already taken with the same client UUID: answer with the hazard now."""

    def __init__(self, hazard: Hazard):
        super().__init__(hazard.pk)
        self.hazard = hazard


def idempotent_step(service: Callable[P, Hazard]) -> Callable[P, Hazard]:
    """A retry of a step (same ``client_uuid``) returns the hazard instead of a stale 409.

    ``_transition`` finds the earlier timeline line under the hazard's lock and raises
    ``AlreadyDone``, which leaves the service's transaction with nothing written.
    """

    @wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> Hazard:
        try:
            return service(*args, **kwargs)
        except AlreadyDone as done:
            return done.hazard

    return run


def _transition(
    *,
    user: Any,
    hazard_id: int,
    version: int,
    step: str,
    to: str,
    refusal: str,
    note: str = "",
    client_uuid: uuid.UUID | None = None,
) -> Hazard:
    """Lock, check who/version/state, move, and write the timeline line. Call atomically."""
    allowed_from, rule = STEPS[step]
    hazard_get(user=user, hazard_id=hazard_id)
    hazard = Hazard.objects.select_for_update().select_related("category").get(pk=hazard_id)
    if not rule(user, hazard):
        raise PermissionDenied(refusal)
    fingerprint = content_fingerprint(step, hazard.pk, user.pk, version, note)
    if idempotent_replay(
        HazardEvent.objects.filter(hazard=hazard),
        client_uuid=client_uuid,
        fingerprint=fingerprint,
        conflict_message=_("This client UUID was already used for another step."),
        current=lambda existing: hazard_snapshot(hazard),
    ):
        raise AlreadyDone(hazard)
    if hazard.version != version:
        raise Conflict(current=hazard_snapshot(hazard))
    if hazard.status not in allowed_from:
        raise Conflict(
            _("A hazard that is “%(status)s” cannot become “%(to)s”.")
            % {"status": hazard.get_status_display(), "to": S(to).label},
            code="invalid_transition",
            current=hazard_snapshot(hazard),
        )
    from_status = hazard.status
    hazard.status = to
    hazard.version += 1
    HazardEvent.objects.create(
        hazard=hazard,
        actor=user,
        kind=EventKind.TRANSITION,
        from_status=from_status,
        to_status=to,
        note=note,
        client_uuid=client_uuid,
        fingerprint=fingerprint if client_uuid else "",
    )
    return hazard


def _save_and_announce(hazard: Hazard, *, type: EventType = HAZARD_STATUS_CHANGED) -> Hazard:
    hazard.save()
    hazard_publish(type=type, hazard=hazard)
    return hazard


@idempotent_step
@transaction.atomic
def hazard_assign(
    *,
    user: Any,
    hazard_id: int,
    version: int,
    assignee_id: int,
    note: str = "",
    client_uuid: uuid.UUID | None = None,
) -> Hazard:
    """Community staff (or an administrator) hand the hazard to a worker or staff member."""
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None or not user_roles(assignee) & {Role.GRID_WORKER, Role.COMMUNITY_STAFF}:
        raise ValidationError(
            {"assignee": _("Choose a grid worker or community staff member.")}, code="invalid"
        )
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="assign",
        to=S.ASSIGNED,
        refusal=_("Only the community's staff may assign this hazard."),
        note=note,
        client_uuid=client_uuid,
    )
    hazard.assignee = assignee
    hazard.assigned_at = hazard.assigned_at or timezone.now()
    return _save_and_announce(hazard, type=HAZARD_ASSIGNED)


@idempotent_step
@transaction.atomic
def hazard_start_rectification(
    *, user: Any, hazard_id: int, version: int, note: str = "", client_uuid: uuid.UUID | None = None
) -> Hazard:
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="start",
        to=S.RECTIFYING,
        refusal=_("Only the assignee may start the rectification."),
        note=note,
        client_uuid=client_uuid,
    )
    return _save_and_announce(hazard)


@idempotent_step
@transaction.atomic
def hazard_submit_fix(
    *, user: Any, hazard_id: int, version: int, note: str = "", client_uuid: uuid.UUID | None = None
) -> Hazard:
    """The assignee says it is fixed; staff verify it next."""
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="submit_fix",
        to=S.AWAITING_VERIFICATION,
        refusal=_("Only the assignee may submit the fix."),
        note=note,
        client_uuid=client_uuid,
    )
    hazard.fix_submitted_by = user
    return _save_and_announce(hazard)


@idempotent_step
@transaction.atomic
def hazard_return_fix(
    *, user: Any, hazard_id: int, version: int, note: str, client_uuid: uuid.UUID | None = None
) -> Hazard:
    """Verification failed: back to rectification, with the reason."""
    if not note.strip():
        raise ValidationError({"note": _("Say what is still wrong.")}, code="required")
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="return_fix",
        to=S.RECTIFYING,
        refusal=_("Only the community's staff may verify this hazard."),
        note=note,
        client_uuid=client_uuid,
    )
    return _save_and_announce(hazard)


@idempotent_step
@transaction.atomic
def hazard_close(
    *, user: Any, hazard_id: int, version: int, note: str = "", client_uuid: uuid.UUID | None = None
) -> Hazard:
    """Staff verify the fix and close: needs an "after" photo; a major hazard needs a
    verifier other than whoever submitted the fix."""
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="close",
        to=S.CLOSED,
        refusal=_("Only the community's staff may verify this hazard."),
        note=note,
        client_uuid=client_uuid,
    )
    if not hazard.photos.filter(stage__in=AFTER_PHOTO_STAGES).exists():
        raise ValidationError(
            _("Add at least one photo taken after the fix before closing."),
            code="after_photo_required",
        )
    if hazard.is_major and hazard.fix_submitted_by_id == user.pk:
        raise PermissionDenied(_("A major hazard must be verified by someone else."))
    hazard.closed_at, hazard.closed_by = timezone.now(), user
    _save_and_announce(hazard)
    _award_verified_report(hazard)
    return hazard


def _award_verified_report(hazard: Hazard) -> None:
    """A resident whose report turned out to be a real hazard earns points, after commit
    (once per hazard: the source key makes a second award a no-op)."""
    if hazard.source != HazardSource.RESIDENT or hazard.reporter_id is None:
        return
    award(
        user_id=hazard.reporter_id,
        kind=EarnKind.HAZARD_VERIFIED,
        source=f"hazard:{hazard.pk}:verified",
        note=hazard.number,
    )


@idempotent_step
@transaction.atomic
def hazard_reject(
    *, user: Any, hazard_id: int, version: int, reason: str, client_uuid: uuid.UUID | None = None
) -> Hazard:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")}, code="required")
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="reject",
        to=S.REJECTED,
        refusal=_("Only the community's staff may reject this hazard."),
        note=reason.strip(),
        client_uuid=client_uuid,
    )
    hazard.reject_reason = reason.strip()
    return _save_and_announce(hazard)


@idempotent_step
@transaction.atomic
def hazard_mark_duplicate(
    *,
    user: Any,
    hazard_id: int,
    version: int,
    original_id: int,
    note: str = "",
    client_uuid: uuid.UUID | None = None,
) -> Hazard:
    """Staff point a report at the original; its reporter hears where the original stands."""
    original = hazard_visible(user).filter(pk=original_id).select_related("category").first()
    if original is None or original.pk == hazard_id or original.status == S.DUPLICATE:
        raise ValidationError(
            {"duplicate_of": _("Choose another hazard that is not itself a duplicate.")},
            code="invalid",
        )
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="mark_duplicate",
        to=S.DUPLICATE,
        refusal=_("Only the community's staff may mark duplicates."),
        note=note,
        client_uuid=client_uuid,
    )
    hazard.duplicate_of = original
    hazard.save()
    hazard_publish(
        type=HAZARD_STATUS_CHANGED,
        hazard=hazard,
        extra={
            "duplicate_of": {
                "id": original.pk,
                "number": original.number,
                "status": original.status,
            }
        },
        audiences=hazard_audiences(hazard),
    )
    return hazard


@idempotent_step
@transaction.atomic
def hazard_reopen(
    *, user: Any, hazard_id: int, version: int, note: str, client_uuid: uuid.UUID | None = None
) -> Hazard:
    """Staff reopen a closed hazard within ``HAZARD_REOPEN_DAYS`` of its closure."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the hazard is reopened.")}, code="required")
    target = S.ASSIGNED if hazard_get(user=user, hazard_id=hazard_id).assignee_id else S.REPORTED
    hazard = _transition(
        user=user,
        hazard_id=hazard_id,
        version=version,
        step="reopen",
        to=target,
        refusal=_("Only the community's staff may reopen this hazard."),
        note=note,
        client_uuid=client_uuid,
    )
    days = reopen_window_days()
    now = timezone.now()
    if hazard.closed_at is None or hazard.closed_at < now - timedelta(days=days):
        raise ValidationError(
            _("A hazard can be reopened only within %(days)d days of closing.") % {"days": days},
            code="reopen_window_passed",
        )
    hazard.closed_at, hazard.closed_by, hazard.fix_submitted_by = None, None, None
    hazard.escalation_level = 0
    hazard.due_at = hazard.category.due_from(
        now, risk_colour=hazard.risk_colour, is_major=hazard.is_major
    )
    return _save_and_announce(hazard)
