"""Server CPU of each page of the load test, as a multiple of the floor (issue 18: each ≤ 3×).

The floor is a trivial authenticated page through the whole middleware stack (session, CSRF, login,
second factor, active membership, security headers…) that answers a few bytes without a template
(`bench.bench_pages.floor`, mounted beside the project's URLs only for this bench). Each page of the
load test (bench/locustfile.py) is then requested through the Django test client, as the demo's call
handler (« ecoutant ») or social worker (« travailleuse »), with the second factor verified, and its
CPU time in this process (`time.process_time`: Python, templates, the driver; not PostgreSQL's own
CPU) is taken over many requests: p50, and the ratio to the floor's p50. The writes (a new call saved,
a place allocated) run in a transaction rolled back after each request, so that every sample does
the same work. The number of SQL queries of each page is printed too.

On `make bench`'s throwaway database it seeds the demo, then adds PARCOURS_BENCH_PAGES_PEOPLE people
(100,000 by default, bench/generate_households.py; 0 to skip). Standalone, on a database already
seeded (`seed_demo`, then the generator), without dropping anything:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_pages_bench \\
        DJANGO_SETTINGS_MODULE=config.settings.test python bench/bench_pages.py [page name…]

PARCOURS_BENCH_PAGES_SAMPLES sets the requests per page (60 by default). PostgreSQL and SQLite.
"""

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 3.0
HOUSEHOLD = re.compile(r'href="/menages/(\d+)/"')
ASSESSMENT = re.compile(r'href="/menages/(\d+)/evaluations/(\d+)/"')
INSERTION_REQUEST = re.compile(r'href="/orientation/demandes/(\d+)/"')
EMERGENCY_REQUEST = re.compile(r'href="/115/demandes/(\d+)/"')
NIGHT = re.compile(r'name="night" value="(\d{4}-\d{2}-\d{2})"')
UNIT = re.compile(r'name="unit" value="(\d+)"|<option value="(\d+)">[^<]*\(\d+ places?\)</option>')


def floor(request):
    """The floor: authenticated, through every middleware, no query of its own, no template."""
    from django.http import HttpResponse

    return HttpResponse(b"ok", content_type="text/plain")


def layout(request):
    """The page layout alone (header, menu, membership switcher, footer) around an empty main."""
    from django.shortcuts import render

    return render(request, "base.html", {})


def _urlpatterns():
    from django.urls import path

    from config.urls import urlpatterns

    return [path("bench-floor/", floor), path("bench-layout/", layout), *urlpatterns]


urlpatterns = []  # filled by _install_urls() once Django is set up


def _install_urls():
    from django.conf import settings
    from django.urls import clear_url_caches

    import bench.bench_pages as module  # the same file, under the name Django's URL resolver imports

    module.urlpatterns[:] = _urlpatterns()
    settings.ROOT_URLCONF = "bench.bench_pages"
    clear_url_caches()


def _client(username):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parcours.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, name="bench-pages").first() or TOTPDevice.objects.create(
        user=user, name="bench-pages", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _p50(samples):
    return statistics.median(samples)


def _measure(fn, samples):
    from django.db import connection

    for _ in range(5):
        fn()
    statements = []  # counted by a wrapper: each request empties connection.queries when it starts

    def count(execute, sql, params, many, context):
        shown = sql
        if os.environ.get("PARCOURS_BENCH_PAGES_SQL") == "where":
            import traceback

            frames = [f for f in traceback.extract_stack() if "/parcours/" in f.filename]
            shown += "  <- " + " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames[-3:])
        statements.append(shown)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    if os.environ.get("PARCOURS_BENCH_PAGES_SQL"):
        for sql in statements:
            print("     ", sql[:90], sql[sql.find("  <- ") :] if "  <- " in sql else "")
    cpu, wall = [], []
    for _ in range(samples):
        c0, w0 = time.process_time(), time.perf_counter()
        own = fn()  # a float: the CPU seconds of the part measured (the allocation after its call)
        cpu.append((own if isinstance(own, float) else time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return _p50(cpu), _p50(wall), len(statements)


def _rolled_back(fn):
    from django.db import transaction

    def run():
        with transaction.atomic():
            response = fn()
            transaction.set_rollback(True)
        return response

    return run


def _get(client, path, expect=200):
    def fn():
        response = client.get(path)
        assert response.status_code == expect, (path, response.status_code)
        return response

    return fn


def _pages(worker, handler):
    """(name, callable) of each page of the load test, with the ids found as the locust users find them."""
    from django.utils.timezone import localdate

    from parcours.demo import names
    from parcours.households.models import Person

    pages = [("floor (trivial authenticated page)", _get(worker, "/bench-floor/"))]
    pages.append(("the layout around an empty page (not a target)", _get(worker, "/bench-layout/")))
    pages.append(("home page (social worker)", _get(worker, "/")))
    last = sorted({n for origin in names.ORIGINS for n in origin.last})[0]
    listing = worker.get("/menages/").content.decode()
    households = HOUSEHOLD.findall(listing)
    common = "Martin" if "Martin" in {n for o in names.ORIGINS for n in o.last} else last
    # The social worker searches a name among their own households (as the load test's users do):
    # a name they cannot see would measure an empty result.
    followed = Person.objects.filter(household_id__in=households[:1]).values_list("last_name", flat=True)
    searched = next(iter(followed), common)
    pages.append(("household search", _get(worker, f"/menages/?q={searched}")))
    pages.append(("household list", _get(worker, "/menages/")))
    if households:
        hid = households[0]
        pages.append(("household page", _get(worker, f"/menages/{hid}/")))
        pages.append(("assessments of a household", _get(worker, f"/menages/{hid}/evaluations/")))
        found = []
        # Assessments are rare among the generated households: look a few pages of the list further.
        for number in range(1, 6):
            listed = HOUSEHOLD.findall(worker.get(f"/menages/?page={number}").content.decode())
            for h in listed:
                found = ASSESSMENT.findall(worker.get(f"/menages/{h}/evaluations/").content.decode())
                if found:
                    break
            if found or not listed:
                break
        if found:
            pages.append(("assessment page", _get(worker, "/menages/{}/evaluations/{}/".format(*found[0]))))
    pages.append(("insertion requests list", _get(worker, "/orientation/demandes/")))
    ids = INSERTION_REQUEST.findall(worker.get("/orientation/demandes/").content.decode())
    if ids:
        pages.append(("insertion request page", _get(worker, f"/orientation/demandes/{ids[0]}/")))
    pages.append(("115 board", _get(handler, "/115/")))
    ids = EMERGENCY_REQUEST.findall(handler.get("/115/").content.decode())
    if ids:
        pages.append(("115 request page", _get(handler, f"/115/demandes/{ids[0]}/")))
    pages.extend(_after_a_booking(handler, ids))
    form = handler.get(f"/115/appels/nouveau/?q={common}")
    pages.append(("115 new call: household search", _get(handler, f"/115/appels/nouveau/?q={common}")))
    night = NIGHT.search(form.content.decode())
    night = night.group(1) if night else localdate().isoformat()
    data = {
        "outcome": "request",
        "flash_first_name": "Banc",
        "flash_last_name": "Essai Pages",
        "flash_sex": "X",
        "night": night,
        "persons": "1",
        "children": "0",
    }

    def save():
        response = handler.post("/115/appels/nouveau/", data)
        assert response.status_code == 302, response.status_code
        return response

    pages.append(("115 new call: save", _rolled_back(save)))

    def allocate():
        saved = handler.post("/115/appels/nouveau/", data, follow=True)
        match = re.search(r"/115/demandes/(\d+)/$", saved.redirect_chain[-1][0])
        units = [a or b for a, b in UNIT.findall(saved.content.decode())]
        assert match and units, "no free place tonight for the allocation"
        c0 = time.process_time()
        answer = handler.post(f"/115/demandes/{match.group(1)}/attribuer/", {"unit": units[0]}, follow=True)
        assert "Place attribuée" in answer.content.decode()
        return time.process_time() - c0

    pages.append(("115 allocation", _rolled_back(allocate)))
    return pages


def _after_a_booking(handler, ids):
    """The board and a request's page right after another call handler's booking (issue 18): a free
    unit of the département booked (a different one at each sample, in a transaction rolled back), so
    that the places cached before it are stale; only the page's CPU after the booking is counted."""
    from itertools import cycle

    from parcours.emergency import board
    from parcours.emergency.models import EmergencyRequest, NightAllocation
    from parcours.emergency.nights import current_night

    if not ids:
        return []
    night = current_night()
    # The handler's département: that of the requests its board lists.
    territory_id = EmergencyRequest.objects.get(pk=ids[0]).territory_id
    requests = EmergencyRequest.objects.filter(night=night, territory_id=territory_id, status="open")
    booker = (
        requests.exclude(allocations__night=night, allocations__status="booked")
        .exclude(pk=ids[0])
        .order_by("-pk")
        .first()
    )
    units = list(board.free_base(night=night, territory_id=territory_id).values_list("pk", flat=True))
    if booker is None or not units:
        return []
    rotation = cycle(units)

    def after(path):
        def fn():
            NightAllocation.objects.create(request=booker, unit_id=next(rotation), night=night)
            c0 = time.process_time()
            response = handler.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return time.process_time() - c0

        return _rolled_back(fn)

    return [
        ("115 board after a booking", after("/115/")),
        ("115 request page after a booking", after(f"/115/demandes/{ids[0]}/")),
    ]


def run(report, only=()):
    from django.core.management import call_command
    from django.db import connection

    from parcours.accounts.models import User

    if not User.objects.filter(username="travailleuse").exists():
        call_command("seed_demo", verbosity=0)
        people = int(os.environ.get("PARCOURS_BENCH_PAGES_PEOPLE", "100000"))
        if people and connection.vendor == "postgresql":
            from bench.generate_households import generate

            generate(people, verbose=False)
        if connection.vendor == "postgresql":  # statistics, as autovacuum keeps them in production
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    samples = int(os.environ.get("PARCOURS_BENCH_PAGES_SAMPLES", "60"))
    # Persistent connections, as production and the load test serve (the test settings close the
    # connection after each request, which would put a connection's set-up into every sample).
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600
    _install_urls()
    worker, handler = _client("travailleuse"), _client("ecoutant")
    load = os.getloadavg()
    report("load average (1 min) at start", load[0], "")
    pages = _pages(worker, handler)
    floor_cpu = None
    profile = os.environ.get("PARCOURS_BENCH_PAGES_PROFILE")
    for name, fn in pages:
        if profile and profile in name:
            import cProfile
            import pstats

            fn()
            with cProfile.Profile() as prof:
                for _ in range(20):
                    fn()
            slug = re.sub(r"\W+", "-", name)
            out = Path(tempfile.gettempdir()) / f"bench-pages-{slug}.pstats"
            prof.dump_stats(out)
            print(f"  profile of « {name} » (20 requests): {out}")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(r"parcours/(?!core/middleware)", 30)
        if only and floor_cpu is not None and not any(o in name for o in only):
            continue
        cpu, wall, queries = _measure(fn, samples)
        if floor_cpu is None:
            floor_cpu = cpu
            report(f"{name}: CPU p50", cpu, "ms")
            report(f"{name}: wall p50", wall, "ms")
            continue
        report(f"{name}: CPU p50 ({queries} queries)", cpu, "ms")
        report(f"{name}: × floor", cpu / floor_cpu, "×", target=lambda v: v <= TARGET_RATIO)
    report("load average (1 min) at end", os.getloadavg()[0], "")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

    def _report(name, value, unit, target=None):
        ok = "" if target is None else ("  OK" if target(value) else "  MISSES TARGET")
        print(f"  {name:<62} {value:>10,.2f} {unit}{ok}", flush=True)

    from bench.timing import yardstick

    # The machine's speed today: CPU times of two days compare once scaled by it (bench/README.md).
    _report("machine yardstick (pure Python, best of 5)", yardstick(), "ms")
    run(_report, only=tuple(sys.argv[1:]))
