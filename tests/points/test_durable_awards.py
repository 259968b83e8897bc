"""The award seam (points.awards): owed in the caller's transaction, paid after commit,
never lost by a crash between the two, never paid twice, never a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from points.awards import AwardOutsideTransaction, award, pending_award_pay
from points.models import EarningRule, EarnKind, LedgerEntry, PendingAward, UnpaidReason
from tests.factories import UserFactory
from tests.points.factories import EarningRuleFactory
from tests.points.test_concurrency import run_parallel

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def _earned(user_id: int) -> list[tuple[str, int]]:
    entries = LedgerEntry.objects.filter(account__user_id=user_id, kind="earn")
    return list(entries.values_list("source", "amount"))


def _drain() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("points_drain_awards", verbosity=0, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_an_award_is_paid_once_its_transaction_commits() -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=15)
    user = UserFactory()

    with transaction.atomic():
        award(user_id=user.pk, kind=EarnKind.DRILL_ATTENDED, source="drill:1", note="Drill")
        assert _earned(user.pk) == []  # nothing is paid before commit

    row = PendingAward.objects.get()
    assert _earned(user.pk) == [("drill:1", 15)]
    assert (row.done_at is not None, row.entry, row.attempts) == (
        True,
        LedgerEntry.objects.get(source="drill:1"),
        1,
    )


def test_a_rolled_back_transaction_owes_and_pays_nothing() -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=15)
    user = UserFactory()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        award(user_id=user.pk, kind=EarnKind.DRILL_ATTENDED, source="drill:1")
        _ = 1 / 0

    assert (PendingAward.objects.count(), _earned(user.pk)) == (0, [])


def test_an_award_outside_a_transaction_is_refused() -> None:
    user = UserFactory()

    with pytest.raises(AwardOutsideTransaction):
        award(user_id=user.pk, kind=EarnKind.DRILL_ATTENDED, source="drill:1")

    assert PendingAward.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "source", "error"),
    [("drill_attended", "drill:1", TypeError), (EarnKind.DRILL_ATTENDED, "", ValueError)],
)
def test_an_award_needs_an_earn_kind_and_a_source(kind: object, source: str, error: type) -> None:
    user = UserFactory()

    with pytest.raises(error), transaction.atomic():
        award(user_id=user.pk, kind=kind, source=source)


def test_the_same_event_owed_twice_is_one_row_paid_once() -> None:
    EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    user = UserFactory()

    for _attempt in range(2):
        with transaction.atomic():
            award(user_id=user.pk, kind=EarnKind.HAZARD_VERIFIED, source="hazard:7:verified")

    assert PendingAward.objects.count() == 1
    assert _earned(user.pk) == [("hazard:7:verified", 10)]


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings["HOST"] or "localhost"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _award_then_die(user_id: int) -> subprocess.CompletedProcess[str]:
    """Another process awards, commits, and dies before its on_commit drain runs: the
    first on_commit callback (registered before the award's) ends the process."""
    script = textwrap.dedent(
        f"""
        import os, django
        django.setup()
        from django.db import transaction
        from points.awards import award
        from points.models import EarnKind
        with transaction.atomic():
            transaction.on_commit(lambda: os._exit(0))
            award(user_id={user_id}, kind=EarnKind.HAZARD_VERIFIED, source="hazard:9:verified")
        raise SystemExit("the award's drain ran: the process should have died first")
        """
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=_database_url())
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_process_killed_between_commit_and_award_is_paid_by_the_drain_once() -> None:
    EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    user = UserFactory()

    died = _award_then_die(user.pk)

    assert (died.returncode, died.stderr) == (0, "")
    assert PendingAward.objects.filter(done_at__isnull=True).count() == 1
    assert _earned(user.pk) == []

    assert _drain() == ("1 of 1 pending awards done.", "")
    assert _drain() == ("0 of 0 pending awards done.", "")
    assert _earned(user.pk) == [("hazard:9:verified", 10)]


def test_an_award_paid_before_a_crash_is_not_paid_again_by_the_drain() -> None:
    """The crash fell between paying and marking the row done (at-least-once delivery)."""
    rule = EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    user = UserFactory()
    PendingAward.objects.create(user=user, kind=rule.kind, source="hazard:3:verified")
    from points.services.awards import points_award

    points_award(user=user, kind=rule.kind, source="hazard:3:verified")

    assert _drain() == ("1 of 1 pending awards done.", "")
    assert _earned(user.pk) == [("hazard:3:verified", 10)]
    assert PendingAward.objects.get().entry == LedgerEntry.objects.get(kind="earn")


def test_without_an_active_rule_the_award_is_done_unpaid_and_never_paid_later() -> None:
    """An admin who switches a rule off stops its payments; switching it back on must not
    pay the backlog (as before the seam)."""
    EarningRuleFactory(kind=EarnKind.VOLUNTEER_HOURS, points=5, active=False)
    user = UserFactory()

    with transaction.atomic():
        award(user_id=user.pk, kind=EarnKind.VOLUNTEER_HOURS, source="hours:1")

    row = PendingAward.objects.get()
    assert (row.done_at is not None, row.entry, row.unpaid_reason, row.last_error) == (
        True,
        None,
        UnpaidReason.NO_ACTIVE_RULE,
        "",
    )
    EarningRule.objects.update(active=True)
    assert _drain() == ("0 of 0 pending awards done.", "")
    assert _earned(user.pk) == []


def test_an_award_over_a_cap_is_done_unpaid_with_its_reason() -> None:
    EarningRuleFactory(kind=EarnKind.DRILL_ATTENDED, points=15, daily_cap=15)
    user = UserFactory()

    for number in (1, 2):
        with transaction.atomic():
            award(user_id=user.pk, kind=EarnKind.DRILL_ATTENDED, source=f"drill:{number}")

    rows = PendingAward.objects.order_by("id").values_list("source", "unpaid_reason")
    assert list(rows) == [("drill:1", ""), ("drill:2", UnpaidReason.CAP_REACHED)]
    assert _earned(user.pk) == [("drill:1", 15)]


def test_an_award_that_raises_stays_pending_with_its_error() -> None:
    """A row from an older release whose kind no longer exists: points_award refuses it."""
    user = UserFactory()
    PendingAward.objects.create(user=user, kind="retired_kind", source="old:1")
    EarningRule.objects.create(kind="retired_kind", points=5)  # so the rule check passes

    assert pending_award_pay(kind="retired_kind", source="old:1") is False

    row = PendingAward.objects.get()
    assert (row.done_at, row.attempts) == (None, 1)
    assert row.last_error.startswith("ValidationError:")
    assert _earned(user.pk) == []


def test_two_drains_racing_pay_once() -> None:
    EarningRuleFactory(kind=EarnKind.HAZARD_VERIFIED, points=10)
    user = UserFactory()
    PendingAward.objects.create(user=user, kind=EarnKind.HAZARD_VERIFIED, source="hazard:5:v")

    finished = run_parallel(
        2, lambda i: pending_award_pay(kind=EarnKind.HAZARD_VERIFIED, source="hazard:5:v")
    )

    assert sorted(finished) == [False, True]
    assert _earned(user.pk) == [("hazard:5:v", 10)]
    assert PendingAward.objects.get().done_at is not None
