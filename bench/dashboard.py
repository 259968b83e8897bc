"""Benchmark the city-level operations dashboard against its own largest query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safegrid_bench \\
        python bench/dashboard.py [--residents 25000000] [--hazards 1000000] [--renders 7] \\
            [--explain 3]

Builds, inside PostgreSQL (``generate_series``, seeded by ``setseed``), a city of
``--residents`` residents in buildings of 50 (so 500,000 buildings at 25 million), grids
of 500 with a worker in 95% of them, 5,000 communities in 11 districts, and ``--hazards``
hazards over the last 52 weeks in every status, with realistic assignment and closure
times; plus residents' points ledgers. The hazards' daily figures are then rebuilt
(``inspections.summary.rebuild``, what ``manage.py rebuild_hazard_figures`` runs; its
time is reported as ``rebuild_s``), since a bulk load passes ``Hazard.save`` by. An
administrator then opens ``/admin/dashboard/`` (the whole city, the default 12 weeks)
through Django's test client, ``--renders`` times after one warm-up.

Baseline, measured in the same run: every SQL statement one render sends is captured and
run again on its own (three times, the median kept); the slowest of them is the single
largest aggregate query. Reported: the median render, that query, and their ratio
(target: render under 1 s and within 3x of the largest query).

The last line printed is one JSON object (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.common import throwaway_database
from bench.hazard_list import django_setup

RESIDENTS_PER_BUILDING = 50
BUILDINGS_PER_GRID = 10
COMMUNITIES = 5000
DISTRICTS = 11
COVERED_SHARE = 0.95


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=25_000_000)
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--renders", type=int, default=7)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument(
        "--explain", type=int, default=0, metavar="N",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the N slowest statements (stderr)",
    )  # fmt: skip
    args = parser.parse_args()
    if not (100_000 <= args.residents <= 50_000_000 and 1_000 <= args.hazards <= 5_000_000):
        parser.error("--residents must be 100000..50000000 and --hazards 1000..5000000")
    if not 1 <= args.renders <= 100:
        parser.error("--renders must be 1..100")
    return args


def build(residents: int, hazards: int, seed: float) -> dict[str, Any]:
    """The whole city in a few INSERT ... SELECT statements, run by the database itself."""
    from django.db import connection

    buildings = residents // RESIDENTS_PER_BUILDING
    grids = max(buildings // BUILDINGS_PER_GRID, COMMUNITIES)
    workers = int(grids * COVERED_SHARE)
    steps = _build_sql(buildings, grids, workers, hazards)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        for label, statement in steps:
            started = time.monotonic()
            cursor.execute(statement)
            print(f"  {label:<34} {time.monotonic() - started:6.1f} s", file=sys.stderr)
        cursor.execute("ANALYZE")
    from inspections import summary

    started = time.monotonic()
    summary.rebuild()  # the hazards were bulk-loaded: their daily figures, as the command
    rebuild_s = time.monotonic() - started
    print(f"  {'daily figures (rebuild)':<34} {rebuild_s:6.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"buildings": buildings, "grids": grids, "workers": workers, "rebuild_s": rebuild_s}


def _build_sql(buildings: int, grids: int, workers: int, hazards: int) -> list[tuple[str, str]]:
    from grids.models import Building, Community, District, Grid, GridAssignment, User
    from inspections.models import Category, Hazard
    from points.models import Account, LedgerEntry

    t = {m.__name__: m._meta.db_table for m in (
        District, Community, Grid, Building, User, GridAssignment, Category, Hazard, Account,
        LedgerEntry,
    )}  # fmt: skip
    residents_with_points = 200_000
    return [
        (
            "districts, communities",
            f"""
            INSERT INTO {t["District"]} (id, code, name)
            SELECT d, 'D' || d, '第' || d || '区' FROM generate_series(1, {DISTRICTS}) d;
            INSERT INTO {t["Community"]} (id, district_id, code, name, target_grid_size)
            SELECT c, 1 + c % {DISTRICTS}, 'C' || c, '第' || c || '社区', 500
            FROM generate_series(1, {COMMUNITIES}) c""",
        ),
        (
            "grids",
            f"""
            INSERT INTO {t["Grid"]} (id, community_id, code, name, population, is_active,
                                     centroid_lat, centroid_lng)
            SELECT g, 1 + g % {COMMUNITIES}, 'G' || g, '第' || g || '网格', 500, true,
                   32.0, 118.8
            FROM generate_series(1, {grids}) g""",
        ),
        (
            "buildings",
            f"""
            INSERT INTO {t["Building"]} (community_id, grid_id, name, address, lat, lng,
                                         residents)
            SELECT 1 + (b % {grids} + 1) % {COMMUNITIES}, b % {grids} + 1, b || '号楼', '',
                   31.9 + random() * 0.3, 118.6 + random() * 0.4, {RESIDENTS_PER_BUILDING}
            FROM generate_series(0, {buildings - 1}) b""",
        ),
        (
            "workers and residents",
            f"""
            INSERT INTO {t["User"]} (id, password, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined, display_name,
                preferred_language)
            SELECT u, '!', false, 'u' || u, '', '', '', false, true, now(),
                   CASE WHEN u <= {workers} THEN '网格员' || u ELSE '居民' || u END, ''
            FROM generate_series(1, {workers + residents_with_points}) u;
            SELECT setval(pg_get_serial_sequence('{t["User"]}', 'id'),
                          {workers + residents_with_points})""",
        ),
        (
            "grid assignments",
            f"""
            INSERT INTO {t["GridAssignment"]} (grid_id, worker_id, started_at)
            SELECT w, w, now() - interval '1 day' * (random() * 400)
            FROM generate_series(1, {workers}) w""",
        ),
        (
            "categories",
            f"""
            INSERT INTO {t["Category"]} (id, code, name_zh, name_en, description,
                default_risk_colour, default_is_major, hours_red, hours_orange, hours_yellow,
                hours_blue, hours_major, attributes, is_active, guidance_zh, guidance_en)
            SELECT c, 'cat-' || c, '类别' || c, 'Category ' || c, '', 'yellow', false,
                   24, 72, 168, 336, 24, '[]', true, '', ''
            FROM generate_series(1, 12) c""",
        ),
        ("hazards", _hazards_sql(t, grids, workers, hazards)),
        (
            "points ledger",
            f"""
            INSERT INTO {t["Account"]} (user_id, balance, leaderboard_opt_in, updated_at)
            SELECT u, 30, false, now()
            FROM generate_series({workers + 1}, {workers + residents_with_points}) u;
            INSERT INTO {t["LedgerEntry"]} (account_id, kind, amount, balance_after, reason,
                                            source, created_at)
            SELECT a.id, k.kind, k.amount, 30, '', 'bench:' || a.id || ':' || k.kind,
                   now() - interval '1 day' * (random() * 364)
            FROM {t["Account"]} a
            CROSS JOIN (VALUES ('earn', 50), ('redeem', -20)) AS k(kind, amount)""",
        ),
    ]


def _hazards_sql(t: dict[str, str], grids: int, workers: int, hazards: int) -> str:
    """Hazards over 52 weeks: statuses near the pilots' mix, times that vary by hazard."""
    return f"""
        INSERT INTO {t["Hazard"]} (number, category_id, description, lat, lng, address,
            community_id, grid_id, is_major, risk_colour, source, reporter_id, assignee_id,
            status, reject_reason, due_at, escalation_level, escalated_at, fingerprint,
            attribute_values, me_too_count, version, created_at, updated_at, assigned_at,
            closed_at)
        SELECT 'H-B-' || n, 1 + n % 12, '楼道堆放杂物', 32.0, 118.8, '',
               1 + g % {COMMUNITIES}, g, n % 20 = 0,
               (ARRAY['red','orange','yellow','blue'])[1 + n % 4],
               CASE WHEN r < 0.55 THEN 'patrol' WHEN r < 0.95 THEN 'resident' ELSE 'open311' END,
               NULL, CASE WHEN status <> 'reported' AND g <= {workers} THEN g END,
               status, CASE WHEN status = 'rejected' THEN '不是隐患' ELSE '' END,
               created + interval '72 hours',
               CASE WHEN status IN ('assigned','rectifying') AND r2 < 0.2 THEN 1 ELSE 0 END,
               CASE WHEN status IN ('assigned','rectifying') AND r2 < 0.2
                    THEN created + interval '73 hours' END,
               'bench', '{{}}', 0, 1, created, created,
               CASE WHEN status <> 'reported' THEN created + interval '1 hour' * (r2 * 30) END,
               CASE WHEN status = 'closed' THEN created + interval '1 hour' * (r2 * 120) END
        FROM (
            SELECT n, 1 + (random() * ({grids} - 1))::int AS g, random() AS r,
                   random() AS r2,
                   now() - interval '1 hour' * (random() * 364 * 24) AS created,
                   CASE WHEN random() < 0.86 THEN 'closed'
                        ELSE (ARRAY['reported','assigned','rectifying',
                                    'awaiting_verification','rejected','reported'])
                             [1 + (random() * 5)::int] END AS status
            FROM generate_series(1, {hazards}) n
        ) AS made"""


def measure(renders: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from grids.models import User

    admin = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True)
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    assert client.get("/admin/dashboard/").status_code == 200  # warm-up
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get("/admin/dashboard/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/dashboard/")
    statements = [q["sql"] for q in captured.captured_queries]
    timed = sorted(((_time_alone(sql), sql) for sql in statements), reverse=True)
    return {"times": times, "queries": len(statements), "largest": timed[0], "timed": timed}


def _time_alone(statement: str) -> float:
    from django.db import connection

    runs = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(statement)
            cursor.fetchall()
            runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def explain(timed: list[tuple[float, str]]) -> None:
    """Where a statement's time goes, for the slowest ones (run after the measurement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for ms, statement in timed:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n-- {ms:.0f} ms alone: {statement[:120]}\n{plan}", file=sys.stderr)


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/dashboard.py needs PostgreSQL: set DATABASE_URL (a 'bench' database).")
    with throwaway_database("dashboard.py"):
        django_setup()
        started = time.monotonic()
        city = build(args.residents, args.hazards, args.seed)
        build_s = time.monotonic() - started
        result = measure(args.renders)
        explain(result["timed"][: args.explain])
    dashboard_ms = statistics.median(result["times"])
    largest_ms, largest_sql = result["largest"]
    ratio = dashboard_ms / largest_ms
    print(f"\ncity: {args.residents:,} residents, {city['buildings']:,} buildings, "
          f"{city['grids']:,} grids, {city['workers']:,} workers, {args.hazards:,} hazards "
          f"(built in {build_s:.0f} s)")  # fmt: skip
    print(f"{'what':<44}{'ms':>10}")
    print(f"{'dashboard render (median of ' + str(args.renders) + ')':<44}{dashboard_ms:>10.0f}")
    for ms, sql in result["timed"][:5]:
        print(f"{'  query: ' + sql[:34]:<44}{ms:>10.0f}")
    print(f"{'queries per render':<44}{result['queries']:>10}")
    print(f"ratio render / largest query: {ratio:.2f} (target ≤ 3, render < 1000 ms)")
    print(f"largest query: {largest_sql[:300]}")
    print(json.dumps({
        "hazards": args.hazards, "residents": args.residents, "grids": city["grids"],
        "dashboard_ms": round(dashboard_ms, 1), "largest_query_ms": round(largest_ms, 1),
        "ratio": round(ratio, 2), "queries": result["queries"],
        "rebuild_s": round(city["rebuild_s"], 1),
        "renders_ms": [round(t, 1) for t in result["times"]],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
