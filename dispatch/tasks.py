"""Tasks of one-click dispatch, run by the task runner (``manage.py worker``)."""

from __future__ import annotations

from django_tasks import task

from dispatch.services import dispatch_ring_expire


@task()
def ring_deadline(*, dispatch_id: int, ring: int) -> bool:
    """A ring's time is up (enqueued with ``run_after`` = the deadline when the ring began)."""
    return dispatch_ring_expire(dispatch_id=dispatch_id, ring=ring)
