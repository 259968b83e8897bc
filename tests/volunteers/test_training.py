"""Training: enrolment with capacity, attendance recorded by staff, completion's rewards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import User
from points.models import EarnKind, LedgerEntry
from tests.factories import CommunityFactory, make_staff
from tests.points.factories import EarningRuleFactory
from tests.volunteers.factories import CourseFactory, ProfileFactory, SessionFactory
from volunteers.models import Certificate, CertificateStatus, Enrolment, TrainingSession
from volunteers.selectors import profile_skill_ids

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def test_a_full_session_refuses_the_next_enrolment(client_for: Client) -> None:
    session = SessionFactory(capacity=1)
    first = ProfileFactory(community=session.course.community)
    second = ProfileFactory(community=session.course.community)

    taken = client_for(first.user).post(f"/api/v1/volunteers/sessions/{session.pk}/enrol/")
    full = client_for(second.user).post(f"/api/v1/volunteers/sessions/{session.pk}/enrol/")
    twice = client_for(first.user).post(f"/api/v1/volunteers/sessions/{session.pk}/enrol/")

    assert taken.status_code == 201
    assert (full.status_code, full.json()["code"]) == (400, "full")
    assert (twice.status_code, twice.json()["code"]) == (400, "already_enrolled")
    assert Enrolment.objects.count() == 1


def test_completion_grants_the_certificate_and_points_once(
    client_for: Client, django_capture_on_commit_callbacks: Any
) -> None:
    EarningRuleFactory(
        kind=EarnKind.TRAINING_COMPLETED, points=15, daily_cap=None, monthly_cap=None
    )
    session = SessionFactory(course=CourseFactory(certificate_valid_days=365))
    profile = ProfileFactory(community=session.course.community)
    enrolment = Enrolment.objects.create(session=session, profile=profile)
    staff = client_for(make_staff(session.course.community))
    record = f"/api/v1/volunteers/enrolments/{enrolment.pk}/record/"

    with django_capture_on_commit_callbacks(execute=True):
        first = staff.post(record, {"outcome": "completed"})
        second = staff.post(record, {"outcome": "completed"})
    undo = staff.post(record, {"outcome": "absent"})

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["status"] == "completed"
    certificate = Certificate.objects.get(profile=profile)
    assert certificate.status == CertificateStatus.CONFIRMED
    assert certificate.expires_on == timezone.localdate() + timedelta(days=365)
    assert certificate.skill_id in profile_skill_ids(profile=profile)
    assert list(LedgerEntry.objects.values_list("amount", "source")) == [
        (15, f"volunteers:enrolment:{enrolment.pk}:completed")
    ]
    assert (undo.status_code, undo.json()["code"]) == (400, "completed")


def test_staff_of_another_community_cannot_record_attendance(client_for: Client) -> None:
    session = SessionFactory()
    enrolment = Enrolment.objects.create(
        session=session, profile=ProfileFactory(community=session.course.community)
    )

    response = client_for(make_staff(CommunityFactory())).post(
        f"/api/v1/volunteers/enrolments/{enrolment.pk}/record/", {"outcome": "attended"}
    )

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_a_session_ending_before_it_starts_is_refused(client_for: Client) -> None:
    course = CourseFactory()
    starts = timezone.now() + timedelta(days=1)

    response = client_for(make_staff(course.community)).post(
        "/api/v1/volunteers/sessions/",
        {"course": course.pk, "starts_at": starts.isoformat(),
         "ends_at": starts.isoformat(), "place": "活动室", "capacity": 10},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["fields"] == {"ends_at": ["The end must be after the start."]}
    assert not TrainingSession.objects.exists()
