"""The hazard workbench in the admin, end to end: staff act on the page, workers through
the API, and both go through the same services (rules, 409, events, timeline)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from config.realtime.models import Event
from inspections.models import Hazard, HazardEvent, Photo
from points.models import LedgerEntry
from tests.factories import GridFactory, UserFactory, make_staff, make_worker
from tests.inspections.factories import jpeg_bytes, upload
from tests.points.factories import EarningRuleFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(hazard: Hazard) -> str:
    return f"/admin/inspections/hazard/{hazard.pk}/change/"


def step(client: Client, hazard: Hazard, name: str, version: int | None = None, **fields: Any):
    """Press one step's button on the hazard page, as the form posts it."""
    if version is None:
        version = Hazard.objects.get(pk=hazard.pk).version
    data = {f"{name}-version": version, **{f"{name}-{k}": v for k, v in fields.items()}}
    return client.post(f"/admin/inspections/hazard/{hazard.pk}/step/{name}/", data)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def api_step(client: Any, hazard: Hazard, name: str, **body: Any) -> Any:
    version = Hazard.objects.get(pk=hazard.pk).version
    return client.post(
        f"/api/v1/hazards/{hazard.pk}/{name}/", {"version": version, **body}, format="json"
    )


def test_staff_assigns_in_admin_worker_fixes_by_api_staff_closes_in_admin(
    city, report, client_for, django_capture_on_commit_callbacks
) -> None:
    EarningRuleFactory(points=10)
    hazard = report()
    staff = signed_in(city.staff)

    assigned = step(staff, hazard, "assign", assignee=city.worker.pk, note="请今天处理")
    worker = client_for(city.worker)
    assert api_step(worker, hazard, "start").status_code == 200
    worker.post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "rectified"},
        format="multipart",
    )
    assert api_step(worker, hazard, "submit-fix", note="已清理").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        closed = step(staff, hazard, "close", note="现场核实")

    assert assigned.status_code == closed.status_code == 302
    assert closed["Location"] == page_url(hazard)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.assignee, hazard.closed_by) == ("closed", city.worker, city.staff)
    moves = HazardEvent.objects.filter(hazard=hazard, kind="transition")
    assert [(e.actor, e.to_status, e.note) for e in moves] == [
        (city.resident, "reported", ""),
        (city.staff, "assigned", "请今天处理"),
        (city.worker, "rectifying", ""),
        (city.worker, "awaiting_verification", "已清理"),
        (city.staff, "closed", "现场核实"),
    ]
    types = list(Event.objects.order_by("id").values_list("type", flat=True))
    assert types.count("hazard.assigned") == 1 and types.count("hazard.status_changed") == 3
    # The reporter is paid once, as when staff close through the API.
    assert LedgerEntry.objects.filter(source=f"hazard:{hazard.pk}:verified").count() == 1


def test_second_staff_member_on_the_same_version_gets_the_409_message(city, report) -> None:
    hazard = report()
    colleague = make_staff(city.community)
    seen_version = hazard.version

    first = step(signed_in(city.staff), hazard, "assign", seen_version, assignee=city.worker.pk)
    second = step(signed_in(colleague), hazard, "reject", seen_version, reason="不是隐患")

    assert first.status_code == second.status_code == 302
    assert messages_of(second) == [
        "Someone else changed this record first. Reload it and try again."
    ]
    hazard.refresh_from_db()
    assert (hazard.status, hazard.version) == ("assigned", seen_version + 1)
    assert not HazardEvent.objects.filter(hazard=hazard, to_status="rejected").exists()


def test_the_page_offers_exactly_the_steps_the_user_may_take_now(city, report) -> None:
    hazard = report()
    staff = signed_in(city.staff)

    reported = staff.get(page_url(hazard)).content.decode()
    step(staff, hazard, "assign", assignee=city.worker.pk)
    assigned = staff.get(page_url(hazard)).content.decode()

    def offered(html: str) -> list[str]:
        return [name for name in STEP_NAMES if f"/step/{name}/" in html]

    assert offered(reported) == ["assign", "reject", "mark_duplicate", "comment"]
    assert offered(assigned) == ["assign", "reject", "mark_duplicate", "comment"]
    assert "start" not in offered(assigned)  # only the assignee starts, through the API


STEP_NAMES = [
    "assign", "start", "submit_fix", "close", "return_fix", "reject", "mark_duplicate",
    "reopen", "comment",
]  # fmt: skip


def test_the_page_reads_in_words(city, report, chinese_default) -> None:
    city.category.attributes = [
        {
            "code": "blocked",
            "datatype": "singlevaluelist",
            "required": False,
            "description": "堵塞程度",
            "values": [{"key": "fully", "name": "完全堵塞"}],
        }
    ]
    city.category.save()
    city.worker.display_name = "王师傅"
    city.worker.save()
    hazard = report(attributes={"blocked": "fully"})
    step(signed_in(city.staff), hazard, "assign", assignee=city.worker.pk)

    html = signed_in(city.staff).get(page_url(hazard)).content.decode()

    assert "堵塞程度" in html and "完全堵塞" in html
    assert "消防通道堵塞" in html  # the category's name, not its code
    assert "王师傅" in html and city.worker.username not in html
    assert "已上报 → 已派发" in html
    assert "fire-exit" not in html and hazard.fingerprint not in html


def test_assign_defaults_to_the_grids_worker(city, report) -> None:
    hazard = report()

    html = signed_in(city.staff).get(page_url(hazard)).content.decode()

    assert f'<option value="{city.worker.pk}" selected>' in html
    assert "(the grid&#x27;s worker)" in html


def test_closing_without_an_after_photo_says_why_and_changes_nothing(
    city, report, client_for
) -> None:
    hazard = report()
    staff = signed_in(city.staff)
    step(staff, hazard, "assign", assignee=city.worker.pk)
    api_step(client_for(city.worker), hazard, "start")
    api_step(client_for(city.worker), hazard, "submit-fix")

    refused = step(staff, hazard, "close")

    assert refused.status_code == 200
    assert "Add at least one photo taken after the fix before closing." in refused.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == "awaiting_verification"


def test_closing_with_a_verification_photo_from_the_page(city, report, client_for) -> None:
    hazard = report()
    staff = signed_in(city.staff)
    step(staff, hazard, "assign", assignee=city.worker.pk)
    api_step(client_for(city.worker), hazard, "start")
    api_step(client_for(city.worker), hazard, "submit-fix")
    version = Hazard.objects.get(pk=hazard.pk).version

    response = staff.post(
        f"/admin/inspections/hazard/{hazard.pk}/step/close/",
        {"close-version": version, "close-photo": upload(jpeg_bytes())},
    )

    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == "closed"
    assert Photo.objects.get(hazard=hazard).stage == "verification"


def test_a_major_hazards_fixer_is_told_someone_else_must_verify(city, report, client_for) -> None:
    hazard = report(user=city.worker, is_major=True)
    worker_staff = make_staff(city.community)
    staff = signed_in(worker_staff)
    step(staff, hazard, "assign", assignee=worker_staff.pk)
    api_step(client_for(worker_staff), hazard, "start")
    client_for(worker_staff).post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "rectified"},
        format="multipart",
    )
    api_step(client_for(worker_staff), hazard, "submit-fix")

    html = staff.get(page_url(hazard)).content.decode()
    refused = step(staff, hazard, "close")

    assert "a major hazard must be verified by someone else" in html
    assert "/step/close/" not in html
    assert messages_of(refused) == ["A major hazard must be verified by someone else."]
    assert Hazard.objects.get(pk=hazard.pk).status == "awaiting_verification"


def test_reject_needs_a_reason_and_keeps_what_was_typed(city, report) -> None:
    hazard = report()

    response = step(signed_in(city.staff), hazard, "reject", reason="  ")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == "reported"


def test_return_fix_and_reopen_need_a_note(city, report, client_for) -> None:
    hazard = report()
    staff = signed_in(city.staff)
    step(staff, hazard, "assign", assignee=city.worker.pk)
    api_step(client_for(city.worker), hazard, "start")
    api_step(client_for(city.worker), hazard, "submit-fix")

    returned = step(staff, hazard, "return_fix", note="门口还有杂物")

    assert returned.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == "rectifying"
    assert HazardEvent.objects.filter(hazard=hazard, note="门口还有杂物").exists()


def test_reopen_a_closed_hazard_from_the_page(city, report, client_for) -> None:
    hazard = report()
    staff = signed_in(city.staff)
    step(staff, hazard, "assign", assignee=city.worker.pk)
    api_step(client_for(city.worker), hazard, "start")
    step(staff, hazard, "comment", note="已到现场")
    client_for(city.worker).post(
        f"/api/v1/hazards/{hazard.pk}/photos/",
        {"file": upload(jpeg_bytes()), "stage": "rectified"},
        format="multipart",
    )
    api_step(client_for(city.worker), hazard, "submit-fix")
    step(staff, hazard, "close")

    html = staff.get(page_url(hazard)).content.decode()
    reopened = step(staff, hazard, "reopen", note="居民反映又堵上了")

    assert "/step/reopen/" in html
    assert reopened.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == "assigned"
    assert HazardEvent.objects.filter(hazard=hazard, kind="comment", note="已到现场").exists()


def test_mark_duplicate_with_the_search(city, report) -> None:
    original = report(description="三号楼楼道堆放纸箱")
    copy = report(user=UserFactory(), description="楼道里有纸箱")
    staff = signed_in(city.staff)

    found = staff.get(
        "/admin/autocomplete/",
        {
            "app_label": "inspections",
            "model_name": "hazard",
            "field_name": "duplicate_of",
            "term": "纸箱",
        },
    )
    marked = step(staff, copy, "mark_duplicate", original=original.pk)

    assert found.status_code == 200
    assert {row["id"] for row in found.json()["results"]} == {str(original.pk), str(copy.pk)}
    assert marked.status_code == 302
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == ("duplicate", original)


def test_bulk_assign_to_the_grids_workers(city, report) -> None:
    first, second = report(), report(user=UserFactory(), lat=city.building.lat + 0.0001)
    step(signed_in(city.staff), second, "reject", reason="重复上报")
    uncovered_grid = GridFactory(community=city.community)
    third = report(user=UserFactory())
    Hazard.objects.filter(pk=third.pk).update(grid=uncovered_grid)

    response = signed_in(city.staff).post(
        "/admin/inspections/hazard/",
        {"action": "assign_to_grid_workers", "_selected_action": [first.pk, second.pk, third.pk]},
    )

    assert response.status_code == 302
    assert Hazard.objects.get(pk=first.pk).assignee == city.worker
    assert Hazard.objects.get(pk=second.pk).status == "rejected"
    assert Hazard.objects.get(pk=third.pk).assignee is None
    assert messages_of(response) == [
        "1 hazards assigned to their grids' workers.",
        f"{second.number}: a hazard that is “Rejected” cannot be assigned",
        f"{third.number}: its grid has no worker",
    ]


def test_saved_views_list_what_they_say(city, report) -> None:
    fresh = report()
    overdue = report(user=UserFactory())
    Hazard.objects.filter(pk=overdue.pk).update(due_at=fresh.created_at.replace(year=2020))
    staff = signed_in(city.staff)

    today = staff.get("/admin/inspections/hazard/?view=new_today").content.decode()
    late = staff.get("/admin/inspections/hazard/?view=overdue").content.decode()

    assert fresh.number in today and overdue.number in today
    assert overdue.number in late and fresh.number not in late


def test_no_field_is_editable_on_the_page(city, report) -> None:
    hazard = report()
    superuser = UserFactory(is_staff=True, is_superuser=True)

    response = signed_in(superuser).post(page_url(hazard), {"status": "closed"})

    assert response.status_code == 405
    assert Hazard.objects.get(pk=hazard.pk).status == "reported"


def test_a_worker_on_the_admin_hazard_page_is_sent_to_sign_in(city, report) -> None:
    hazard = report()
    make_worker(GridFactory(community=city.community))

    response = signed_in(city.worker).get(page_url(hazard))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
