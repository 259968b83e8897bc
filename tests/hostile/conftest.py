"""The small city with what every upload path needs. Each path builds only what it uses
(a hazard to photograph, a worker's inspection, an Open311 key, a volunteer, a tip and its
receipt, a hazard waiting to be closed), so the matrix stays quick."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

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
from tests.city import City
from tests.factories import UserFactory
from tests.inspections.factories import (
    HERE,
    ChecklistItemFactory,
    ChecklistTemplateFactory,
)
from tests.volunteers.factories import ProfileFactory, SkillFactory
from volunteers.models import Skill, VolunteerProfile


class Scene:
    """The root small city (tests/city.py); what a path needs beyond it is made when first
    used."""

    def __init__(self, city: City) -> None:
        self.city = city
        self.community = city.community
        self.grid = city.grid
        self.category = city.category
        self.resident = city.resident
        self.worker = city.worker
        self.staff = city.staff

    @cached_property
    def admin(self) -> User:
        return UserFactory(is_staff=True, is_superuser=True)

    @cached_property
    def site(self) -> Enterprise:
        return Enterprise.objects.create(
            community=self.community,
            grid=self.grid,
            name="老王饭店",
            kind="restaurant",
            lat=HERE[0],
            lng=HERE[1],
        )

    def _report(self, user: User) -> Hazard:
        return hazard_report(
            user=user,
            category_code=self.category.code,
            description="堆物",
            lat=HERE[0],
            lng=HERE[1],
        ).hazard

    @cached_property
    def hazard(self) -> Hazard:
        return self._report(self.resident)

    @cached_property
    def fixed_hazard(self) -> Hazard:
        """A hazard whose fix was submitted: staff may verify and close it with a photo."""
        hazard = self._report(self.worker)
        hazard = hazard_assign(
            user=self.staff, hazard_id=hazard.pk, version=hazard.version, assignee_id=self.worker.pk
        )
        hazard = hazard_start_rectification(
            user=self.worker, hazard_id=hazard.pk, version=hazard.version
        )
        return hazard_submit_fix(user=self.worker, hazard_id=hazard.pk, version=hazard.version)

    @cached_property
    def inspection(self) -> Inspection:
        template = ChecklistTemplateFactory(site_kind="restaurant")
        ChecklistItemFactory(template=template, code="extinguisher", category=self.category)
        inspection, _created = inspection_record(
            user=self.worker,
            started_at=timezone.now() - dt.timedelta(minutes=20),
            **dict.fromkeys(("start_lat", "finish_lat"), HERE[0]),
            **dict.fromkeys(("start_lng", "finish_lng"), HERE[1]),
            enterprise_id=self.site.pk,
            results=[{"item": "extinguisher", "outcome": "pass"}],
        )
        return inspection

    @cached_property
    def open311_key(self) -> str:
        return api_key_create(name="fixmystreet", rate_limit_per_minute=100_000)[1]

    @cached_property
    def volunteer(self) -> VolunteerProfile:
        return ProfileFactory(community=self.community)

    @cached_property
    def skill(self) -> Skill:
        return SkillFactory(needs_certificate=True)

    @cached_property
    def receipt(self) -> str:
        return tip_submit(
            category_code=self.category.code,
            description="仓库堆放易燃物",
            enterprise_id=self.site.pk,
        ).receipt

    @property
    def category_code(self) -> str:
        return self.category.code

    @property
    def district_id(self) -> int:
        return self.community.district_id


@pytest.fixture
def scene(city: City, settings: SettingsWrapper) -> Scene:
    settings.TIPS_LOOKUPS_PER_CLIENT = settings.TIPS_LOOKUPS_OVERALL = 100_000
    cache.clear()
    return Scene(city)
