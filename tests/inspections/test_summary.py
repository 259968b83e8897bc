"""The hazards' daily figures (inspections.summary): every save moves them, a rebuild
makes the same rows, a step that fails moves nothing, and medians read to the bucket."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from grids.dashboard import dashboard_places
from grids.models import Role
from grids.services import role_grant
from inspections.models import Hazard, HazardDay, HazardDuration
from inspections.models.summary import WHOLE_DISTRICT
from inspections.services import (
    hazard_assign,
    hazard_mark_duplicate,
    hazard_reject,
    hazard_reopen,
    hazards_escalate_overdue,
)
from inspections.summary import COUNTS, bucket_minutes, median_hours, rebuild
from tests.factories import UserFactory
from tests.inspections.test_transitions import act, add_after_photo

pytestmark = pytest.mark.django_db


def figures() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every non-empty row of both tables, as comparable tuples."""
    rows: list[dict[str, Any]] = list(HazardDay.objects.values())
    days = {
        (r["day"], r["district_id"], r["community_id"], *(r[c] for c in COUNTS))
        for r in rows
        if any(r[c] for c in COUNTS)
    }
    durations = {
        (r["day"], r["district_id"], r["community_id"], r["measure"], r["minutes"], r["count"])
        for r in HazardDuration.objects.values()
        if r["count"]
    }
    return days, durations


def district_row(city: Any) -> dict[str, int]:
    rows = HazardDay.objects.filter(district_id=city.community.district_id, community_id=0)
    return {c: sum(getattr(r, c) for r in rows) for c in COUNTS}


def test_the_services_move_the_figures_as_a_rebuild_makes_them(city, report, client_for):
    staff, worker = client_for(city.staff), client_for(city.worker)
    closed = report()
    assert act(staff, closed, "assign", assignee=city.worker.pk).status_code == 200
    assert act(worker, closed, "start").status_code == 200
    add_after_photo(worker, closed)
    assert act(worker, closed, "submit-fix", note="已清理").status_code == 200
    assert act(staff, closed, "close").status_code == 200
    rejected = report()
    hazard_reject(user=city.staff, hazard_id=rejected.pk, version=1, reason="不是隐患")
    duplicate = report(description="楼道又堆了杂物")
    hazard_mark_duplicate(user=city.staff, hazard_id=duplicate.pk, version=1, original_id=closed.pk)
    late = report()
    hazard_assign(user=city.staff, hazard_id=late.pk, version=1, assignee_id=city.worker.pk)
    late.refresh_from_db()
    late.due_at = timezone.now() - timedelta(days=2)  # an edit that moves the deadline
    late.save()
    assert hazards_escalate_overdue() >= 1
    closed.refresh_from_db()
    hazard_reopen(user=city.staff, hazard_id=closed.pk, version=closed.version, note="又堆了")
    gone = report()
    Hazard.objects.get(pk=gone.pk).delete()
    incremental = figures()

    read = rebuild()

    assert read == Hazard.objects.count() == 4
    assert figures() == incremental
    counts = district_row(city)
    assert counts["reported"] == sum(
        1 for h in Hazard.objects.all() if h.community.district_id == city.community.district_id
    )
    assert counts["escalations"] >= 1 and counts["overdue_start"] >= 1


def test_a_step_that_fails_moves_nothing(city, report) -> None:
    hazard = report()
    before = figures()

    with pytest.raises(RuntimeError), transaction.atomic():
        hazard.status = "closed"
        hazard.closed_at = timezone.now()
        hazard.save()
        raise RuntimeError("the step's later write failed")

    assert figures() == before
    assert district_row(city)["closed"] == 0


def test_a_partly_loaded_hazard_and_update_fields_count_what_was_saved(city, report) -> None:
    hazard = report()
    partial = Hazard.objects.only("pk", "status").get(pk=hazard.pk)
    partial.status = "rejected"
    partial.reject_reason = "不是隐患"
    partial.save()
    assert district_row(city)["needed"] == 0

    full = Hazard.objects.get(pk=hazard.pk)
    full.status, full.reject_reason = "reported", ""
    full.escalated_at = timezone.now()  # set, but not among the fields saved
    full.save(update_fields=["status", "reject_reason"])

    assert district_row(city)["needed"] == 1
    assert district_row(city)["escalations"] == 0
    assert figures() == (rebuild(), figures())[1]


def test_rows_per_district_and_per_community(city, report) -> None:
    report()
    report()

    rows = HazardDay.objects.filter(reported__gt=0)
    assert {(r.community_id, r.reported) for r in rows} == {
        (city.community.pk, 2),
        (WHOLE_DISTRICT, 2),
    }


def test_a_district_manager_reads_the_district_row_and_staff_their_communities(city):
    manager = UserFactory(is_staff=True)
    role_grant(user=manager, role=Role.DISTRICT_MANAGER, district=city.community.district)

    places = dashboard_places(manager)
    staff_places = dashboard_places(city.staff)

    assert places.whole_district_ids == [city.community.district_id]
    assert places.other_community_ids == []
    assert staff_places.whole_district_ids == []
    assert staff_places.other_community_ids == [city.community.pk]
    chosen = dashboard_places(manager, community_id=city.community.pk)
    assert (chosen.whole_district_ids, chosen.other_community_ids) == ([], [city.community.pk])


def test_buckets_and_medians_to_the_quarter_hour() -> None:
    assert [bucket_minutes(m) for m in (0, 7, 8, 240, 2870)] == [0, 0, 15, 240, 2865]
    assert bucket_minutes(3 * 24 * 60 + 29) == 3 * 24 * 60  # an hour wide from two days
    assert bucket_minutes(40 * 24 * 60 + 700) == 40 * 24 * 60  # a day wide from 30 days
    assert median_hours({}) is None
    assert median_hours({240: 1}) == 4.0
    assert median_hours({120: 1, 240: 1, 360: 1}) == 4.0  # 2, 4, 6 h
    assert median_hours({600: 1, 1800: 1}) == 20.0  # 10, 30 h: between the two
    # Three in one quarter hour are spread across it: 3 h 55, 4 h, 4 h 05.
    assert median_hours({240: 3}) == 4.0
    assert median_hours({240: 2}) == pytest.approx((240 - 3.75 + 240 + 3.75) / 2 / 60)


def test_the_command_rebuilds_with_a_progress_bar(city, report) -> None:
    report()
    HazardDay.objects.all().delete()
    out, err = StringIO(), StringIO()

    call_command("rebuild_hazard_figures", stdout=out, stderr=err)

    assert "rebuilt from 1 hazards" in out.getvalue()
    assert "hazards" in err.getvalue() and "chunk" in err.getvalue()
    assert district_row(city)["reported"] == 1


def test_the_command_refuses_a_chunk_below_one(city, report) -> None:
    report()
    before = list(HazardDay.objects.values())

    with pytest.raises(CommandError, match="--chunk must be at least 1"):
        call_command("rebuild_hazard_figures", "--chunk", "0", stdout=StringIO())

    assert list(HazardDay.objects.values()) == before
