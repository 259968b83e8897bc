"""The demo step: a civic app's reports, filed through Open311, without printing a key."""

from __future__ import annotations

import random

import pytest

from config.demo import DemoContext, demo_steps
from inspections.models import Hazard, HazardSource
from inspections.open311.demo import DEMO_APP, build_open311_requests
from inspections.open311.models import ApiKey
from tests.open311.conftest import City

pytestmark = pytest.mark.django_db


def context(lines: list[str]) -> DemoContext:
    return DemoContext(
        seed=7,
        residents=1000,
        rng=random.Random(7),
        password_hash="",
        progress=lambda iterable, **_: iterable,
        write=lines.append,
    )


def test_the_step_runs_after_the_hazards_step() -> None:
    keys = [step.key for step in demo_steps()]

    assert keys.index("open311.requests") > keys.index("inspections.hazards")


def test_the_demo_files_reports_through_open311_and_prints_no_key(city: City) -> None:
    lines: list[str] = []

    build_open311_requests(context(lines))

    api_key = ApiKey.objects.get(name=DEMO_APP)
    hazards = Hazard.objects.filter(open311_submission__api_key=api_key)
    assert hazards.count() == 3
    assert {hazard.source for hazard in hazards} == {HazardSource.OPEN311}
    assert "blocked-exit" in {hazard.category.code for hazard in hazards}
    assert not any(api_key.key_prefix in line for line in lines)


def test_the_demo_step_runs_once(city: City) -> None:
    build_open311_requests(context([]))
    build_open311_requests(context([]))

    assert Hazard.objects.count() == 3
