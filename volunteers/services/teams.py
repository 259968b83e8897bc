"""Joint teams: an enterprise, a community and volunteers, with a leader."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from grids.models import Community, Enterprise
from volunteers.models import Team, VolunteerProfile
from volunteers.services.common import staff_check


def _check_members(
    community: Community, enterprise: Enterprise | None, members: list[VolunteerProfile]
) -> None:
    if enterprise is not None and enterprise.community_id != community.pk:
        raise ValidationError({"enterprise": _("The enterprise must be in the team's community.")})
    # A volunteer may be in teams of other communities; the leader comes from the members.
    if not members:
        raise ValidationError({"members": _("A team needs at least one volunteer.")})


@transaction.atomic
def team_create(
    *,
    user: Any,
    community: Community,
    name: str,
    enterprise: Enterprise | None = None,
    leader: VolunteerProfile | None = None,
    members: Iterable[VolunteerProfile] = (),
) -> Team:
    """Staff form a team in a community they run; the leader is always a member."""
    staff_check(user=user, community_id=community.pk)
    people = list({m.pk: m for m in [*members, *([leader] if leader else [])]}.values())
    _check_members(community, enterprise, people)
    team = Team.objects.create(name=name, community=community, enterprise=enterprise, leader=leader)
    team.members.set(people)
    return team


@transaction.atomic
def team_update(
    *,
    user: Any,
    team_id: int,
    members: Iterable[VolunteerProfile] | None = None,
    leader: VolunteerProfile | None = None,
    name: str | None = None,
) -> Team:
    team = Team.objects.select_related("community", "enterprise").filter(pk=team_id).first()
    if team is None:
        raise Http404
    staff_check(user=user, community_id=team.community_id)
    people = list(members) if members is not None else list(team.members.all())
    if leader is not None:
        team.leader = leader
    if team.leader is not None and all(p.pk != team.leader.pk for p in people):
        people.append(team.leader)
    _check_members(team.community, team.enterprise, people)
    if name:
        team.name = name
    team.save()
    team.members.set(people)
    return team
