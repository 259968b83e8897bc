"""A Daphne process killed (SIGKILL) in the middle of a photo upload: no half record, and
no file left in MEDIA_ROOT once ``media_prune`` has run after the restart.

Two moments of the kill: half-way through the body (Django has not seen the request:
nothing is written at all), and after the files are written but before their rows
commit (the one window where a killed process leaves files no row names, by design:
``media_prune`` deletes them and keeps every file a row names).
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import psycopg

from tests.faults import servers
from tests.faults.conftest import Stage, http_port
from tests.inspections.factories import jpeg_bytes


def _multipart(photo: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="stage"\r\n\r\nreport\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


def _start_upload(port: int, token: str, hazard: int, photo: bytes) -> tuple[socket.socket, bytes]:
    """An upload's request line and headers sent on a raw socket; returns it and the body."""
    content_type, body = _multipart(photo)
    head = (
        f"POST /api/v1/hazards/{hazard}/photos/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(head.encode())
    return conn, body


def _files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def _photo_rows(stage: Stage, hazard: int) -> tuple[int, int]:
    photos = stage.sql(f"SELECT count(*) FROM inspections_photo WHERE hazard_id = {hazard}")
    events = stage.sql(
        "SELECT count(*) FROM inspections_hazardevent"
        f" WHERE hazard_id = {hazard} AND kind = 'photo'"
    )
    return photos[0][0], events[0][0]


def _upload(port: int, token: str, hazard: int, photo: bytes) -> int:
    conn, body = _start_upload(port, token, hazard, photo)
    with conn:
        conn.sendall(body)
        answer = conn.recv(200)
    return int(answer.split()[1])


def test_killed_half_way_through_the_body_leaves_nothing(stage: Stage) -> None:
    city = stage.scene("city")
    port = http_port()
    daphne = stage.daphne(port)
    token, hazard = city["resident"]["token"], city["hazard"]
    conn, body = _start_upload(port, token, hazard, jpeg_bytes((1600, 1200)))
    half = len(body) // 2
    for start in range(0, half, 4096):  # slowly, as a phone on a weak signal
        conn.sendall(body[start : min(start + 4096, half)])
        time.sleep(0.01)

    daphne.kill()
    conn.close()
    stage.daphne(port)

    assert _photo_rows(stage, hazard) == (0, 0)
    assert _files(stage.media) == []
    # The restarted process takes the same upload whole.
    assert _upload(port, token, hazard, jpeg_bytes((1600, 1200))) == 201
    assert _photo_rows(stage, hazard) == (1, 1)
    assert len(_files(stage.media)) == 2


def test_killed_between_writing_the_files_and_committing_leaves_orphans_prune_removes(
    stage: Stage,
) -> None:
    city = stage.scene("city")
    port = http_port()
    daphne = stage.daphne(port)
    token, hazard = city["resident"]["token"], city["hazard"]
    # Holding the hazard row stops the upload at its last statement (the cover photo),
    # after both files are written and before its transaction commits.
    with psycopg.connect(stage.postgres.url(stage.database)) as holder:
        holder.execute(f"SELECT id FROM inspections_hazard WHERE id = {hazard} FOR NO KEY UPDATE")
        conn, body = _start_upload(port, token, hazard, jpeg_bytes(colour=(10, 10, 200)))
        sender = threading.Thread(target=conn.sendall, args=(body,))
        sender.start()
        assert servers.wait_until(lambda: len(_files(stage.media)) == 2, patience=30)
        assert servers.wait_until(lambda: _waiting_on_a_lock(stage), patience=30)
        daphne.kill()
        sender.join(timeout=10)
        conn.close()
        holder.rollback()
    stage.daphne(port)
    orphans = _files(stage.media)
    assert _photo_rows(stage, hazard) == (0, 0)
    assert len(orphans) == 2
    assert _upload(port, token, hazard, jpeg_bytes(colour=(200, 200, 10))) == 201
    kept = sorted(set(_files(stage.media)) - set(orphans))

    young = servers.manage(stage.env(), "media_prune")  # within the grace period: kept
    pruned = servers.manage(stage.env(), "media_prune", "--grace-minutes", "0")

    assert young.strip().endswith("deleted 0 orphan file(s)")
    assert pruned.strip().endswith("deleted 2 orphan file(s)")
    assert _files(stage.media) == kept
    assert len(kept) == 2
    assert _photo_rows(stage, hazard) == (1, 1)


def _waiting_on_a_lock(stage: Stage) -> bool:
    rows = stage.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        f"AND datname = '{stage.database}'"
    )
    return bool(rows[0][0])
