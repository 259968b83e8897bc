"""Ring timers fire in a real task runner process, with no request arriving, and a
runner killed with work in hand leaves it in the database for the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from dispatch.models import Dispatch
from dispatch.services import dispatch_open
from tests.dispatch.conftest import INCIDENT, Scene

ROOT = Path(__file__).resolve().parents[2]
# Generous: the runner polls every 0.2 s; this only bounds a broken run.
PATIENCE_S = 60

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":  # the suite's SQLite test database is a file
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def start_worker() -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "DATABASE_URL": _database_url(), "SAFEGRID_TESTING": "1"}

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def _wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _widened(dispatch: Dispatch) -> Callable[[], bool]:
    return lambda: Dispatch.objects.get(pk=dispatch.pk).ring == 1


def _open_with_two_rings(scene: Scene, settings: object) -> Dispatch:
    settings.DISPATCH_RING_SECONDS = 1
    scene.make_volunteer(100)
    scene.make_volunteer(900)
    return dispatch_open(user=scene.staff, lat=INCIDENT[0], lng=INCIDENT[1])


def test_a_ring_deadline_moves_the_dispatch_on_with_no_request(
    scene: Scene, settings: object, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    start_worker()
    dispatch = _open_with_two_rings(scene, settings)
    assert dispatch.offers.count() == 1

    assert _wait_until(_widened(dispatch))

    dispatch.refresh_from_db()
    assert list(dispatch.offers.order_by("ring").values_list("ring", "distance_m")) == [
        (0, 100),
        (1, 900),
    ]
    assert dispatch.ring_deadline_at is not None  # the second ring has its own timer


def test_a_killed_runners_work_is_picked_up_on_restart(
    scene: Scene, settings: object, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    killed = start_worker()
    dispatch = _open_with_two_rings(scene, settings)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=20)
    # What a runner killed in the middle of the ring's task leaves behind: the task row
    # claimed ("running") by a process that no longer exists, never to be run again.
    DBTaskResult.objects.filter(task_path="dispatch.tasks.ring_deadline").update(
        status="RUNNING", worker_ids=["killed"]
    )
    time.sleep(1.5)  # past the ring's deadline, with no runner
    assert Dispatch.objects.get(pk=dispatch.pk).ring == 0

    start_worker()

    assert _wait_until(_widened(dispatch))
    assert dispatch.offers.filter(ring=1).count() == 1
