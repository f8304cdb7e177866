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


def database_url() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    import testdb

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = testdb.DEFAULT
    try:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        # PARCOURS_BENCH_DB lets engineers sharing one server bench side by side.
        name = os.environ.get("PARCOURS_BENCH_DB", "parcours_bench")
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.rsplit("/", 1)[0] + "/" + name
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

    def report(name, value, unit, target=None):
        ok = "" if target is None else ("  OK" if target(value) else "  ABOVE TARGET")
        print(f"  {name:<58} {value:>12,.1f} {unit}{ok}")
        results.append({"name": name, "value": value, "unit": unit})

    only = set(sys.argv[1:])
    print(f"Parcours benchmarks on {connection.vendor} — {platform.node()}, {os.cpu_count()} cores")
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
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"{stamp}-{connection.vendor}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
