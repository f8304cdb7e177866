"""The orientation commission's agenda of a realistic week: server time per section and per decision.

Builds one session whose agenda holds 70 submitted requests and 45 open vacancies, with 60 validated
requests waiting for a place (each vacancy line offers a short list of them) and 12 proposals
answered since the previous session (tests/factories/commission.py), then measures, as the SIAO
coordinator with the second factor verified, through the test client (middleware, template, audit
of the names shown included):

1. each section loaded alone with htmx (`?section=requests|vacancies|answered&page=N`), every page;
2. the whole agenda page (the three sections' first pages);
3. a decision posted from a line with htmx (the line and the counts come back);
4. the minutes' document.

Target (issue 15): under 300 ms server time per section. Runs on SQLite and PostgreSQL.
"""

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.timing import timed
from tests.factories import commission_week

SAMPLES = 60
TARGET_MS = 300
HTMX = {"HTTP_HX_REQUEST": "true"}


def _timed(report, name, fn, samples=SAMPLES, target=TARGET_MS):
    timed(report, name, fn, samples=samples, target=target, warmup=5)


def run(report):
    week = commission_week()
    commission, user = week["commission"], week["coordinator"]
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = reverse("orientation:commission", args=[commission.pk])

    def get(path, **headers):
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.status_code)
        return response

    # A yardstick on the same machine at the same moment: the sessions' list (one small query).
    _timed(report, "yardstick: the sessions list page", lambda: get(reverse("orientation:commissions")))
    pages = {"requests": 5, "vacancies": 3, "answered": 1}
    for section, count in pages.items():
        turn = iter(range(10**6))
        _timed(
            report,
            f"agenda section « {section} » (htmx, pages 1-{count})",
            lambda s=section, c=count, t=turn: get(f"{url}?section={s}&page={next(t) % c + 1}", **HTMX),
        )
    full = get(url)
    report("agenda page weight", len(full.content) / 1024, "kB", target=lambda v: v <= 150)
    _timed(report, "whole agenda page (three sections' first pages)", lambda: get(url), target=900)

    lines = iter(commission.lines.filter(kind="request").order_by("position", "pk"))

    def decide():
        line = next(lines)
        response = client.post(
            reverse("orientation:line_decide", args=[commission.pk, line.pk]),
            {f"l{line.pk}-decision": "postpone", f"l{line.pk}-reason": "Pièce manquante"},
            **HTMX,
        )
        assert response.status_code == 200 and b'data-decision="postpone"' in response.content

    _timed(report, "a decision recorded in place (htmx POST)", decide, samples=60)
    minutes = reverse("orientation:minutes", args=[commission.pk])
    _timed(report, "minutes document", lambda: get(minutes), samples=30)
