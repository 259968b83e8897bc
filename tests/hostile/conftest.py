"""One small city where every upload path can be walked: a hazard to photograph, a
worker's inspection with a checklist item, an Open311 key, a volunteer with a skill, a
tip and its receipt, staff with a hazard waiting to be closed, and an administrator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from grids.models import Enterprise, User
from inspections.models import Hazard, Inspection
from inspections.open311.services import api_key_create
from inspections.services import (
    hazard_assign,
    hazard_report,
    hazard_start_rectification,
    hazard_submit_fix,
    inspection_record,
)
from inspections.tips.services import tip_submit
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.inspections.factories import (
    HERE,
    CategoryFactory,
    ChecklistItemFactory,
    ChecklistTemplateFactory,
)
from tests.volunteers.factories import ProfileFactory, SkillFactory
from volunteers.models import Skill, VolunteerProfile


@dataclass
class Scene:
    resident: User
    worker: User
    staff: User
    admin: User
    hazard: Hazard
    fixed_hazard: Hazard
    inspection: Inspection
    category_code: str
    open311_key: str
    volunteer: VolunteerProfile
    skill: Skill
    receipt: str


def _fixed(*, worker: User, staff: User, category_code: str) -> Hazard:
    """A hazard whose fix was submitted: staff may verify and close it with a photo."""
    hazard = hazard_report(
        user=worker, category_code=category_code, description="楼道堆物", lat=HERE[0], lng=HERE[1]
    ).hazard
    hazard = hazard_assign(
        user=staff, hazard_id=hazard.pk, version=hazard.version, assignee_id=worker.pk
    )
    hazard = hazard_start_rectification(user=worker, hazard_id=hazard.pk, version=hazard.version)
    return hazard_submit_fix(user=worker, hazard_id=hazard.pk, version=hazard.version)


@pytest.fixture
def scene(db: None, settings: Any) -> Scene:
    settings.TIPS_LOOKUPS_PER_CLIENT = settings.TIPS_LOOKUPS_OVERALL = 100_000
    cache.clear()
    community = CommunityFactory()
    grid = GridFactory(community=community)
    BuildingFactory(community=community, grid=grid, lat=HERE[0], lng=HERE[1])
    worker, staff = make_worker(grid), make_staff(community)
    category = CategoryFactory(code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit")
    site = Enterprise.objects.create(
        community=community, grid=grid, name="老王饭店", kind="restaurant", lat=HERE[0], lng=HERE[1]
    )
    template = ChecklistTemplateFactory(site_kind="restaurant")
    ChecklistItemFactory(template=template, code="extinguisher", category=category)
    started = timezone.now() - dt.timedelta(minutes=20)
    inspection, _ = inspection_record(
        user=worker,
        started_at=started,
        **dict.fromkeys(("start_lat", "finish_lat"), HERE[0]),
        **dict.fromkeys(("start_lng", "finish_lng"), HERE[1]),
        enterprise_id=site.pk,
        results=[{"item": "extinguisher", "outcome": "pass"}],
    )
    resident = UserFactory()
    _api_key, raw_key = api_key_create(name="fixmystreet", rate_limit_per_minute=100_000)
    volunteer = ProfileFactory(community=community)
    receipt = tip_submit(
        category_code=category.code, description="仓库堆放易燃物", enterprise_id=site.pk
    ).receipt
    return Scene(
        resident=resident,
        worker=worker,
        staff=staff,
        admin=UserFactory(is_staff=True, is_superuser=True),
        hazard=hazard_report(
            user=resident, category_code=category.code, description="堆物", lat=HERE[0], lng=HERE[1]
        ).hazard,
        fixed_hazard=_fixed(worker=worker, staff=staff, category_code=category.code),
        inspection=inspection,
        category_code=category.code,
        open311_key=raw_key,
        volunteer=volunteer,
        skill=SkillFactory(needs_certificate=True),
        receipt=receipt,
    )
