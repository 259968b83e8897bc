"""The demo's volunteers: residents who volunteer, joint teams, a course and a drill.

Built through the services, as staff would: the drill fills up and has a waiting list.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from config.demo import DemoContext
from grids.models import Building, Community, Enterprise, User
from volunteers.models import ActivityKind, EnrolmentStatus, Skill
from volunteers.services import (
    activity_create,
    availability_set,
    course_create,
    enrolment_create,
    enrolment_record,
    session_create,
    signup_create,
    team_create,
    volunteer_register,
)

DEMO_COMMUNITIES = 3
VOLUNTEERS_PER_COMMUNITY = 12
DECLARED = ["first-aid", "firefighting", "fire-extinguisher", "rescue", "elderly-care",
            "interpreting"]  # fmt: skip


def build_volunteers(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 40)
    communities: list[Community] = ctx.created["communities"][:DEMO_COMMUNITIES]
    staff: list[User] = ctx.created["staff"]
    residents: list[User] = list(ctx.created["residents"])
    skills = {skill.code: skill for skill in Skill.objects.all()}
    with transaction.atomic():
        for index, community in enumerate(communities):
            people = residents[
                index * VOLUNTEERS_PER_COMMUNITY : (index + 1) * VOLUNTEERS_PER_COMMUNITY
            ]
            if not people:
                break
            _community_program(ctx, rng, community, staff[index], people, skills)
    ctx.write(f"volunteers: {len(communities)} communities with volunteers, teams and a drill")


def _community_program(
    ctx: DemoContext,
    rng: random.Random,
    community: Community,
    staff: User,
    people: list[User],
    skills: dict[str, Skill],
) -> None:
    building = Building.objects.filter(community=community).order_by("pk").first()
    lat, lng = (building.lat, building.lng) if building else (32.06, 118.79)
    profiles = []
    for person in people:
        profile = volunteer_register(
            user=person,
            community=community,
            skills=[skills[code] for code in rng.sample(DECLARED, 2) if code in skills],
            base_lat=round(lat + rng.uniform(-0.005, 0.005), 6),
            base_lng=round(lng + rng.uniform(-0.005, 0.005), 6),
        )
        availability_set(
            profile=profile, windows=[(rng.choice([5, 6]), time(9), time(12 + rng.randint(1, 5)))]
        )
        profiles.append(profile)
    enterprise = Enterprise.objects.filter(community=community).order_by("pk").first()
    team_create(
        user=staff,
        community=community,
        name=f"{community.name}应急救援队",
        enterprise=enterprise,
        leader=profiles[0],
        members=profiles[: max(3, len(profiles) // 2)],
    )
    starts = _saturday_morning()
    drill = activity_create(
        user=staff,
        kind=ActivityKind.DRILL,
        title=f"{community.name}高层住宅消防疏散演练",
        community=community,
        place=building.name if building else community.name,
        lat=lat,
        lng=lng,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=max(1, len(profiles) - 3),
    )
    for profile in profiles:
        signup_create(user=profile.user, activity_id=drill.pk)
    _training(staff, community, profiles, skills)


def _training(staff: User, community: Community, profiles: list, skills: dict[str, Skill]) -> None:
    course = course_create(
        user=staff,
        community=community,
        name="心肺复苏与AED培训",
        skill=skills.get("cpr"),
        issuer="市红十字会",
        certificate_valid_days=730,
    )
    starts = _saturday_morning() + timedelta(days=7)
    session = session_create(
        user=staff,
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place=f"{community.name}活动室",
        capacity=20,
    )
    enrolments = [enrolment_create(user=p.user, session_id=session.pk) for p in profiles[:6]]
    # Staff already recorded the first completions (as if from an earlier session).
    for enrolment in enrolments[:2]:
        enrolment_record(user=staff, enrolment_id=enrolment.pk, outcome=EnrolmentStatus.COMPLETED)


def _saturday_morning() -> datetime:
    today = timezone.localdate()
    days = (5 - today.weekday()) % 7 or 7
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(9)))
