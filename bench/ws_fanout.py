"""Websocket fan-out and reconnect storms: delivery latency p50/p99, connect times.

Compares, in the same run and on the same machine:
- bare:    a bare Channels consumer doing a plain group_send (1 Daphne, in-memory layer);
- seam:    our stack (ticket auth, group per audience, event log, after-commit hand-off,
           per-event audience check) on 1 Daphne with the in-memory layer;
- two:     our stack on 2 Daphne processes behind a real Redis (clients split in half,
           the event published in the first process);
- storm:   ``--storm`` sockets (5,000) opened in the same instant against 2 Daphne
           processes behind Redis, as after a deploy or a network blip: first to the
           bare consumer, then (once those closed) to our stack with tickets and
           ``last_event_id`` as the field app reconnects; connect time p50/p99 and
           failures for each, then one event's fan-out to every open socket.
The database is PostgreSQL when ``DATABASE_URL`` names one (a throwaway database whose
name contains "bench" or "test", created and dropped here), else a SQLite file. Daphne
runs with production's flags (bench/common.py). The load client is Node's built-in
WebSocket (bench/ws_client.mjs), not Python, so that the client is not the bottleneck.
Traffic stays on 127.0.0.1; every process started here is stopped here.

    python bench/ws_fanout.py [--clients 1000] [--rounds 3] [--storm 5000] [--port-base P]

Last line: one JSON object with clients, p50_ms, p99_ms, bare_p99_ms, ratio,
two_process_p99_ms (null without redis-server), and the storm's storm_clients,
storm_connected (open within 10 s), storm_connect_p50_ms, storm_connect_p99_ms,
storm_failures, storm_p99_ms, the same for the bare consumer (storm_bare_...) and
storm_ratio (our fan-out p99 over the bare one's).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
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
    redis_server,
    throwaway_database,
)

# Seconds between events: a 1,000-socket fan-out must be over before the next one starts,
# or the second is measured queued behind the first.
GAP_S = 6.0
# Every socket of a storm must be open within this many seconds (issue 17).
STORM_WINDOW_MS = 10_000
APP = os.environ.get("BENCH_APP", "bench.asgi_bench:application")


def run_clients(
    urls: list[str],
    triggers: list[str],
    rounds: int,
    *,
    storm: bool = False,
    servers: DaphneProcesses | None = None,
) -> dict[str, Any]:
    """Open every socket (in waves, or all at once for a storm), fire each trigger in turn
    ``rounds`` times; the connect report, the servers' CPU seconds while connecting, and
    the delays (ms) by kind."""
    cpu_before = servers.cpu_seconds() if servers else 0.0
    client = subprocess.Popen(
        [*node_client("ws_client.mjs"), "180000", str(rounds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **({"WS_WAVE": "0"} if storm else {})},
    )
    assert client.stdin and client.stdout
    client.stdin.write("".join(json.dumps(url) + "\n" for url in urls))
    client.stdin.close()
    connected = json.loads(client.stdout.readline())
    server_cpu_s = (servers.cpu_seconds() - cpu_before) if servers else 0.0
    if not storm and connected["open"] < len(urls):
        client.kill()
        raise RuntimeError(f"load client did not open every socket: {connected['closeCodes']}")
    time.sleep(1.0)
    if connected["open"]:
        for _ in range(rounds):
            for trigger in triggers:
                urllib.request.urlopen(urllib.request.Request(trigger, method="POST"), timeout=60)
                time.sleep(GAP_S)  # let one fan-out finish before the next starts
    result = json.loads(client.stdout.readline())
    client.wait(timeout=30)
    delays = {kind: [float(d) for d in values] for kind, values in result["delays"].items()}
    return {"connected": connected, "delays": delays, "server_cpu_s": server_cpu_s}


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def prepare_users(count: int) -> tuple[list[int], int]:
    """``count`` community staff of one community (each socket joins two groups)."""
    from grids.models import Community, District, Role, RoleGrant, User

    district = District.objects.create(code="BENCH", name="基准区")
    community = Community.objects.create(district=district, code="BENCH-C", name="基准社区")
    User.objects.bulk_create(User(username=f"bench{i}") for i in range(count))
    bench_users = User.objects.filter(username__startswith="bench").order_by("pk")
    users = list(bench_users.values_list("pk", flat=True))
    RoleGrant.objects.bulk_create(
        RoleGrant(user_id=pk, role=Role.COMMUNITY_STAFF, community=community) for pk in users
    )
    return users, community.pk


def ticket_urls(users: list[int], ports: list[int], last_event_id: int | None = None) -> list[str]:
    """One ticket URL per user, through the real ``ws_ticket_issue``, spread over ports."""
    from django.conf import settings

    from config.realtime.tickets import ws_ticket_issue
    from grids.models import User

    # Issuing thousands of tickets takes longer than a ticket's minute; only the issuing
    # side (this process) reads the lifetime, the servers check the stored expiry.
    settings.WS_TICKET_TTL_SECONDS = 900
    resume = f"&last_event_id={last_event_id}" if last_event_id is not None else ""
    urls = []
    for index, user in enumerate(User.objects.filter(pk__in=users).order_by("pk")):
        ticket, _ = ws_ticket_issue(user=user)
        port = ports[index % len(ports)]
        urls.append(f"ws://127.0.0.1:{port}/ws/v1/events/?ticket={ticket}{resume}")
    return urls


def summary(name: str, delays: list[float]) -> dict[str, Any]:
    return {
        "scenario": name,
        "received": len(delays),
        "p50_ms": round(statistics.median(delays), 1) if delays else None,
        "p99_ms": round(percentile(delays, 0.99), 1) if delays else None,
    }


def storm_summary(name: str, run: dict[str, Any], kind: str, clients: int) -> dict[str, Any]:
    connected = run["connected"]
    connect_ms = [float(ms) for ms in connected["connect_ms"]]
    delays = run["delays"].get(kind, [])
    return {
        **summary(name, delays),
        "clients": clients,
        "connected": sum(1 for ms in connect_ms if ms <= STORM_WINDOW_MS),
        "open": connected["open"],
        "failures": connected["failed"] + connected["pending"],
        "close_codes": connected["closeCodes"],
        "connect_p50_ms": round(statistics.median(connect_ms), 1) if connect_ms else None,
        "connect_p99_ms": round(percentile(connect_ms, 0.99), 1) if connect_ms else None,
        "server_cpu_s": round(run["server_cpu_s"], 2),
        "client_cpu_s": round(connected["cpu_ms"] / 1000, 2),
    }


def storm(
    env: dict[str, str], users: list[int], group: str, redis_url: str, ports: list[int]
) -> list[dict[str, Any]]:
    """The bare consumer, then our stack, each taking every socket in the same instant."""
    from config.realtime.models import Event

    with DaphneProcesses({**env, "REDIS_URL": redis_url}, ports, APP) as servers:
        first = servers.ports[0]
        bare_urls = [f"ws://127.0.0.1:{servers.ports[i % 2]}/ws/bare/" for i in range(len(users))]
        bare_trigger = f"http://127.0.0.1:{first}/bench/bare?group=bare"
        bare = run_clients(bare_urls, [bare_trigger], 1, storm=True, servers=servers)
        last_event_id = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        seam_urls = ticket_urls(users, servers.ports, last_event_id=last_event_id)
        time.sleep(3.0)  # the bare sockets' disconnects are over
        trigger = f"http://127.0.0.1:{first}/bench/publish?group={group}"
        seam = run_clients(seam_urls, [trigger], 1, storm=True, servers=servers)
    return [
        storm_summary("storm: bare consumer, 2 processes", bare, "bare", len(users)),
        storm_summary("storm: SafeGrid seam, 2 processes", seam, "seam", len(users)),
    ]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--storm", type=int, default=5000, help="sockets at once; 0: none")
    parser.add_argument(
        "--port-base", type=int, default=0, help="first of 4 ports to use (default: free ones)"
    )
    return parser.parse_args()


def print_tables(rows: list[dict[str, Any]], storms: list[dict[str, Any]]) -> None:
    print(f"{'scenario':<40}{'received':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for row in rows:
        print(f"{row['scenario']:<40}{row['received']:>10}{row['p50_ms']!s:>10}"
              f"{row['p99_ms']!s:>10}")  # fmt: skip
    if storms:
        print(f"\n{'storm':<36}{'sockets':>8}{'≤10 s':>7}{'failed':>7}{'conn p50':>9}"
              f"{'conn p99':>9}{'event p99':>10}{'server cpu s':>13}"
              f"{'client cpu s':>13}")  # fmt: skip
        for row in storms:
            print(f"{row['scenario']:<36}{row['clients']:>8}{row['connected']:>7}"
                  f"{row['failures']:>7}{row['connect_p50_ms']!s:>9}"
                  f"{row['connect_p99_ms']!s:>9}{row['p99_ms']!s:>10}"
                  f"{row['server_cpu_s']:>13}{row['client_cpu_s']:>13}")  # fmt: skip


def main() -> None:
    args = parse_args()
    raise_open_files_limit()
    env = {
        **os.environ,
        "SAFEGRID_TESTING": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    rows: list[dict[str, Any]] = []
    storms: list[dict[str, Any]] = []
    with throwaway_database("ws_fanout.py") as vendor, redis_server() as redis_url:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        django_setup(env)
        users, community = prepare_users(max(args.clients, args.storm))
        from grids.audiences import community_staff_group

        group = community_staff_group(community)
        ports = ports_from(args.port_base, 4)
        # Bare and seam share one Daphne process and alternate events, so both are
        # measured under the same load on this shared, noisy machine.
        with DaphneProcesses(env, ports[:1], APP) as servers:
            port = servers.ports[0]
            urls = [f"ws://127.0.0.1:{port}/ws/bare/"] * args.clients
            urls += ticket_urls(users[: args.clients], servers.ports)
            triggers = [
                f"http://127.0.0.1:{port}/bench/bare?group=bare",
                f"http://127.0.0.1:{port}/bench/publish?group={group}",
            ]
            one = run_clients(urls, triggers, args.rounds)["delays"]
            rows.append(summary("bare consumer, 1 process", one.get("bare", [])))
            rows.append(summary("SafeGrid seam, 1 process", one.get("seam", [])))
        if redis_url:
            with DaphneProcesses({**env, "REDIS_URL": redis_url}, ports[1:3], APP) as servers:
                trigger = f"http://127.0.0.1:{servers.ports[0]}/bench/publish?group={group}"
                two_urls = ticket_urls(users[: args.clients], servers.ports)
                two = run_clients(two_urls, [trigger], args.rounds)["delays"]
                rows.append(summary("SafeGrid seam, 2 processes + Redis", two.get("seam", [])))
            if args.storm:
                storms = storm(env, users[: args.storm], group, redis_url, ports[2:4])

    print_tables(rows, storms)
    bare_row, seam_row = rows[0], rows[1]
    figures: dict[str, Any] = {
        "database": vendor,
        "clients": args.clients,
        "rounds": args.rounds,
        "p50_ms": seam_row["p50_ms"],
        "p99_ms": seam_row["p99_ms"],
        "bare_p50_ms": bare_row["p50_ms"],
        "bare_p99_ms": bare_row["p99_ms"],
        "ratio": round(seam_row["p99_ms"] / bare_row["p99_ms"], 3)
        if seam_row["p99_ms"] and bare_row["p99_ms"]
        else None,
        "two_process_p50_ms": rows[2]["p50_ms"] if len(rows) > 2 else None,
        "two_process_p99_ms": rows[2]["p99_ms"] if len(rows) > 2 else None,
        "received": seam_row["received"],
        "expected": args.clients * args.rounds,
    }
    if storms:
        bare_storm, seam_storm = storms
        for prefix, row in (("storm", seam_storm), ("storm_bare", bare_storm)):
            figures.update(
                {
                    f"{prefix}_connected": row["connected"],
                    f"{prefix}_connect_p50_ms": row["connect_p50_ms"],
                    f"{prefix}_connect_p99_ms": row["connect_p99_ms"],
                    f"{prefix}_failures": row["failures"],
                    f"{prefix}_received": row["received"],
                    f"{prefix}_p50_ms": row["p50_ms"],
                    f"{prefix}_p99_ms": row["p99_ms"],
                    f"{prefix}_server_cpu_s": row["server_cpu_s"],
                    f"{prefix}_client_cpu_s": row["client_cpu_s"],
                }
            )
        figures["storm_clients"] = args.storm
        figures["storm_ratio"] = (
            round(seam_storm["p99_ms"] / bare_storm["p99_ms"], 3)
            if seam_storm["p99_ms"] and bare_storm["p99_ms"]
            else None
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
