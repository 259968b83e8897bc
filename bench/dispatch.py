"""One-click dispatch: ranking a first ring among a city's volunteers, and end to end.

1. Ranking: ``--volunteers`` (100,000) volunteers spread over a 30 x 30 km city on
   PostgreSQL (most on duty, most with a reported position, the rest with a base only).
   For random incidents, ``dispatch.selectors.dispatch_candidates`` picks the first
   ring's nearest three (500 m, every eligibility rule: active, on duty, not busy, under
   the daily limit); the baseline, in the same run, is a full scan in Python of the same
   volunteers (every row read, the same rules on status, duty and position, the exact
   distance, sorted). p50/p95 of each.
2. End to end on one Daphne process: ``--sockets`` (200) volunteers connected with
   tickets (the Node ``ws`` client of bench/ws_client.mjs, so the client is not the
   bottleneck), all within the first ring. Each round a staff member opens a dispatch
   needing 20 people over the API (ten offers per person: every socket is offered);
   offer latency is from sending that request to each ``dispatch.offered`` arriving.
   Then 20 volunteers accept over the API; stand-down latency is from sending the 20th
   acceptance to each ``dispatch.stood_down`` arriving. Staff close it and the next
   round starts.

    DATABASE_URL=postgres://.../bench_dispatch python bench/dispatch.py \\
        [--volunteers 100000] [--sockets 200] [--rounds 5] [--port-base P]

The database is a throwaway one (its name must contain "bench" or "test"), created and
dropped here; without DATABASE_URL a SQLite file (ranking then runs on SQLite). Last line:
JSON with volunteers, rank_p50_ms, rank_p95_ms, scan_p50_ms, scan_p95_ms, ratio (rank
p95 over scan p95), sockets, offer_p50_ms, offer_p99_ms, stand_down_p50_ms,
stand_down_p99_ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DaphneProcesses,
    node_client,
    percentile,
    ports_from,
    raise_open_files_limit,
    throwaway_database,
)

CITY = (32.06, 118.79)
# The end-to-end incident: outside the city of the ranking run, so that exactly the
# connected volunteers are within its first ring.
SCENE = (32.56, 118.79)
CITY_HALF_SIDE_M = 15_000
METRES_PER_DEGREE = 6_371_000 * math.pi / 180
PEOPLE = 20  # the most a dispatch may ask for
RING_M = 500


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rank-samples", type=int, default=300)
    parser.add_argument("--scan-samples", type=int, default=20)
    parser.add_argument("--port-base", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def point(rng: random.Random, half_side_m: float, centre: tuple[float, float] = CITY) -> tuple:
    north = rng.uniform(-half_side_m, half_side_m)
    east = rng.uniform(-half_side_m, half_side_m)
    lat = centre[0] + north / METRES_PER_DEGREE
    return lat, centre[1] + east / (METRES_PER_DEGREE * math.cos(math.radians(centre[0])))


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_city(count: int, rng: random.Random) -> Any:
    """A community covering the city centre, its staff, and ``count`` volunteers."""
    from django.utils import timezone

    from grids.models import Building, Community, District, Grid, Role, RoleGrant, User
    from volunteers.models import VolunteerProfile

    district = District.objects.create(code="BENCH", name="基准区")
    community = Community.objects.create(district=district, code="BENCH-C", name="基准社区")
    grid = Grid.objects.create(community=community, code="BENCH-G", name="第1网格")
    for name, (lat, lng) in (("1号楼", CITY), ("2号楼", SCENE)):
        Building.objects.create(
            community=community, grid=grid, name=name, lat=lat, lng=lng, residents=50
        )
    staff = User.objects.create(username="bench-staff", is_staff=True)
    RoleGrant.objects.create(user=staff, role=Role.COMMUNITY_STAFF, community=community)
    batch = 10_000
    now = timezone.now()
    for start in range(0, count, batch):
        users = User.objects.bulk_create(
            User(username=f"v{i}") for i in range(start, min(count, start + batch))
        )
        profiles = []
        for user in users:
            lat, lng = point(rng, CITY_HALF_SIDE_M)
            reported = rng.random() < 0.9
            profiles.append(
                VolunteerProfile(
                    user=user,
                    community=community,
                    status="active" if rng.random() < 0.95 else "paused",
                    on_duty=rng.random() < 0.7,
                    last_lat=lat if reported else None,
                    last_lng=lng if reported else None,
                    last_located_at=now if reported else None,
                    base_lat=None if reported else lat,
                    base_lng=None if reported else lng,
                )
            )
        VolunteerProfile.objects.bulk_create(profiles)
    return community, staff


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def full_scan(lat: float, lng: float, radius_m: float, limit: int) -> list[tuple[float, int]]:
    """The baseline: read every volunteer and rank in Python."""
    from grids.selectors import distance_m
    from volunteers.models import VolunteerProfile

    rows = VolunteerProfile.objects.values_list(
        "user_id", "status", "on_duty", "last_lat", "last_lng", "base_lat", "base_lng"
    )
    found = []
    for user_id, status, on_duty, last_lat, last_lng, base_lat, base_lng in rows.iterator(
        chunk_size=10_000
    ):
        if status != "active" or not on_duty:
            continue
        their_lat, their_lng = (
            (last_lat, last_lng) if last_lat is not None else (base_lat, base_lng)
        )
        if their_lat is None or their_lng is None:
            continue
        metres = distance_m(lat1=lat, lng1=lng, lat2=their_lat, lng2=their_lng)
        if metres <= radius_m:
            found.append((metres, user_id))
    found.sort()
    return found[:limit]


def measure_ranking(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from dispatch.selectors import dispatch_candidates

    incidents = [point(rng, CITY_HALF_SIDE_M * 0.9) for _ in range(args.rank_samples)]
    for lat, lng in incidents[:10]:  # warm caches and plans alike for both
        dispatch_candidates(lat=lat, lng=lng, radius_m=RING_M, limit=3)
    rank_ms, scan_ms, agree = [], [], 0
    for index, (lat, lng) in enumerate(incidents):
        started = time.perf_counter()
        ranked = dispatch_candidates(lat=lat, lng=lng, radius_m=RING_M, limit=3)
        rank_ms.append((time.perf_counter() - started) * 1000)
        if index < args.scan_samples:
            started = time.perf_counter()
            scanned = full_scan(lat, lng, RING_M, 3)
            scan_ms.append((time.perf_counter() - started) * 1000)
            agree += [c.user_id for c in ranked] == [user_id for _m, user_id in scanned]
    return {
        "rank_p50_ms": round(percentile(rank_ms, 0.5), 2),
        "rank_p95_ms": round(percentile(rank_ms, 0.95), 2),
        "scan_p50_ms": round(percentile(scan_ms, 0.5), 1),
        "scan_p95_ms": round(percentile(scan_ms, 0.95), 1),
        "rank_samples": len(rank_ms),
        "scan_samples": len(scan_ms),
        "scan_agrees": f"{agree}/{len(scan_ms)}",
    }


def socket_volunteers(community: Any, count: int, rng: random.Random) -> list[tuple[Any, str]]:
    """``count`` on-duty volunteers within the first ring of the scene, with tokens."""
    from knox.models import AuthToken

    from grids.models import User
    from volunteers.models import VolunteerProfile

    users = User.objects.bulk_create(User(username=f"near{i}") for i in range(count))
    profiles = []
    for user in users:
        lat, lng = point(rng, RING_M * 0.6, SCENE)
        profiles.append(
            VolunteerProfile(
                user=user, community=community, on_duty=True, last_lat=lat, last_lng=lng
            )
        )
    VolunteerProfile.objects.bulk_create(profiles)
    return [(user, AuthToken.objects.create(user)[1]) for user in users]


def _post(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def end_to_end(args: argparse.Namespace, env: dict[str, str], community: Any, staff: Any,
               rng: random.Random) -> dict[str, Any]:  # fmt: skip
    from django.conf import settings
    from knox.models import AuthToken

    from config.realtime.tickets import ws_ticket_issue
    from dispatch.models import Offer

    volunteers = socket_volunteers(community, args.sockets, rng)
    staff_token = AuthToken.objects.create(staff)[1]
    settings.WS_TICKET_TTL_SECONDS = 900
    server_env = {
        **env,
        # Every connected volunteer is offered each round (ten offers per person needed),
        # and a day's limit must not stop the rounds.
        "SAFEGRID_DISPATCH_OFFERS_PER_PERSON": str(max(3, math.ceil(args.sockets / PEOPLE))),
        "SAFEGRID_DISPATCH_DAILY_ALERT_LIMIT": "100000",
    }
    port = ports_from(args.port_base, 1)[0]
    base = f"http://127.0.0.1:{port}/api/v1"
    expected = args.rounds * (args.sockets + (args.sockets - PEOPLE))
    opened_at: dict[int, float] = {}
    nth_accept_at: dict[int, float] = {}
    open_request_ms: list[float] = []
    with DaphneProcesses(server_env, [port], "config.asgi:application") as servers:
        urls = []
        for user, _token in volunteers:
            ticket, _ = ws_ticket_issue(user=user)
            urls.append(f"ws://127.0.0.1:{port}/ws/v1/events/?ticket={ticket}")
        client = subprocess.Popen(
            [*node_client("ws_client.mjs"), "300000", "1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={
                **os.environ,
                "WS_RECORD_TYPES": "dispatch.offered,dispatch.stood_down",
                "WS_EXPECT": str(expected),
            },
        )
        assert client.stdin and client.stdout
        client.stdin.write("".join(json.dumps(url) + "\n" for url in urls))
        client.stdin.close()
        connected = json.loads(client.stdout.readline())
        if connected["open"] < len(urls):
            client.kill()
            raise RuntimeError(f"not every socket opened: {connected['closeCodes']}")
        cpu_before = servers.cpu_seconds()
        time.sleep(1.0)
        tokens = {user.pk: token for user, token in volunteers}
        for _round in range(args.rounds):
            started = time.time() * 1000
            status, body = _post(
                f"{base}/dispatches/",
                staff_token,
                {"lat": SCENE[0], "lng": SCENE[1], "people_needed": PEOPLE, "urgency": "emergency"},
            )
            assert status == 201, body
            opened_at[body["id"]] = started
            open_request_ms.append(time.time() * 1000 - started)
            time.sleep(2.0)  # let every offer arrive before the accepts start
            offers = list(
                Offer.objects.filter(dispatch_id=body["id"]).values_list("pk", "volunteer_id")
            )
            assert len(offers) == args.sockets, len(offers)
            accepting = rng.sample(offers, PEOPLE)
            for index, (offer_id, user_id) in enumerate(accepting):
                if index == PEOPLE - 1:
                    nth_accept_at[body["id"]] = time.time() * 1000
                status, answer = _post(
                    f"{base}/dispatch-offers/{offer_id}/accept/", tokens[user_id]
                )
                assert status == 200, answer
            time.sleep(2.0)
            status, _closed = _post(
                f"{base}/dispatches/{body['id']}/close/", staff_token, {"outcome": "resolved"}
            )
            assert status == 200
        result = json.loads(client.stdout.readline())
        client.wait(timeout=30)
        server_cpu_s = servers.cpu_seconds() - cpu_before
    offer_ms = [
        at - opened_at[d] for kind, d, at in result["arrivals"] if kind == "dispatch.offered"
    ]
    down_ms = [
        at - nth_accept_at[d] for kind, d, at in result["arrivals"] if kind == "dispatch.stood_down"
    ]
    return {
        "sockets": args.sockets,
        "rounds": args.rounds,
        "offers_received": len(offer_ms),
        "stand_downs_received": len(down_ms),
        # The opening request's own time (ranking, 200 offers and their events, commit,
        # hand-off to the layer): offers are delivered within it.
        "open_request_p50_ms": round(percentile(open_request_ms, 0.5), 1),
        "offer_p50_ms": round(percentile(offer_ms, 0.5), 1) if offer_ms else None,
        "offer_p99_ms": round(percentile(offer_ms, 0.99), 1) if offer_ms else None,
        "stand_down_p50_ms": round(percentile(down_ms, 0.5), 1) if down_ms else None,
        "stand_down_p99_ms": round(percentile(down_ms, 0.99), 1) if down_ms else None,
        "server_cpu_s": round(server_cpu_s, 1),
        "client_cpu_s": round(result["cpu_ms"] / 1000, 1),
    }


def main() -> None:
    args = parse_args()
    raise_open_files_limit()
    rng = random.Random(args.seed)
    env = {
        **os.environ,
        "SAFEGRID_TESTING": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    with throwaway_database("dispatch.py") as vendor:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        django_setup(env)
        started = time.perf_counter()
        community, staff = build_city(args.volunteers, rng)
        analyze()
        build_s = time.perf_counter() - started
        ranking = measure_ranking(args, rng)
        e2e = end_to_end(args, env, community, staff, rng)
    figures = {
        "database": vendor,
        "volunteers": args.volunteers,
        "build_s": round(build_s, 1),
        **ranking,
        "ratio": round(ranking["rank_p95_ms"] / ranking["scan_p95_ms"], 4),
        **e2e,
    }
    print(f"{'':<34}{'p50 ms':>10}{'p95/p99 ms':>12}")
    print(f"{'rank first ring (p95)':<34}{figures['rank_p50_ms']:>10}{figures['rank_p95_ms']:>12}")
    print(f"{'full Python scan (p95)':<34}{figures['scan_p50_ms']:>10}{figures['scan_p95_ms']:>12}")
    print(f"{'open -> offer delivered (p99)':<34}{figures['offer_p50_ms']!s:>10}"
          f"{figures['offer_p99_ms']!s:>12}")  # fmt: skip
    print(f"{'N-th accept -> stand-down (p99)':<34}{figures['stand_down_p50_ms']!s:>10}"
          f"{figures['stand_down_p99_ms']!s:>12}")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
