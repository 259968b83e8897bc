"""`make bench`: every benchmark under bench/ at a size that finishes in minutes.

Each benchmark runs standalone and prints its JSON figures as its last line; this runner
collects those lines into bench/results/latest.json and prints them. PostgreSQL-only
benchmarks get a throw-away cluster on a loopback port when PostgreSQL's binaries are
installed and DATABASE_URL is not set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (script, arguments, needs PostgreSQL)
BENCHMARKS: list[tuple[str, list[str], bool]] = [
    ("partition.py", ["--size", "25000000", "--db", "--pg-orm"], False),
    ("repartition.py", ["--communities", "20", "--changes", "3"], False),
    ("ws_fanout.py", ["--clients", "1000", "--rounds", "3", "--storm", "5000"], True),
    ("hazard_list.py", ["--hazards", "1000000"], True),
    ("photo.py", ["--megapixels", "12"], False),
    ("redemption.py", [], True),
    ("dashboard.py", ["--residents", "25000000", "--hazards", "1000000"], True),
    ("load.py", ["--residents", "20000", "--duration", "60", "--sockets", "1000"], True),
]

# Run on SQLite, and on PostgreSQL too when there is one (in a database of their own).
USES_POSTGRES_TOO = {"partition.py"}


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temp folder on a loopback port, stopped afterwards."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield os.environ["DATABASE_URL"]
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins:
        yield ""
        return
    pg_bin = bins[-1]
    work = Path(tempfile.mkdtemp(prefix="safegrid-bench-pg-"))
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    port = "55999"
    subprocess.run(
        [
            *as_pg,
            str(pg_bin / "initdb"),
            "-D",
            str(work / "pg"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c max_connections=300"
    subprocess.run(
        [
            *as_pg,
            str(pg_bin / "pg_ctl"),
            "-D",
            str(work / "pg"),
            "-l",
            str(work / "pg.log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [*as_pg, str(pg_bin / "pg_ctl"), "-D", str(work / "pg"), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(work, ignore_errors=True)


def run(script: str, args: list[str], env: dict[str, str]) -> dict[str, object] | None:
    path = ROOT / "bench" / script
    if not path.exists():
        print(f"-- {script}: not present, skipped")
        return None
    print(f"== {script} {' '.join(args)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(path), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(result.stdout, end="")
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return {"error": f"exit {result.returncode}"}
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    figures = json.loads(lines[-1])
    figures["wall_s"] = round(time.monotonic() - started, 1)
    return figures


def main() -> None:
    results: dict[str, object] = {}
    with throwaway_postgres() as postgres_url:
        for script, args, needs_postgres in BENCHMARKS:
            env = dict(os.environ)
            if script in USES_POSTGRES_TOO and postgres_url:
                env["DATABASE_URL"] = postgres_url.rsplit("/", 1)[0] + "/bench_partition"
            if needs_postgres:
                if not postgres_url:
                    print(f"-- {script}: needs PostgreSQL, none installed; skipped")
                    continue
                env["DATABASE_URL"] = postgres_url
            figures = run(script, args, env)
            if figures is not None:
                results[script.removesuffix(".py")] = figures
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
