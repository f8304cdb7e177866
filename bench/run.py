"""Run every bench/bench_*.py on a throwaway database and print the figures (make bench)."""

import importlib.util
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import yardstick  # noqa: E402


def database_url() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    import testdb

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = testdb.DEFAULT
    try:
        import psycopg

        server, _, name = url.rpartition("/")
        # Several people may bench on one server: DATABASE_URL's own name keeps their databases apart.
        bench = "parcours_bench" if name in ("", "parcours") else f"{name}_bench"
        admin = server + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {bench} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {bench}")
        return f"{server}/{bench}"
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL unreachable ({type(exc).__name__}): benchmarks run on SQLite.")
        path = ROOT / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"


def main() -> int:
    os.environ["DATABASE_URL"] = database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    results = []
    refused: list[str] = []

    def report(name, value, unit, target=None):
        ok = "" if target is None else ("  OK" if target(value) else "  MISSES TARGET")
        print(f"  {name:<58} {value:>12,.1f} {unit}{ok}")
        results.append({"name": name, "value": value, "unit": unit})

    # A bench that finds the machine too busy (bench_load: load average above 1.5) says why: the
    # figures are still printed and saved, in a file named so that nobody publishes them.
    report.refuse = refused.append

    only = set(sys.argv[1:])
    print(f"Parcours benchmarks on {connection.vendor} — {platform.node()}, {os.cpu_count()} cores")
    # The machine's speed today (bench/timing.py): figures of two days compare once scaled by it.
    report("machine yardstick at start (pure Python, best of 5)", yardstick(), "ms")
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"\n{path.stem}: {module.__doc__.strip().splitlines()[0]}")
        started = time.perf_counter()
        module.run(report)
        print(f"  ({time.perf_counter() - started:.1f} s)")
    report("machine yardstick at end (pure Python, best of 5)", yardstick(), "ms")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "-NOT-PUBLISHABLE" if refused else ""
    (out / f"{stamp}-{connection.vendor}{suffix}.json").write_text(
        json.dumps({"refused": refused, "results": results} if refused else results, indent=2)
    )
    for reason in refused:
        print(f"\nNOT PUBLISHABLE: {reason}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
