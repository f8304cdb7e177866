"""Support and prevention pages: who reaches which page, the forms' flows, clear French messages on bad
input or a stale edit, the home panels, the OpenAPI document."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.households.display import household_label
from parcours.support.models import MeasureKind, PreventionAlert, SupportAction, SupportMeasure
from tests.support.test_support import net, open_measure, user  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("fr"):
        yield


# page → the roles that reach it (the others get 404)
PAGES = {
    "/accompagnement/": {"social_worker", "siao_coordinator", "coworker", "other_worker"},
    "/accompagnement/alertes/": {"social_worker", "siao_coordinator", "landlord", "coworker", "other_worker"},
    "/accompagnement/alertes/nouvelle/": {"landlord"},
    "/accompagnement/ateliers/": {"social_worker", "coworker", "other_worker"},
    "/accompagnement/types/": {
        "social_worker",
        "siao_coordinator",
        "network_admin",
        "coworker",
        "other_worker",
    },
    "/accompagnement/programmes/": {"social_worker", "landlord", "network_admin", "coworker", "other_worker"},
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_who_reaches_each_page(net, login, client, path):  # noqa: F811
    for role in (
        "social_worker",
        "call_handler",
        "siao_coordinator",
        "facility_manager",
        "landlord",
        "observer",
    ):
        login(user(net, role))
        expected = 200 if role in PAGES[path] else 404
        assert client.get(path).status_code == expected, (role, path)
    login(user(net, "network_admin"))
    assert client.get(path).status_code == (200 if "network_admin" in PAGES[path] else 404)


def test_measure_pages_by_role(net, login, client):  # noqa: F811
    measure = open_measure(net)
    url = f"/accompagnement/mesures/{measure.pk}/"
    expected = {
        "social_worker": 200,
        "siao_coordinator": 200,
        "call_handler": 404,
        "facility_manager": 404,
        "landlord": 404,
        "observer": 404,
        "network_admin": 404,
        "other_worker": 404,
    }
    for role, status in expected.items():
        login(user(net, role))
        assert client.get(url).status_code == status, role
    # The SIAO reads a summary: no actions log, no goals.
    login(user(net, "siao_coordinator"))
    assert "Journal des actions" not in client.get(url).content.decode()


def test_open_a_measure_with_a_refusal_through_the_page(net, login, client):  # noqa: F811
    login(user(net, "social_worker"))
    url = f"/accompagnement/menages/{net['household'].pk}/nouvelle-mesure/"
    assert client.get(url).status_code == 200
    avdl = MeasureKind.objects.get(code="avdl")
    empty = client.post(url, {"kind": avdl.pk})
    assert empty.status_code == 400
    assert "Ce champ est obligatoire" in empty.content.decode()
    response = client.post(
        url, {"kind": avdl.pk, "consent": "refused", "informed_how": "orally", "intensity": "regular"}
    )
    measure = SupportMeasure.objects.get()
    assert response.status_code == 302 and measure.status == "refused"
    page = client.get(response.url, follow=True).content.decode()
    assert "refus, respecté" in page
    assert "Noter une action" not in page


def test_log_an_action_and_close_then_a_stale_reopen(net, login, client):  # noqa: F811
    measure = open_measure(net, started_on=timezone.localdate() - dt.timedelta(days=10))
    login(user(net, "social_worker"))
    base = f"/accompagnement/mesures/{measure.pk}/"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = client.post(
        base + "action/",
        {
            "action-kind": "call",
            "action-happened_on": future,
            "action-duration_minutes": 20,
            "action-confidentiality": "shared",
        },
        follow=True,
    )
    assert "la date ne peut être future" in bad.content.decode()
    assert SupportAction.objects.count() == 0
    ok = client.post(
        base + "action/",
        {
            "action-kind": "home_visit",
            "action-happened_on": timezone.localdate().isoformat(),
            "action-duration_minutes": 45,
            "action-note": "Visite, logement entretenu",
            "action-confidentiality": "shared",
        },
    )
    assert ok.status_code == 302 and SupportAction.objects.count() == 1
    version = SupportMeasure.objects.get().version
    closing = {
        "close-version": version,
        "close-reason": "goals_reached",
        "close-ended_on": timezone.localdate().isoformat(),
        "close-worker_outcome": "reached",
        "close-person_outcome": "reached",
        "close-landlord_outcome": "",
        "close-eviction_avoided": "",
    }
    assert client.post(base + "close/", closing).status_code == 302
    assert SupportMeasure.objects.get().status == "closed"
    stale = client.post(base + "reopen/", {"reopen-version": version}, follow=True)
    assert "modifiée entre-temps" in stale.content.decode()
    assert SupportMeasure.objects.get().status == "closed"
    fresh = client.post(base + "reopen/", {"reopen-version": SupportMeasure.objects.get().version})
    assert fresh.status_code == 302 and SupportMeasure.objects.get().status == "open"


def test_landlord_raises_an_alert_in_the_page_and_the_siao_takes_it(net, login, client):  # noqa: F811
    login(user(net, "landlord"))
    form = html.unescape(client.get("/accompagnement/alertes/nouvelle/").content.decode())
    # The select names the household as households.display names it for this landlord (issue 15).
    label = household_label(user(net, "landlord"), net["household"]).text
    assert f">{label}</option>" in form and "Dossier n°" not in form
    bad = client.post(
        "/accompagnement/alertes/nouvelle/", {"household": net["household"].pk, "kind": "unpaid_rent"}
    )
    assert bad.status_code == 400 and "indiquez le montant" in bad.content.decode()
    response = client.post(
        "/accompagnement/alertes/nouvelle/",
        {"household": net["household"].pk, "kind": "unpaid_rent", "amount": "820.00", "months": "2"},
    )
    alert = PreventionAlert.objects.get()
    assert response.status_code == 302
    login(user(net, "siao_coordinator"))
    page = client.get(f"/accompagnement/alertes/{alert.pk}/").content.decode()
    assert "Prendre en charge" in page
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    worker_id = net["m"]["social_worker"].user_id
    taken = client.post(
        f"/accompagnement/alertes/{alert.pk}/take/",
        {
            "take-version": alert.version,
            "take-assignee": f"{net['association'].pk}:{worker_id}",
            "take-due_on": due,
        },
    )
    assert taken.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "taken" and alert.assigned_to_id == worker_id
    login(user(net, "social_worker"))
    home = client.get("/").content.decode()
    assert "Alertes de prévention à traiter" in home and f"/accompagnement/alertes/{alert.pk}/" in home
    opened = client.post(
        f"/accompagnement/alertes/{alert.pk}/measure/",
        {
            "measure-version": alert.version,
            "measure-kind": MeasureKind.objects.get(code="avdl").pk,
            "measure-consent": "accepted",
            "measure-informed_how": "orally",
            "measure-intensity": "strong",
        },
    )
    assert opened.status_code == 302 and SupportMeasure.objects.get().source_alert_id == alert.pk
    login(user(net, "landlord"))
    assert "accompagnement ouvert" in client.get("/").content.decode()


def test_home_panels_for_overdue_reviews(net, login, client):  # noqa: F811
    open_measure(
        net,
        started_on=timezone.localdate() - dt.timedelta(days=40),
        next_review_on=timezone.localdate() - dt.timedelta(days=1),
    )
    login(user(net, "social_worker"))
    home = client.get("/").content.decode()
    assert "Mes ménages et leur prochaine étape" in home
    assert "point d&#x27;étape" in home and "En retard" in home
    login(user(net, "landlord"))
    assert "Alertes de prévention" in client.get("/").content.decode()


def test_network_admin_extends_the_kinds(net, login, client):  # noqa: F811
    login(user(net, "network_admin"))
    response = client.post("/accompagnement/types/", {"code": "mesure_locale", "label": "Mesure locale"})
    assert response.status_code == 302
    assert MeasureKind.objects.filter(code="mesure_locale").exists()
    duplicate = client.post("/accompagnement/types/", {"code": "avdl", "label": "Encore"})
    assert duplicate.status_code == 400 and "déjà utilisé" in duplicate.content.decode()
    login(user(net, "social_worker"))
    assert client.post("/accompagnement/types/", {"code": "x", "label": "X"}).status_code == 404


def test_workshop_page_flow(net, login, client):  # noqa: F811
    login(user(net, "social_worker"))
    created = client.post(
        "/accompagnement/ateliers/", {"title": "Club de l'habitant", "axis": "daily_life", "capacity": 8}
    )
    assert created.status_code == 302
    url = created.url
    client.post(
        url + "session/",
        {
            "session-starts_at": "2026-12-10T14:00",
            "session-duration_minutes": 120,
            "session-topic": "Mon bailleur et moi",
        },
    )
    client.post(url + "enrol/", {"enrol-household": net["household"].pk})
    page = client.get(url).content.decode()
    # The household named as households.display names it (issue 15): first name, initial, composition.
    assert "Mon bailleur et moi" in page and "Benoît L." in page
    # Another organization's worker sees the workshop, not who the household is.
    login(user(net, "other_worker"))
    other = client.get(url).content.decode()
    assert "Benoît" not in other and "hors de votre périmètre" in other


def test_openapi_documents_support_and_prevention(api):
    paths = api(Role.SOCIAL_WORKER)("get", "/openapi.json").json()["paths"]
    for path in (
        "/api/v1/prevention-alerts",
        "/api/v1/prevention-alerts/{alert_id}/take",
        "/api/v1/support/measures",
        "/api/v1/support/measures/{measure_id}/actions",
        "/api/v1/support/measures/{measure_id}/close",
        "/api/v1/support/programmes/{programme_id}/report",
    ):
        assert path in paths, path


def test_api_measure_refusal_and_no_action_on_it(net, api):  # noqa: F811
    call = api(Role.SOCIAL_WORKER, organization=net["association"])
    refused = call(
        "post", "/support/measures", {"household": net["household"].pk, "kind": "asll", "consent": "refused"}
    )
    assert refused.status_code == 201 and refused.json()["status"] == "refused"
    logged = call(
        "post",
        f"/support/measures/{refused.json()['id']}/actions",
        {"kind": "call", "happened_on": timezone.localdate().isoformat(), "duration_minutes": 5},
    )
    assert logged.status_code == 409
    unknown = call(
        "post",
        "/support/measures",
        {"household": net["household"].pk, "kind": "castle", "consent": "accepted"},
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["fields"]["kind"]
    one_view = call(
        "post",
        f"/support/measures/{open_measure(net).pk}/close",
        {
            "version": 1,
            "reason": "goals_reached",
            "evaluations": [{"perspective": "worker", "outcome": "reached"}],
        },
    )
    assert one_view.status_code == 422


def test_measure_page_queries_do_not_grow_with_its_actions(net, login, client, django_assert_max_num_queries):  # noqa: F811
    from parcours.support import services

    measure = open_measure(net)
    worker = user(net, "social_worker")
    goal = services.goal_create(actor=worker, measure=measure, axis="home", title="Un logement")
    services.step_add(actor=worker, goal=goal, label="Dossier")

    def log(n):
        for _ in range(n):
            services.action_log(
                actor=worker,
                measure=measure,
                kind="call",
                happened_on=timezone.localdate(),
                duration_minutes=10,
                note="n",
                confidentiality="author",
            )

    login(worker)
    log(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/accompagnement/mesures/{measure.pk}/").status_code == 200
    log(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/accompagnement/mesures/{measure.pk}/")


def test_alerts_page_counts_evictions_avoided(net, login, client):  # noqa: F811
    from parcours.support import services

    coordinator = user(net, "siao_coordinator")
    for reason in ("payment_plan", "settled", "evicted"):
        alert = services.alert_raise(
            actor=user(net, "landlord"), household=net["household"], kind="unpaid_rent", months=1
        )
        services.alert_close(actor=coordinator, alert=alert, version=alert.version, reason=reason)
    services.alert_raise(actor=user(net, "landlord"), household=net["household"], kind="other")
    login(coordinator)
    page = client.get("/accompagnement/alertes/").content.decode()
    assert '<td data-figure="avoided">2</td>' in page


def test_garbage_identifiers_answer_404_not_500(net, login, client):  # noqa: F811
    measure = open_measure(net)
    login(user(net, "social_worker"))
    for action, field in (("step_done", "step"), ("goal_status", "goal"), ("coworker_end", "coworker")):
        response = client.post(f"/accompagnement/mesures/{measure.pk}/{action}/", {field: "abc"})
        assert response.status_code == 404, action
    assert client.post(f"/accompagnement/mesures/{measure.pk}/unknown/").status_code == 404


def test_api_goals_intensity_and_notes_by_level(net, api):  # noqa: F811
    from parcours.support import services

    measure = open_measure(net, started_on=timezone.localdate() - dt.timedelta(days=20))
    services.coworker_add(actor=user(net, "social_worker"), measure=measure, organization=net["partner"])
    referent = api(Role.SOCIAL_WORKER, organization=net["association"])
    goal = referent(
        "post",
        f"/support/measures/{measure.pk}/goals",
        {"axis": "administrative", "title": "Ouvrir ses droits", "steps": ["CAF", "CPAM"]},
    )
    assert goal.status_code == 201 and goal.json()["progress"] == 0 and len(goal.json()["steps"]) == 2
    assert (
        referent("post", f"/support/measures/{measure.pk}/goals", {"axis": "space", "title": "x"}).status_code
        == 422
    )
    changed = referent("post", f"/support/measures/{measure.pk}/intensity", {"level": "light"})
    assert changed.status_code == 201
    body = referent("get", f"/support/measures/{measure.pk}").json()
    assert [i["level"] for i in body["intensities"]] == ["regular", "light"] and body["intensity"] == "light"
    today = timezone.localdate().isoformat()
    for level in ("shared", "organization"):
        logged = referent(
            "post",
            f"/support/measures/{measure.pk}/actions",
            {
                "kind": "home_visit",
                "happened_on": today,
                "duration_minutes": 30,
                "note": f"note {level}",
                "confidentiality": level,
            },
        )
        assert logged.status_code == 201
    coworker = api(Role.SOCIAL_WORKER, organization=net["partner"])
    notes = {
        a["confidentiality"]: a["note"]
        for a in coworker("get", f"/support/measures/{measure.pk}/actions").json()["results"]
    }
    assert notes == {"shared": "note shared", "organization": None}
    # The co-worker logs actions but does not manage the measure.
    assert (
        coworker("post", f"/support/measures/{measure.pk}/intensity", {"level": "strong"}).status_code == 403
    )
    siao = api(Role.SIAO_COORDINATOR, organization=net["siao"])
    summary = siao("get", f"/support/measures/{measure.pk}").json()
    assert summary["goals"] is None and summary["reviews"] is None
    assert siao("get", f"/support/measures/{measure.pk}/actions").status_code == 404
