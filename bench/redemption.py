"""Benchmark concurrent reward redemptions against plain single-row updates.

    DATABASE_URL=postgres://user@host:port/safegrid_bench \\
        python bench/redemption.py [--clients N] [--redemptions M]

``--clients`` threads, each a resident with its own database connection, redeem one
reward (stock ``M``: a flash sale on one hot row) ``M`` times in all through the real
service (``reward_redeem``: lock account and reward, debit, stock, voucher, ledger entry
and realtime event in one transaction). The baseline, in the same run and with the same
clients, is ``M`` plain single-row updates (``UPDATE ... SET stock = stock + 1``) of one
row in autocommit. Reported: successful redemptions per second, p95 latency, the same for
the baseline, their ratio, and whether ``points_audit`` finds the books clean afterwards.

Safety: the benchmark only runs against a database whose name contains "bench" or "test",
which it creates itself (it refuses if the database exists) and drops at the end. Without
``DATABASE_URL`` it runs on a throwaway SQLite file instead (writers queue there).

The last line printed is one JSON object with every figure (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.common import throwaway_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (threads)")
    parser.add_argument("--redemptions", type=int, default=2000, help="redemptions in all")
    args = parser.parse_args()
    if not (1 <= args.clients <= 500 and 1 <= args.redemptions <= 1_000_000):
        parser.error("--clients must be 1..500 and --redemptions 1..1000000")
    return args


def _admin_url(url: str) -> tuple[str, str]:
    """The server's maintenance database URL and the benchmark database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["SAFEGRID_TESTING"] = "1"
    # One connection per client thread, as many as there are clients; no pool cap.
    os.environ["DATABASE_POOL"] = "0"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run_clients(
    clients: int, total: int, operation: Callable[[int], bool]
) -> tuple[float, list[float], int]:
    """Run ``total`` operations from ``clients`` threads; wall time, latencies, successes."""
    from django.db import connections

    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    successes = [0] * clients
    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]

    def client(index: int) -> None:
        try:
            operation(-1 - index)  # open this thread's connection before the clock starts
            barrier.wait()
            for _ in range(shares[index]):
                started = time.perf_counter()
                successes[index] += operation(index)
                latencies[index].append(time.perf_counter() - started)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, [x for xs in latencies for x in xs], sum(successes)


def p95_ms(latencies: list[float]) -> float:
    if len(latencies) < 2:
        return round(1000 * (latencies or [0.0])[0], 2)
    return round(1000 * statistics.quantiles(latencies, n=20)[18], 2)


def prepare(clients: int, redemptions: int) -> tuple[list[Any], Any, Any]:
    from django.db import transaction

    from grids.models import User
    from points.models import EntryKind, Reward
    from points.services import account_lock, ledger_post

    cost = 10
    per_client = redemptions // clients + 2
    User.objects.bulk_create(User(username=f"bench{i:04d}") for i in range(clients))
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    for user in users:
        with transaction.atomic():
            account = account_lock(user=user)
            ledger_post(
                account=account, kind=EntryKind.ADJUST, amount=cost * per_client, reason="bench"
            )
    reward = Reward.objects.create(name_zh="基准测试停车券", cost=cost, stock=redemptions)
    baseline_row = Reward.objects.create(name_zh="基准对照行", cost=1, stock=0, active=False)
    return users, reward, baseline_row


def statements_per_redemption(user: Any) -> int:
    """The statements one redemption sends, its commit and after-commit ones included (on
    a reward of its own, so the measured one's stock is untouched)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from points.models import Reward
    from points.services import reward_redeem

    reward = Reward.objects.create(name_zh="基准计数券", cost=1, stock=1)
    with CaptureQueriesContext(connection) as captured:
        reward_redeem(user=user, reward=reward, idempotency_key="bench-count")
    return len(captured.captured_queries) + 1  # Django does not log the COMMIT


def measure(clients: int, redemptions: int) -> dict[str, Any]:
    from django.db.models import F

    from config.api.errors import Conflict
    from points.models import Reward, Voucher
    from points.selectors import ledger_audit
    from points.services import reward_redeem

    users, reward, baseline_row = prepare(clients, redemptions)
    counters = [0] * clients

    def redeem(index: int) -> bool:
        if index < 0:  # warm-up: open the connection only
            return bool(Reward.objects.filter(pk=reward.pk).exists())
        counters[index] += 1
        key = f"bench-{index}-{counters[index]}"
        try:
            reward_redeem(user=users[index], reward=reward, idempotency_key=key)
        except Conflict:
            return False
        return True

    def update(index: int) -> bool:
        if index < 0:
            return bool(Reward.objects.filter(pk=baseline_row.pk).exists())
        return bool(Reward.objects.filter(pk=baseline_row.pk).update(stock=F("stock") + 1))

    statements = statements_per_redemption(users[0])
    base_wall, base_lat, base_ok = run_clients(clients, redemptions, update)
    wall, lat, ok = run_clients(clients, redemptions, redeem)
    reward.refresh_from_db()
    audit_clean = (
        ledger_audit() == []
        and reward.stock == redemptions - ok
        and Voucher.objects.filter(reward=reward).count() == ok
    )
    rps, baseline_rps = ok / wall, base_ok / base_wall
    return {
        "redemptions": redemptions,
        "clients": clients,
        "succeeded": ok,
        "rps": round(rps, 1),
        "p95_ms": p95_ms(lat),
        "baseline_rps": round(baseline_rps, 1),
        "baseline_p95_ms": p95_ms(base_lat),
        "ratio": round(rps / baseline_rps, 3),
        "audit_clean": audit_clean,
        "statements_per_redemption": statements,
        "target_ratio_at_least": 0.25,
        "target_p95_ms_under": 400,
    }


def print_table(figures: dict[str, Any]) -> None:
    print(f"redemption benchmark on {figures['database']}: {figures['clients']} clients, "
          f"{figures['redemptions']} operations each side")  # fmt: skip
    print(f"{'':26}{'redemptions':>14}{'plain updates':>16}")
    print(f"{'succeeded':26}{figures['succeeded']:>14}{figures['redemptions']:>16}")
    print(f"{'per second':26}{figures['rps']:>14}{figures['baseline_rps']:>16}")
    print(f"{'p95 latency (ms)':26}{figures['p95_ms']:>14}{figures['baseline_p95_ms']:>16}")
    print(f"ratio (redemptions / plain updates per second): {figures['ratio']}")
    print(f"audit clean: {figures['audit_clean']}")
    print(f"statements per redemption: {figures['statements_per_redemption']}")


def main() -> int:
    args = parse_args()
    with throwaway_database("redemption.py") as vendor:
        django_setup()
        figures = {"database": vendor, **measure(args.clients, args.redemptions)}
    print_table(figures)
    print(json.dumps(figures))
    return 0 if figures["audit_clean"] and figures["succeeded"] == args.redemptions else 1


if __name__ == "__main__":
    sys.exit(main())
