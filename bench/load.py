"""Tools of the load test: bench accounts with TOTP devices, a real server on loopback, locust headless.

Used by bench/bench_load.py (`make bench`) and tests/project/test_load.py (the smoke test). Traffic goes to
127.0.0.1 only, bounded in time (`seconds`) and in requests (`max_tasks_per_user` per virtual user).

    # with DATABASE_URL (and DJANGO_SETTINGS_MODULE) set:
    python bench/load.py prepare PLAN.json --handlers 6 --workers 6
    python bench/load.py mark MARK.json         # the last allocation and request before the load
    python bench/load.py reset MARK.json        # tonight's places given by the load, free again
    python bench/load.py attach --per-worker 300  # generated households followed by the bench workers

Figures are published only from a quiet machine: the 1-minute load average at the start and at the
end of a run must be at most MAX_LOAD, else the bench prints them as not publishable. Both are read by
`settle()`, which first waits (up to SETTLE_SECONDS) for the machine to come back to rest: at the end
of a saturating step the load test's own threads hold the average above 2 for a minute or two, and
it falls below MAX_LOAD in about two minutes when nothing else runs; it stays above when something
else does.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess  # nosec B404 # starts our own server and locust with argument lists
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
BENCH_PREFIX = "bench-load-"
FLOOR = "floor: /healthz"  # bench/locustfile.py's cheapest page, the yardstick of the others
MAX_LOAD = 1.5  # the 1-minute load average above which figures are not published
# The bench's processes hash and check passwords as production does (config/settings/base.py), not
# with the tests' fast hasher: a login costs what it costs.
PRODUCTION_HASHERS = {"PARCOURS_PRODUCTION_HASHERS": "true"}


SETTLE_SECONDS = int(os.environ.get("PARCOURS_LOAD_SETTLE", "240"))


def load_average() -> float:
    """The machine's 1-minute load average."""
    return os.getloadavg()[0]


def settle(limit: float = MAX_LOAD, wait: float | None = None, *, poll: float = 5.0) -> float:
    """The 1-minute load average once it is at most `limit`, or after `wait` seconds (SETTLE_SECONDS)
    if it never gets there: the bench's own work (the data it generates, the previous step) must not
    count as another's."""
    deadline = time.monotonic() + (SETTLE_SECONDS if wait is None else wait)
    value = load_average()
    while value > limit and time.monotonic() < deadline:
        time.sleep(poll)
        value = load_average()
    return value


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each live process (those gone or unreadable are left out)."""
    import psutil

    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        seconds[pid] = times.user + times.system
    return seconds


def server_pids(pid: int) -> list[int]:
    """gunicorn's arbiter and its workers."""
    import psutil

    try:
        return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


def database_pids(database_url: str, conn=None) -> list[int]:
    """The PostgreSQL backends serving the bench database (persistent connections: they live as long
    as the server's threads), read from pg_stat_activity (through `conn`, a connection to the server's
    `postgres` database, when given)."""
    import psycopg

    server, _, name = database_url.rpartition("/")
    query = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
    if conn is not None:
        return [row[0] for row in conn.execute(query, [name]).fetchall()]
    with psycopg.connect(f"{server}/postgres", connect_timeout=3) as admin:
        return [row[0] for row in admin.execute(query, [name]).fetchall()]


def reaped_seconds(pid: int) -> float:
    """User + system CPU seconds of the children `pid` has waited for (0 if it is gone)."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
    return times.children_user + times.children_system


@dataclass
class CpuMeter:
    """CPU seconds spent by the app's processes and by the database's backends between start() and
    stop(): divided by the requests served, the CPU cost of a request on each side.

    No process's CPU is lost when it ends during the measure. gunicorn recycles a worker after
    max_requests (config/gunicorn.conf.py: about 5,000, reached within a few steps of a run): the
    arbiter waits for the worker it stopped, and the kernel adds the worker's whole CPU to the
    arbiter's children's times, so the app's CPU is that of the live processes plus what the arbiter
    reaped meanwhile, less what the reaped workers had already spent at start(). A PostgreSQL backend
    ends with its connection (a recycled worker's, or one older than CONN_MAX_AGE); the postmaster
    reaps every database's backends, so the backends of the bench database are read every `interval`
    seconds instead, and each one's last reading kept: at most `interval` of a closing backend's CPU
    is missed (a connection's end costs little)."""

    server_pid: int
    database_url: str | None
    interval: float = 1.0
    app: float = 0.0
    database: float = 0.0
    _before: dict = field(default_factory=dict)
    _reaped: float = 0.0
    _first: dict = field(default_factory=dict)
    _last: dict = field(default_factory=dict)
    _done: threading.Event = field(default_factory=threading.Event)
    _sampler: threading.Thread | None = None

    def start(self) -> None:
        self._before = cpu_seconds(server_pids(self.server_pid))
        self._reaped = reaped_seconds(self.server_pid)
        if self.database_url:
            self._sample(initial=True)
            self._sampler = threading.Thread(target=self._sample_until_done, daemon=True)
            self._sampler.start()

    def _sample(self, *, conn=None, initial: bool = False) -> None:
        readings = cpu_seconds(database_pids(self.database_url, conn))
        for pid, seconds in readings.items():
            # A backend that appears after start() spent all its CPU during the measure.
            self._first.setdefault(pid, seconds if initial else 0.0)
        self._last.update(readings)

    def _sample_until_done(self) -> None:
        import psycopg

        server = self.database_url.rpartition("/")[0]
        with psycopg.connect(f"{server}/postgres", connect_timeout=3, autocommit=True) as conn:
            while not self._done.wait(self.interval):
                self._sample(conn=conn)
            self._sample(conn=conn)

    def stop(self) -> None:
        app = cpu_seconds(server_pids(self.server_pid))
        reaped = reaped_seconds(self.server_pid) - self._reaped
        gone = sum(v for pid, v in self._before.items() if pid not in app)
        self.app = sum(v - self._before.get(pid, 0.0) for pid, v in app.items()) + reaped - gone
        if self._sampler is not None:
            self._done.set()
            self._sampler.join()
            self.database = sum(v - self._first[pid] for pid, v in self._last.items())


def prepare(handlers: int, workers: int, *, seed: int = 9) -> dict:
    """Create (or renew) the bench accounts and return the plan locust reads.

    Call handlers join the organisation of an existing call handler; social workers are spread over
    the organisations that already have social workers (the demo's association and, at scale, the
    generator's), so that each one sees the households of a real caseload. Each account gets a fresh
    random password and a confirmed TOTP device whose key only the plan holds; the names to type in
    searches are the demo's lists of common names (no person of the database is copied).
    """
    import random

    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.accounts.models import Membership, User
    from parcours.accounts.roles import Role
    from parcours.demo import names

    rng = random.Random(seed)
    plan = {"accounts": {}, "users": {"call_handler": handlers, "social_worker": workers}}
    wanted = {Role.CALL_HANDLER: handlers, Role.SOCIAL_WORKER: workers}
    with transaction.atomic():
        for role, count in wanted.items():
            organizations = list(
                Membership.objects.filter(role=role)
                .exclude(user__username__startswith=BENCH_PREFIX)
                .order_by("organization_id")
                .values_list("organization_id", flat=True)
                .distinct()
            )
            if count and not organizations:
                raise RuntimeError(f"No organisation has a {role} to join: seed the demo first.")
            accounts = []
            for i in range(count):
                username = f"{BENCH_PREFIX}{role.replace('_', '-')}-{i + 1}"
                password = secrets.token_urlsafe(18)
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User.objects.create_user(
                        username=username, password=password, first_name="Banc", last_name=f"Charge {i + 1}"
                    )
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                Membership.objects.get_or_create(
                    user=user, organization_id=organizations[i % len(organizations)], role=role
                )
                TOTPDevice.objects.filter(user=user).delete()
                device = TOTPDevice.objects.create(user=user, name="banc d'essai", confirmed=True)
                accounts.append({"username": username, "password": password, "totp_key": device.key})
            plan["accounts"][str(role)] = accounts
    last = sorted({n for origin in names.ORIGINS for n in origin.last})
    first = sorted({n for origin in names.ORIGINS for n in origin.male + origin.female})
    plan["names"] = {
        "last": rng.sample(last, min(60, len(last))),
        "first": rng.sample(first, min(200, len(first))),
    }
    return plan


def mark() -> dict:
    """The last night allocation and emergency request before a load run."""
    from parcours.emergency.models import EmergencyRequest, NightAllocation

    last = {"allocation": NightAllocation.objects.order_by("-pk").values_list("pk", flat=True).first()}
    last["request"] = EmergencyRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {key: value or 0 for key, value in last.items()}


def reset(marked: dict) -> int:
    """Tonight's places given during a run are free again, and the requests the run recorded are gone,
    so that the next run allocates for real instead of finding every place taken."""
    from django.db import transaction

    from parcours.emergency.models import EmergencyRequest, NightAllocation

    with transaction.atomic():
        freed, _ = NightAllocation.objects.filter(pk__gt=marked["allocation"]).delete()
        EmergencyRequest.objects.filter(pk__gt=marked["request"]).delete()
    return freed


def attach(per_worker: int) -> int:
    """The newest households (the generator's) get the bench's social workers as referents, each in
    the worker's organisation: the large run then changes the pages these workers read (their
    caseload, their search), instead of leaving them on the demo's households."""
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import Role
    from parcours.households.models import Household

    memberships = Membership.objects.filter(
        role=Role.SOCIAL_WORKER, user__username__startswith=BENCH_PREFIX
    ).order_by("user__username")
    attached = 0
    taken: set[int] = set()
    for membership in memberships:
        ids = list(
            Household.objects.exclude(pk__in=taken)
            .exclude(referent__username__startswith=BENCH_PREFIX)
            .order_by("-pk")
            .values_list("pk", flat=True)[:per_worker]
        )
        taken.update(ids)
        attached += Household.objects.filter(pk__in=ids).update(
            referent_id=membership.user_id, referent_organization_id=membership.organization_id
        )
    return attached


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    pid: int


@contextmanager
def server(database_url: str, *, workers: int | None = None, threads: int | None = None):
    """gunicorn on 127.0.0.1:<free port> with the test settings and production's password hashers;
    yields a Server (base URL, arbiter's pid), stops it after. Processes and threads are production's
    (config/gunicorn.conf.py: one process per core, its threads) unless given."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        # The production defaults (config/gunicorn.conf.py, persistent connections), not the tests'.
        "PARCOURS_BIND": f"127.0.0.1:{port}",
        "PARCOURS_CONN_MAX_AGE": "60",
        "PARCOURS_DURABLE_COMMITS": "true",  # not the test database's synchronous_commit=off
        **PRODUCTION_HASHERS,
        "PARCOURS_ACCESS_LOG": "/dev/null",
    }
    for name, value in (("WEB_CONCURRENCY", workers), ("PARCOURS_THREADS", threads)):
        if value is not None:  # else config/gunicorn.conf.py's own default (or the environment's)
            env[name] = str(value)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config=config/gunicorn.conf.py",
        "--log-level=warning",
        "config.wsgi:application",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310  # nosec B310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bench server did not start") from None
                time.sleep(0.3)
        yield Server(url=url, pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Page:
    name: str
    method: str
    requests: int
    failures: int
    p50: float
    p95: float
    rps: float


def _percentile(histogram: dict[int, int], q: float) -> float:
    """As locust does: the smallest recorded (rounded) time with at least q of the requests under it."""
    count = sum(histogram.values())
    if not count:
        return 0.0
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= q * count:
            return float(value)
    return float(max(histogram))


def _page(name: str, method: str, entries: list[dict]) -> Page:
    histogram: dict[int, int] = {}
    for entry in entries:
        for value, n in entry["response_times"].items():
            histogram[int(float(value))] = histogram.get(int(float(value)), 0) + n
    requests = sum(e["num_requests"] for e in entries)
    starts = [e["start_time"] for e in entries if e["num_requests"]]
    ends = [e["last_request_timestamp"] for e in entries if e["num_requests"]]
    span = (max(ends) - min(starts)) if starts else 0
    return Page(
        name=name,
        method=method,
        requests=requests,
        failures=sum(e["num_failures"] for e in entries),
        p50=_percentile(histogram, 0.50),
        p95=_percentile(histogram, 0.95),
        rps=requests / span if span > 0 else 0.0,
    )


@dataclass
class Result:
    pages: list[Page]
    total: Page
    failures: list[str] = field(default_factory=list)
    outcomes: dict = field(default_factory=dict)
    seconds: float = 0.0
    # CPU seconds of locust's own process while its statistics ran (from the end of the warm-up):
    # the load generator shares the cores with the server and PostgreSQL.
    locust_cpu: float = 0.0


def run_locust(
    url: str, plan: dict, *, seconds: int, max_tasks_per_user: int = 200, on_measure=None
) -> Result:
    """Run the scenario headless against `url` (loopback only) and read its final JSON statistics.

    `on_measure()` is called once locust's statistics start (after the plan's warm-up): a CpuMeter
    started there counts the CPU of the same requests as the statistics."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("The load test targets this machine's loopback only.")
    users = sum(plan["users"].values())
    with tempfile.TemporaryDirectory(prefix="parcours-load-") as tmp:
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps({**plan, "max_tasks_per_user": max_tasks_per_user}))
        env = {
            **os.environ,
            "PARCOURS_LOAD_PLAN": str(plan_path),
            "PARCOURS_LOAD_OUTCOMES": str(Path(tmp) / "outcomes.json"),
            "PARCOURS_LOAD_MEASURING": str(Path(tmp) / "measuring"),
        }
        command = [
            sys.executable,
            "-m",
            "locust",
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            url,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--json-file",
            str(Path(tmp) / "stats"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        started = time.perf_counter()
        with open(Path(tmp) / "locust.log", "w", encoding="utf-8") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603  # nosec B603
            _wait(process, Path(env["PARCOURS_LOAD_MEASURING"]), on_measure, timeout=seconds + 60)
        elapsed = time.perf_counter() - started
        stats_path = Path(tmp) / "stats.json"
        if not stats_path.exists():
            raise RuntimeError(
                "locust gave no statistics:\n" + (Path(tmp) / "locust.log").read_text()[-3000:]
            )
        entries = json.loads(stats_path.read_text())
        pages = [_page(e["name"], e["method"], [e]) for e in entries]
        total = _page("Aggregated", "", entries)
        report_path = Path(tmp) / "outcomes.json"
        if not report_path.exists():
            raise RuntimeError("locust ended early:\n" + (Path(tmp) / "locust.log").read_text()[-3000:])
        ended = json.loads(report_path.read_text())
        failures = ended["errors"] + ended["exceptions"]
        if ended["exit_code"] not in (0, 1):  # 1: requests failed, listed above; 2: a user crashed
            failures.append(f"locust exited with {ended['exit_code']}")
    return Result(
        pages=pages,
        total=total,
        failures=failures,
        outcomes=ended["outcomes"],
        seconds=elapsed,
        locust_cpu=ended.get("cpu_seconds", 0.0),
    )


def _wait(process, measuring: Path, on_measure, *, timeout: float) -> None:
    """Wait for locust to end (killed after `timeout`), calling `on_measure()` as soon as the file
    `measuring` appears: the locustfile writes it when its statistics start."""
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None:
            if on_measure is not None and measuring.exists():
                on_measure()
                on_measure = None
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(process.args, timeout)
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description="The load test's accounts, places and caseloads.")
    parser.add_argument("command", choices=["prepare", "mark", "reset", "attach"])
    parser.add_argument("out", nargs="?")
    parser.add_argument("--handlers", type=int, default=6)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--per-worker", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    if args.command == "prepare":
        Path(args.out).write_text(json.dumps(prepare(args.handlers, args.workers)))
    elif args.command == "mark":
        Path(args.out).write_text(json.dumps(mark()))
    elif args.command == "reset":
        print(f"{reset(json.loads(Path(args.out).read_text()))} places freed")
    else:
        print(f"{attach(args.per_worker)} households attached to the bench's social workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
