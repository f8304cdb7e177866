"""The load scenario: call handlers of the 115 and social workers working at once, as people do.

Run by `bench/load.py` (the `bench_load` benchmark and the smoke test in tests/project/test_load.py) with
locust headless against a server on 127.0.0.1 only. Everyone logs in for real: password, then a
valid TOTP code computed from the device key that `bench/load.py prepare` created. A person then
follows links as on screen (a list, then one of its lines), so the scenario reaches only what this
account may see; any answer other than 200, or a page that falls back to the login, is an error.

The plan (accounts, names to type, per-user bound, think time, warm-up) comes from the JSON file named by
PARCOURS_LOAD_PLAN. With `warmup_seconds`, the statistics start afresh once that time has passed: the
logins of every user at once (a password hashed by Argon2 each) are kept out of the steady state
measured; an error of the warm-up is still reported. When the statistics start, the file named by
PARCOURS_LOAD_MEASURING is written (bench/load.py starts counting the server's CPU then), and this
process's own CPU from then to the end is reported beside the outcomes: locust runs on the same cores
as the server and PostgreSQL, and what it spends is taken from them.

The users are locust's FastHttpUser (geventhttpclient): the same cookies, redirects and
`catch_response` as HttpUser (python-requests), for a fraction of the load generator's CPU; a
response's `url` is the final one after redirects, as requests gives it.
This file never imports Django: it runs in locust's own (gevent) process.
"""

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from pathlib import Path

import psutil
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["PARCOURS_LOAD_PLAN"]).read_text(encoding="utf-8"))
ACCOUNTS = {role: iter(accounts) for role, accounts in PLAN["accounts"].items()}
NAMES = PLAN["names"]
MAX_TASKS = PLAN.get("max_tasks_per_user", 200)
FLOOR = "floor: /healthz"
THINK = PLAN.get("think_seconds", [0.2, 1.0])
WARMUP = PLAN.get("warmup_seconds", 0)
WARMUP_ERRORS = []

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NIGHT = re.compile(r'name="night" value="(\d{4}-\d{2}-\d{2})"')
# A free place on a request page: the one place of a facility (hidden input) or one of its places (the
# facility's select, whose options read « Chambre 4 (2 places) »).
UNIT = re.compile(r'name="unit" value="(\d+)"|<option value="(\d+)">[^<]*\(\d+ places?\)</option>')
EMERGENCY_REQUEST = re.compile(r'href="/115/demandes/(\d+)/"')
HOUSEHOLD = re.compile(r'href="/menages/(\d+)/"')
ASSESSMENT_INDEX = re.compile(r'href="/menages/(\d+)/evaluations/"')
ASSESSMENT = re.compile(r'href="/menages/(\d+)/evaluations/(\d+)/"')
INSERTION_REQUEST = re.compile(r'href="/orientation/demandes/(\d+)/"')
LOGIN_PATHS = ("/compte/connexion/", "/compte/double-authentification/")

# Outcomes that are a correct answer, not an error, counted and shown by the bench.
OUTCOMES = {"allocated": 0, "place just taken": 0, "no free place": 0}
# This process's CPU seconds when the statistics started.
MEASURED_FROM = {}


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def _measuring() -> None:
    """The statistics start now: note this process's CPU, and tell bench/load.py."""
    MEASURED_FROM["cpu"] = _cpu_seconds()
    path = os.environ.get("PARCOURS_LOAD_MEASURING")
    if path:
        Path(path).write_text("", encoding="utf-8")


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code, as django_otp's TOTPDevice (t0 = 0, 30 s, 6 digits, SHA-1) checks it."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def _text(response) -> str:
    """The body of an answer ("" when there is none: a refused connection)."""
    return response.text or ""


def _error(response):
    """What went wrong on the way (a refused connection, a status that is not 2xx or 3xx), if anything."""
    return getattr(response, "error", None)


class Person(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(*THINK)

    def on_start(self):
        self.tasks_done = 0
        try:
            self.account = next(ACCOUNTS[self.role])
        except StopIteration:
            raise StopUser() from None  # more users than accounts: never share a TOTP device
        self.login()

    def login(self):
        page = self.client.get("/compte/connexion/", name="login page")
        with self.client.post(
            "/compte/connexion/",
            data={
                "csrfmiddlewaretoken": CSRF.search(_text(page)).group(1),
                "username": self.account["username"],
                "password": self.account["password"],
            },
            name="login: password",
            catch_response=True,
        ) as response:
            if "/double-authentification/verifier/" not in (response.url or ""):
                response.failure(
                    f"password step ended on {response.url} ({_error(response) or response.status_code})"
                )
                raise StopUser()
        token = CSRF.search(_text(response)).group(1)
        with self.client.post(
            "/compte/double-authentification/verifier/",
            data={"csrfmiddlewaretoken": token, "code": totp(self.account["totp_key"])},
            name="login: second factor",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or any(p in response.url for p in LOGIN_PATHS):
                response.failure(f"second factor refused ({_error(response) or response.status_code})")
                raise StopUser()

    def page(self, path: str, name: str, *, data=None, ok=(200,)):
        """GET (or POST `data`) a page; anything but an allowed status on a page of the app is an error."""
        self.tasks_done += 1
        call = self.client.post if data is not None else self.client.get
        kwargs = {"data": data} if data is not None else {}
        with call(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code not in ok:
                response.failure(_error(response) or f"HTTP {response.status_code}")
            elif any(p in response.url for p in LOGIN_PATHS):
                response.failure("sent back to the login")
            return response

    @task(1)
    def floor(self):
        """The floor: the cheapest answer of the same server (one `SELECT 1` through the whole
        middleware stack), measured in the same run; each page is read as a ratio to it."""
        self.page("/healthz", FLOOR)

    def wait(self):
        if self.tasks_done >= MAX_TASKS:
            raise StopUser()
        super().wait()


class CallHandler(Person):
    """An écoutant of the 115: the board, new calls with a search, a request, a place allocated."""

    role = "call_handler"
    fixed_count = PLAN["users"]["call_handler"]

    def on_start(self):
        # A shift starts on the board and the first call: every page is measured even in a short run
        # on a busy machine (the suite's smoke test asserts each one was reached).
        super().on_start()
        self.board()
        self.new_call()

    @task(4)
    def board(self):
        response = self.page("/115/", "115 board")
        ids = EMERGENCY_REQUEST.findall(_text(response))
        if ids:
            self.page(f"/115/demandes/{random.choice(ids)}/", "115 request page")

    @task(3)
    def new_call(self):
        last, first = random.choice(NAMES["last"]), random.choice(NAMES["first"])
        form = self.page(f"/115/appels/nouveau/?q={last}", "115 new call: household search")
        night = NIGHT.search(_text(form))
        token = CSRF.search(_text(form))
        if not (night and token):
            return
        # A new person (the search found nobody to reuse here): a request for tonight, one person.
        saved = self.page(
            "/115/appels/nouveau/",
            "115 new call: save",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "outcome": "request",
                "flash_first_name": first,
                "flash_last_name": f"{last} Essai",
                "flash_sex": "X",
                "night": night.group(1),
                "persons": "1",
                "children": "0",
            },
        )
        match = re.search(r"/115/demandes/(\d+)/$", saved.url or "")
        if not match:
            return
        units = [single or listed for single, listed in UNIT.findall(_text(saved))]
        if not units:
            OUTCOMES["no free place"] += 1
            return
        answer = self.page(
            f"/115/demandes/{match.group(1)}/attribuer/",
            "115 allocation",
            data={"csrfmiddlewaretoken": CSRF.search(_text(saved)).group(1), "unit": random.choice(units)},
        )
        # Another handler may have taken the place a moment before: the page says so (a correct answer).
        OUTCOMES["allocated" if "Place attribuée" in _text(answer) else "place just taken"] += 1


class SocialWorker(Person):
    """A travailleur social: search, the household page, its assessments, insertion requests."""

    role = "social_worker"
    fixed_count = PLAN["users"]["social_worker"]

    def on_start(self):
        # A working day starts by opening each screen once: every page is measured even in a short
        # run on a busy machine (the suite's smoke test asserts each one was reached).
        super().on_start()
        self.households = []
        self.search()
        self.household()
        self.insertion_requests()

    @task(4)
    def search(self):
        query = random.choice(NAMES["last"])
        response = self.page(f"/menages/?q={query}", "household search")
        self.households = HOUSEHOLD.findall(_text(response)) or self.households

    @task(4)
    def household(self):
        if not self.households:
            response = self.page("/menages/", "household list")
            self.households = HOUSEHOLD.findall(_text(response))
            if not self.households:
                return
        response = self.page(f"/menages/{random.choice(self.households)}/", "household page")
        index = ASSESSMENT_INDEX.findall(_text(response))
        if index:
            listing = self.page(f"/menages/{index[0]}/evaluations/", "assessments of a household")
            found = ASSESSMENT.findall(_text(listing))
            if found:
                household_id, pk = random.choice(found)
                self.page(f"/menages/{household_id}/evaluations/{pk}/", "assessment page")

    @task(2)
    def insertion_requests(self):
        response = self.page("/orientation/demandes/", "insertion requests list")
        ids = INSERTION_REQUEST.findall(_text(response))
        if ids:
            self.page(f"/orientation/demandes/{random.choice(ids)}/", "insertion request page")

    @task(1)
    def home(self):
        self.page("/", "home page")


ENVIRONMENT = {}


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    ENVIRONMENT["current"] = environment


@events.test_start.add_listener
def _warm_up(environment, **_kwargs):
    """After the warm-up, the statistics (and the calls' outcomes) start from zero; its errors are kept."""
    if WARMUP <= 0:
        _measuring()
        return
    import gevent

    def reset():
        gevent.sleep(WARMUP)
        stats = environment.runner.stats
        WARMUP_ERRORS.extend(
            f"{e['method']} {e['name']} (warm-up): {e['error']} ×{e['occurrences']}"
            for e in stats.serialize_errors().values()
        )
        stats.reset_all()
        for outcome in OUTCOMES:
            OUTCOMES[outcome] = 0
        _measuring()

    gevent.spawn(reset)


@events.quit.add_listener
def _report(exit_code, **_kwargs):
    """After the final statistics: the calls' outcomes, every error and exception, the exit code."""
    path = os.environ.get("PARCOURS_LOAD_OUTCOMES")
    runner = ENVIRONMENT["current"].runner
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "outcomes": OUTCOMES,
                    "errors": WARMUP_ERRORS
                    + [
                        f"{e['method']} {e['name']}: {e['error']} ×{e['occurrences']}"
                        for e in runner.stats.serialize_errors().values()
                    ],
                    "exceptions": [f"{e['msg']} ×{e['count']}" for e in runner.exceptions.values()],
                    "exit_code": exit_code,
                    "cpu_seconds": _cpu_seconds() - MEASURED_FROM["cpu"] if MEASURED_FROM else 0.0,
                },
                out,
            )
