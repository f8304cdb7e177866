"""Support and prevention at scale: the lists, home panel, path steps and API reads of a worker and a SIAO.

On the households of bench/generate_households.py (PARCOURS_BENCH_PEOPLE people, as bench_households),
adds PARCOURS_BENCH_MEASURES support measures (50,000 by default) with their transitions, intensities,
reviews (a share overdue) and four actions each, and one prevention alert for every fifth measure,
then measures, over ≥ 200 samples each:

1. a social worker's measures list (first page of `visible_to`, ordered, with its count);
2. the SIAO coordinator's pending alerts (first page, with its count);
3. the social worker's "overdue reviews" home panel;
4. the support steps of a household's path (`household_path`, support provider only) as the worker;
5. `GET /api/v1/support/measures/{id}` and `GET …/actions` with a bearer token;
6. the review reminders command, dry run (one pass over every overdue review).

There is no target in design §8 for these: the module reports p50/p95 so that a regression shows.
PostgreSQL only (it reuses the SQL generator); on SQLite the module says so and stops.
"""

import os
import random
import time
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from bench.timing import timed
from parcours.accounts.models import Membership, User
from parcours.accounts.roles import Role
from parcours.accounts.services import token_create
from parcours.households.models import Household

SAMPLES = 200
LIST_TARGET_MS = 150  # the household page's target, used as the yardstick for a page's main query
ACTIONS_PER_MEASURE = 4


def _timed(report, name, fn, samples=SAMPLES, target=LIST_TARGET_MS):
    timed(report, name, fn, samples=samples, target=target, warmup=10)


def _as(membership):
    user = membership.user
    user.active_membership = membership
    return user


@transaction.atomic
def _fill(n_measures: int, siao) -> None:
    from parcours.support.models import (
        AlertEvent,
        IntensityChange,
        MeasureKind,
        MeasureReview,
        MeasureTransition,
        PreventionAlert,
        SupportAction,
        SupportMeasure,
    )

    if SupportMeasure.objects.count() >= n_measures:
        return
    rng = random.Random(7)
    kinds = list(MeasureKind.objects.all())
    today = timezone.localdate()
    households = list(
        Household.objects.filter(referent__isnull=False)
        .order_by("pk")
        .values_list("pk", "referent_id", "referent_organization_id")[:n_measures]
    )
    landlord = siao  # any organization stands for the landlord here: alerts are read by the SIAO
    batch = 5000
    for start in range(0, len(households), batch):
        chunk = households[start : start + batch]
        measures = []
        for pk, referent, org in chunk:
            begun = today - timedelta(days=rng.randint(30, 700))
            measures.append(
                SupportMeasure(
                    household_id=pk,
                    kind=rng.choice(kinds),
                    organization_id=org,
                    referent_id=referent,
                    status="open",
                    consent_given=True,
                    consent_on=begun,
                    started_on=begun,
                    next_review_on=today + timedelta(days=rng.randint(-30, 60)),
                    created_by_id=referent,
                )
            )
        SupportMeasure.objects.bulk_create(measures)
        MeasureTransition.objects.bulk_create(
            MeasureTransition(measure=m, to_status="open", actor_id=m.referent_id) for m in measures
        )
        IntensityChange.objects.bulk_create(
            IntensityChange(measure=m, level="regular", from_date=m.started_on) for m in measures
        )
        MeasureReview.objects.bulk_create(
            MeasureReview(measure=m, planned_on=m.next_review_on) for m in measures
        )
        SupportAction.objects.bulk_create(
            SupportAction(
                measure=m,
                kind="home_visit",
                happened_on=m.started_on + timedelta(days=k),
                duration_minutes=45,
                author_id=m.referent_id,
                organization_id=m.organization_id,
                note="Visite à domicile.",
            )
            for m in measures
            for k in range(ACTIONS_PER_MEASURE)
        )
        alerts = PreventionAlert.objects.bulk_create(
            PreventionAlert(
                household_id=m.household_id,
                landlord=landlord,
                kind="unpaid_rent",
                months=2,
                status="new",
                siao=siao,
                association_id=m.organization_id,
            )
            for m in measures[::5]
        )
        AlertEvent.objects.bulk_create(AlertEvent(alert=a, status="new") for a in alerts)


def run(report):
    if connection.vendor != "postgresql":
        print("  bench_support runs on PostgreSQL only (it reuses the SQL household generator).")
        return
    from bench.generate_households import generate
    from parcours.households.timeline import household_path
    from parcours.support.models import PreventionAlert, SupportMeasure

    generated = generate(int(os.environ.get("PARCOURS_BENCH_PEOPLE", "1000000")), verbose=False)
    n_measures = int(os.environ.get("PARCOURS_BENCH_MEASURES", "50000"))
    started = time.perf_counter()
    _fill(n_measures, generated.siao)
    report("fill: measures", SupportMeasure.objects.count(), "measures")
    report("fill: time", time.perf_counter() - started, "s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # The busiest association's busiest referent, and the SIAO coordinator of the territory.
    busiest = (
        SupportMeasure.objects.values("referent_id", "organization_id")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
    ).first()
    worker_membership = Membership.objects.get(
        user_id=busiest["referent_id"], organization_id=busiest["organization_id"], role=Role.SOCIAL_WORKER
    )
    worker = _as(worker_membership)
    coordinator_user, _ = User.objects.get_or_create(username="bench-siao-coordinator")
    coordinator_membership, _ = Membership.objects.get_or_create(
        user=coordinator_user, organization=generated.siao, role=Role.SIAO_COORDINATOR
    )
    coordinator = _as(coordinator_membership)
    report("worker's organization: measures", SupportMeasure.objects.visible_to(worker).count(), "measures")

    def measures_page():
        qs = SupportMeasure.objects.visible_to(worker).select_related("kind", "household")
        list(qs.order_by("-updated_at", "-pk")[:25])
        qs.count()

    def alerts_page():
        qs = PreventionAlert.objects.visible_to(coordinator).pending()
        list(qs.select_related("household").order_by("-created_at", "-pk")[:25])
        qs.count()

    from parcours.support.home import overdue_reviews

    _timed(report, "measures list (worker)", measures_page)
    _timed(report, "pending alerts list (SIAO)", alerts_page)
    _timed(report, "overdue reviews panel (worker)", lambda: overdue_reviews(worker, worker_membership))

    ids = list(
        SupportMeasure.objects.filter(organization_id=worker_membership.organization_id).values_list(
            "pk", "household_id"
        )[:5000]
    )
    rng = random.Random(3)
    households = {h.pk: h for h in Household.objects.filter(pk__in=[h for _m, h in ids[:2000]])}

    def path():
        _m, h = rng.choice(ids[:2000])
        list(household_path(worker, households[h]))

    _timed(report, "household path with support steps (worker)", path)

    _token, key = token_create(actor=worker, membership=worker_membership, name="bench")
    client = Client(headers={"Authorization": f"Bearer {key}"})

    def api_measure():
        m, _h = rng.choice(ids)
        assert client.get(f"/api/v1/support/measures/{m}").status_code == 200

    def api_actions():
        m, _h = rng.choice(ids)
        assert client.get(f"/api/v1/support/measures/{m}/actions").status_code == 200

    _timed(report, "API GET support/measures/{id}", api_measure)
    _timed(report, "API GET support/measures/{id}/actions", api_actions)

    started = time.perf_counter()
    call_command("remind_reviews", stdout=StringIO())
    report("remind-reviews dry run", (time.perf_counter() - started) * 1000, "ms")
