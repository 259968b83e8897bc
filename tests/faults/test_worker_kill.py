"""The task runner killed (SIGKILL) in the middle of a ring's task: its claim on the task
dies with it, and once a runner starts again the dispatch moves on from the database,
ring after ring, with every volunteer offered once."""

from __future__ import annotations

import psycopg

from tests.faults import servers
from tests.faults.conftest import Stage

RING_SECONDS = 2


def _dispatch(stage: Stage, dispatch: int) -> tuple[int, str]:
    (row,) = stage.sql(f"SELECT ring, status FROM dispatch_dispatch WHERE id = {dispatch}")
    return row[0], row[1]


def _offers(stage: Stage, dispatch: int) -> list[tuple[int, int]]:
    rows = stage.sql(
        f"SELECT ring, distance_m FROM dispatch_offer WHERE dispatch_id = {dispatch} ORDER BY ring"
    )
    return [(ring, distance) for ring, distance in rows]


def _ring_task(stage: Stage, status: str) -> int:
    rows = stage.sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        f"WHERE task_path = 'dispatch.tasks.ring_deadline' AND status = '{status}'"
    )
    return int(rows[0][0])


def test_a_runner_killed_mid_task_resumes_the_dispatch_from_the_database(stage: Stage) -> None:
    env = {"SAFEGRID_DISPATCH_RING_SECONDS": str(RING_SECONDS)}
    opened = stage.scene("dispatch", **env)
    dispatch = opened["dispatch"]
    assert _offers(stage, dispatch) == [(0, 100)]
    # Holding the dispatch row stops the ring's task inside its transaction, once it runs.
    with psycopg.connect(stage.postgres.url(stage.database)) as holder:
        holder.execute(f"SELECT id FROM dispatch_dispatch WHERE id = {dispatch} FOR UPDATE")
        runner = stage.worker(**env)
        assert servers.wait_until(lambda: _ring_task(stage, "RUNNING") == 1), stage.logs()

        runner.kill()
        holder.rollback()
    # With no runner, the deadline passes and nothing moves.
    assert servers.wait_until(lambda: False, patience=RING_SECONDS) is False
    assert _dispatch(stage, dispatch) == (0, "open")
    assert _ring_task(stage, "RUNNING") == 1  # claimed by a process that is gone

    stage.worker(**env)

    assert servers.wait_until(lambda: _dispatch(stage, dispatch)[1] == "unfilled"), stage.logs()
    assert _offers(stage, dispatch) == [(0, 100), (1, 900), (2, 1800)]
