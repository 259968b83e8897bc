"""A realistic load run: a bounded mix of the product's users against 2 Daphne processes.

    DATABASE_URL=postgres://user@127.0.0.1:5432/safegrid_bench \\
        python bench/load.py [--residents 20000] [--duration 60] [--sockets 1000]

Builds the demo city (``demo_city --residents``) in a throwaway database (PostgreSQL when
``DATABASE_URL`` names one, its name containing "bench" or "test", created and dropped
here; else a SQLite file), starts Redis (or uses ``REDIS_URL``) and 2 Daphne processes
with production's flags (bench/common.py), opens ``--sockets`` websockets with tickets
(workers, staff and residents, in waves of 50) and keeps them open, then for
``--duration`` seconds runs one virtual user per person of the mix, each with a random
think time around ``--think-ms`` between requests:

- grid workers: list their hazards; every third round report a hazard and add a photo
  (a 1600x1200 JPEG, through the real photo intake);
- residents: read their balance and redeem a reward (``Idempotency-Key`` each time);
- community staff: list reported hazards and assign one to the grid's worker.

The load client is Node (bench/load_client.mjs: built-in fetch with keep-alive, the ws
package for sockets), one process, not the bottleneck (its CPU time is reported). The
baseline, in the same run, is the same number of users asking ``GET /healthz`` with the
same think time. Reported: requests per second, p50/p95 and errors per endpoint (an error
is any answer but the endpoint's success code), sockets open and events received, and the
event backlog at the end (events not yet handed to the channel layer). Traffic stays on
127.0.0.1, every loop is bounded by ``--duration``, and everything started is stopped.

Last line: one JSON object (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DaphneProcesses,
    node_client,
    ports_from,
    raise_open_files_limit,
    redis_server,
    throwaway_database,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000, help="demo city size")
    parser.add_argument("--duration", type=int, default=60, help="seconds of mixed load")
    parser.add_argument("--baseline", type=int, default=15, help="seconds of GET /healthz")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=12, help="grid workers in the mix")
    parser.add_argument("--residents-active", type=int, default=12, dest="active_residents")
    parser.add_argument("--staff", type=int, default=6)
    parser.add_argument("--think-ms", type=int, default=1000, dest="think_ms")
    parser.add_argument("--port-base", type=int, default=0, help="first of 2 ports to use")
    args = parser.parse_args()
    if not (5 <= args.duration <= 900 and 0 <= args.sockets <= 10_000):
        parser.error("--duration must be 5..900 and --sockets 0..10000")
    return args


def django_setup(env: dict[str, str], residents: int) -> None:
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("demo_city", seed=1, residents=residents, stdout=quiet, stderr=quiet)


def photo_file(folder: Path) -> Path:
    """A phone-sized photo of noise (it compresses like a real one, not like a flat one)."""
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(1).integers(0, 255, (1200, 1600, 3), dtype=np.uint8)
    path = folder / "photo.jpg"
    Image.fromarray(pixels).save(path, quality=85)
    return path


def attributes_for(category: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute in category.attributes:
        if attribute["datatype"] == "number":
            values[attribute["code"]] = 2
        elif attribute.get("values"):
            values[attribute["code"]] = attribute["values"][0]["key"]
    return values


def token(user: Any) -> str:
    from knox.models import AuthToken

    return str(AuthToken.objects.create(user)[1])


def plan_people(args: argparse.Namespace) -> dict[str, Any]:
    """Tokens and work for every virtual user; points, a reward and hazards to assign."""
    from django.db import transaction

    from grids.models import Building, GridAssignment, Role, RoleGrant, User
    from inspections.models import Category
    from inspections.services import hazard_report
    from points.models import EntryKind, Reward
    from points.services import account_lock, ledger_post

    category = Category.objects.filter(is_active=True).order_by("code").first()
    assert category is not None, "the demo city has no hazard category"
    assignments = list(
        GridAssignment.objects.filter(ended_at__isnull=True).select_related("worker", "grid")
    )[: args.workers]
    workers = []
    for assignment in assignments:
        building = Building.objects.filter(grid=assignment.grid).earliest("pk")
        workers.append({"token": token(assignment.worker), "lat": building.lat,
                        "lng": building.lng, "category": category.code,
                        "attributes": attributes_for(category)})  # fmt: skip
    reward = Reward.objects.create(name_zh="负载测试公交卡", cost=1, stock=1_000_000)
    residents = []
    resident_users = User.objects.filter(
        role_grants__isnull=True, is_superuser=False, is_active=True
    )
    for user in resident_users.order_by("pk")[: args.active_residents]:
        with transaction.atomic():
            ledger_post(account=account_lock(user=user), kind=EntryKind.ADJUST,
                        amount=100_000, reason="load test")  # fmt: skip
        residents.append({"token": token(user), "reward": reward.pk})
    staff = []
    rounds = args.duration * 1000 // max(args.think_ms, 1) + 5
    grants = RoleGrant.objects.filter(role=Role.COMMUNITY_STAFF).select_related("user")
    for grant in grants.exclude(community=None).order_by("community_id")[: args.staff]:
        hazards = []
        for assignment in GridAssignment.objects.filter(
            ended_at__isnull=True, grid__community_id=int(grant.community_id or 0)
        ).select_related("grid")[:1]:
            building = Building.objects.filter(grid=assignment.grid).earliest("pk")
            reporter = resident_users.filter(home_building__grid=assignment.grid).first()
            for _ in range(rounds):
                result = hazard_report(
                    user=reporter or assignment.worker, category_code=category.code,
                    description="负载测试：待分派", lat=building.lat, lng=building.lng,
                    attributes=attributes_for(category),
                )  # fmt: skip
                hazards.append({"id": result.hazard.pk, "version": result.hazard.version,
                                "assignee": assignment.worker_id})  # fmt: skip
        staff.append({"token": token(grant.user), "hazards": hazards})
    return {"workers": workers, "residents": residents, "staff": staff}


def socket_urls(count: int, ports: list[int]) -> list[str]:
    from django.conf import settings

    from config.realtime.tickets import ws_ticket_issue
    from grids.models import Building, User

    settings.WS_TICKET_TTL_SECONDS = 900  # issuing them all takes longer than a minute
    missing = count - User.objects.filter(is_active=True).count()
    if missing > 0:  # the demo city has accounts for a few residents; the rest are phones
        homes = list(Building.objects.order_by("pk").values_list("pk", flat=True))
        User.objects.bulk_create(
            User(username=f"load-phone-{i}", home_building_id=homes[i % len(homes)])
            for i in range(missing)
        )
    people = User.objects.filter(is_active=True).order_by("-is_staff", "pk")[:count]
    return [
        f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/v1/events/?ticket="
        + ws_ticket_issue(user=user)[0]
        for i, user in enumerate(people)
    ]


def run_client(plan: dict[str, Any]) -> dict[str, Any]:
    client = subprocess.run(
        node_client("load_client.mjs"),
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        timeout=plan["duration_s"] + plan["baseline_s"] + 600,
        check=True,
    )
    return dict(json.loads(client.stdout.strip().splitlines()[-1]))


def event_backlog() -> int:
    from config.realtime.models import Event

    return Event.objects.filter(published_at__isnull=True).count()


def figures_from(result: dict[str, Any], args: argparse.Namespace, **extra: Any) -> dict:
    endpoints = result["endpoints"]
    baseline = endpoints.pop("GET healthz (baseline)", {"count": 0, "errors": 0, "p95_ms": None})
    requests = sum(entry["count"] for entry in endpoints.values())
    errors = sum(entry["errors"] for entry in endpoints.values())
    rps = requests / result["mix_seconds"]
    baseline_rps = baseline["count"] / max(result["baseline_seconds"], 1e-9)
    return {
        "duration_s": args.duration,
        "users": args.workers + args.active_residents + args.staff,
        "requests": requests,
        "rps": round(rps, 1),
        "errors": errors,
        "p95_ms": {name: entry["p95_ms"] for name, entry in endpoints.items()},
        "p50_ms": {name: entry["p50_ms"] for name, entry in endpoints.items()},
        "statuses": {name: entry["statuses"] for name, entry in endpoints.items()},
        "sockets": args.sockets,
        "sockets_open": result["sockets"]["open"],
        "sockets_failed": result["sockets"]["failed"],
        "sockets_refused": result["sockets"]["refused"],
        "sockets_closed_early": result["sockets"]["closed_early"],
        "socket_events": result["sockets"]["events"],
        "baseline_rps": round(baseline_rps, 1),
        "baseline_p95_ms": baseline["p95_ms"],
        "baseline_errors": baseline["errors"],
        "ratio": round(rps / baseline_rps, 3) if baseline_rps else None,
        "client_cpu_s": round(result["cpu_ms"] / 1000, 1),
        **extra,
    }


def print_table(figures: dict[str, Any]) -> None:
    print(f"load run on {figures['database']}: {figures['users']} users for "
          f"{figures['duration_s']} s, {figures['sockets_open']}/{figures['sockets']} "
          "sockets open")  # fmt: skip
    print(f"{'endpoint':<34}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}")
    for name, p95 in figures["p95_ms"].items():
        statuses = figures["statuses"][name]
        count = sum(statuses.values())
        print(f"{name:<34}{count:>8}{figures['errors_by_endpoint'][name]:>8}"
              f"{figures['p50_ms'][name]!s:>10}{p95!s:>10}")  # fmt: skip
    print(f"throughput {figures['rps']} req/s (baseline GET /healthz: {figures['baseline_rps']}"
          f" req/s, ratio {figures['ratio']}); errors {figures['errors']}; events received "
          f"{figures['socket_events']}; event backlog at the end {figures['event_backlog']}; "
          f"server CPU {figures['server_cpu_s']} s, client CPU "
          f"{figures['client_cpu_s']} s")  # fmt: skip


def main() -> None:
    args = parse_args()
    raise_open_files_limit()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-run-only-" + "x" * 40,
        "SAFEGRID_TIPS_RECEIPT_KEY": "load-run-only-" + "r" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SAFEGRID_THROTTLE_ANON": "100000/minute",
        "SAFEGRID_THROTTLE_USER": "100000/minute",
    }
    env.pop("SAFEGRID_TESTING", None)
    with (
        throwaway_database("load.py") as vendor,
        redis_server() as redis_url,
        tempfile.TemporaryDirectory() as folder,
    ):
        if not redis_url:
            sys.exit("bench/load.py: needs redis-server (or REDIS_URL) for 2 processes")
        env.update(DATABASE_URL=os.environ["DATABASE_URL"], REDIS_URL=redis_url,
                   MEDIA_ROOT=str(Path(folder) / "media"))  # fmt: skip
        started = time.monotonic()
        django_setup(env, args.residents)
        people = plan_people(args)
        ports = ports_from(args.port_base, 2)
        with DaphneProcesses(env, ports, "config.asgi:application") as servers:
            plan = {
                "base_urls": [f"http://127.0.0.1:{port}" for port in ports],
                "sockets": socket_urls(args.sockets, ports),
                "duration_s": args.duration,
                "baseline_s": args.baseline,
                "think_ms": args.think_ms,
                "photo_path": str(photo_file(Path(folder))),
                **people,
            }
            cpu_before = servers.cpu_seconds()
            result = run_client(plan)
            server_cpu_s = servers.cpu_seconds() - cpu_before
            time.sleep(6)  # the flush grace: younger events may still be on their way
            backlog = event_backlog()
        setup_s = time.monotonic() - started
        errors_by_endpoint = {name: e["errors"] for name, e in result["endpoints"].items()}
        figures = figures_from(
            result, args, database=vendor, event_backlog=backlog,
            server_cpu_s=round(server_cpu_s, 1), wall_s=round(setup_s, 1),
        )  # fmt: skip
    figures["errors_by_endpoint"] = errors_by_endpoint
    print_table(figures)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
