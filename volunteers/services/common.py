"""Checks the volunteer services share: who runs a community, what a window is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from grids.selectors import user_staff_communities
from volunteers.models import ProfileStatus, VolunteerProfile


def staff_check(*, user: Any, community_id: int) -> None:
    """Only staff of the community (or administrators) may run its volunteers."""
    if not user_staff_communities(user).filter(pk=community_id).exists():
        raise PermissionDenied(_("This belongs to a community you do not run."))


def active_profile(user: Any) -> VolunteerProfile:
    """The user's profile, if it may sign up for things (registered and not paused)."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationError(_("Register as a volunteer first."), code="not_volunteer")
    if profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(
            _("Your volunteer profile is paused; set it active to sign up."), code="paused"
        )
    return profile
