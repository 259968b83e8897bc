"""Websocket fan-out: one event to every connected client, delivery latency p50/p99.

Compares, in the same run and on the same machine:
- bare:    a bare Channels consumer doing a plain group_send (1 Daphne, in-memory layer);
- seam:    our stack (ticket auth, group per audience, event log, after-commit hand-off,
           per-event audience check) on 1 Daphne with the in-memory layer;
- two:     our stack on 2 Daphne processes behind a real Redis (clients split in half,
           the event published in the first process).
The load client is Node's built-in WebSocket (bench/ws_client.mjs), not Python, so that
the client is not the bottleneck. Traffic stays on 127.0.0.1; every process started here
is stopped here.

    python bench/ws_fanout.py [--clients 1000] [--rounds 3]

Last line: one JSON object with clients, p50_ms, p99_ms, bare_p99_ms, ratio,
two_process_p99_ms (null when no redis-server is available).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Seconds between events: a 1,000-socket fan-out must be over before the next one starts,
# or the second is measured queued behind the first.
GAP_S = 6.0
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Stack:
    """Daphne processes (and Redis) started for one scenario, stopped on exit."""

    def __init__(self, env: dict[str, str], processes: int, redis_url: str = ""):
        self.env = {**env, **({"REDIS_URL": redis_url} if redis_url else {})}
        self.ports = [free_port() for _ in range(processes)]
        self.children: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Stack:
        for port in self.ports:
            command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            self.children.append(
                subprocess.Popen(
                    [*command, os.environ.get("BENCH_APP", "bench.asgi_bench:application")],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(os.environ.get("BENCH_LOG", os.devnull), "ab"),
                )
            )
        for port in self.ports:
            wait_for_port(port)
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            child.wait(timeout=20)


def run_clients(urls: list[str], triggers: list[str], rounds: int) -> dict[str, list[float]]:
    """Open every socket, fire each trigger in turn ``rounds`` times; delays (ms) by kind."""
    client = subprocess.Popen(
        [
            "node",
            "--experimental-websocket",
            str(ROOT / "bench" / "ws_client.mjs"),
            "120000",
            str(rounds),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert client.stdin and client.stdout
    client.stdin.write("".join(json.dumps(url) + "\n" for url in urls))
    client.stdin.close()
    ready = client.stdout.readline().strip()
    if ready != "READY":
        client.kill()
        raise RuntimeError(f"load client did not open every socket: {ready[:200]}")
    time.sleep(1.0)  # let every consumer finish joining its groups
    for _ in range(rounds):
        for trigger in triggers:
            urllib.request.urlopen(urllib.request.Request(trigger, method="POST"), timeout=30)
            time.sleep(GAP_S)  # let one fan-out finish before the next starts
    result = json.loads(client.stdout.readline())
    client.wait(timeout=30)
    return {kind: [float(d) for d in values] for kind, values in result["delays"].items()}


def prepare_database(env: dict[str, str], clients: int) -> tuple[list[int], int]:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from grids.models import Community, District, Role, RoleGrant, User

    district = District.objects.create(code="BENCH", name="基准区")
    community = Community.objects.create(district=district, code="BENCH-C", name="基准社区")
    User.objects.bulk_create(User(username=f"bench{i}") for i in range(clients))
    users = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    RoleGrant.objects.bulk_create(
        RoleGrant(user_id=pk, role=Role.COMMUNITY_STAFF, community=community) for pk in users
    )
    return users, community.pk


def ticket_urls(users: list[int], ports: list[int]) -> list[str]:
    from config.realtime.tickets import ws_ticket_issue
    from grids.models import User

    urls = []
    for index, user in enumerate(User.objects.filter(pk__in=users).order_by("pk")):
        ticket, _ = ws_ticket_issue(user=user)
        port = ports[index % len(ports)]
        urls.append(f"ws://127.0.0.1:{port}/ws/v1/events/?ticket={ticket}")
    return urls


def start_redis() -> tuple[subprocess.Popen[bytes] | None, str]:
    if os.environ.get("REDIS_URL"):
        return None, os.environ["REDIS_URL"]
    server = shutil.which("redis-server")
    if server is None:
        return None, ""
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process, f"redis://127.0.0.1:{port}/0"


def summary(name: str, delays: list[float]) -> dict[str, Any]:
    return {
        "scenario": name,
        "received": len(delays),
        "p50_ms": round(statistics.median(delays), 1) if delays else None,
        "p99_ms": round(percentile(delays, 0.99), 1) if delays else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    work = Path(tempfile.mkdtemp(prefix="safegrid-ws-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "SAFEGRID_TESTING": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    redis_process, redis_url = start_redis()
    try:
        users, community = prepare_database(env, args.clients)
        group = f"community.{community}.staff"
        rows = []
        # Bare and seam share one Daphne process and alternate events, so both are
        # measured under the same load on this shared, noisy machine.
        with Stack(env, 1) as stack:
            port = stack.ports[0]
            urls = [f"ws://127.0.0.1:{port}/ws/bare/"] * args.clients
            urls += ticket_urls(users, stack.ports)
            triggers = [
                f"http://127.0.0.1:{port}/bench/bare?group=bare",
                f"http://127.0.0.1:{port}/bench/publish?group={group}",
            ]
            one = run_clients(urls, triggers, args.rounds)
            rows.append(summary("bare consumer, 1 process", one.get("bare", [])))
            rows.append(summary("SafeGrid seam, 1 process", one.get("seam", [])))
        if redis_url:
            with Stack(env, 2, redis_url) as stack:
                trigger = f"http://127.0.0.1:{stack.ports[0]}/bench/publish?group={group}"
                two = run_clients(ticket_urls(users, stack.ports), [trigger], args.rounds)
                rows.append(summary("SafeGrid seam, 2 processes + Redis", two.get("seam", [])))
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'scenario':<40}{'received':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for row in rows:
        print(f"{row['scenario']:<40}{row['received']:>10}{row['p50_ms']:>10}{row['p99_ms']:>10}")
    bare_row, seam_row = rows[0], rows[1]
    figures = {
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
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
