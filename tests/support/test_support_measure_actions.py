"""The measure page's actions as one table (views.measures.MEASURE_ACTIONS): every action has its form,
its service and its message, the page offers exactly the table's actions, and each action does through
the page what it did before the table (same effects, messages, status codes, refusals)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.support import services
from parcours.support.forms import MeasureActionForm
from parcours.support.models import (
    GoalStep,
    MeasureCoworker,
    MeasureKind,
    MeasureReview,
    ProjectGoal,
    SupportMeasure,
)
from parcours.support.views import MEASURE_ACTIONS
from tests.support.test_support import _consent, net, open_measure, user, with_coworker  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

SAVED = "C'est enregistré."


@pytest.fixture(autouse=True)
def french():
    from django.utils import translation

    with translation.override("fr"):
        yield


def _said(response) -> list[str]:
    """The messages shown on the page a followed post lands on."""
    return [str(m) for m in response.context["messages"]]


def _offered(client, measure) -> set[str]:
    page = client.get(f"/accompagnement/mesures/{measure.pk}/")
    assert page.status_code == 200
    return set(re.findall(rf'action="/accompagnement/mesures/{measure.pk}/(\w+)/"', page.content.decode()))


def test_every_action_of_the_table_has_a_form_a_service_and_a_message():
    assert len(MEASURE_ACTIONS) == 12
    for name, entry in MEASURE_ACTIONS.items():
        assert issubclass(entry.form, MeasureActionForm), name
        assert getattr(services, entry.service.__name__) is entry.service, name
        assert str(entry.message) == SAVED, name
        assert reverse("support:measure_action", args=[1, name]) == f"/accompagnement/mesures/1/{name}/"


def test_the_page_offers_exactly_the_actions_of_the_table(net, login, client):  # noqa: F811
    measure = with_coworker(net)
    worker = user(net, "social_worker")
    _consent(net["household"], net["m"]["other_worker"].organization, "support", worker)
    goal = services.goal_create(actor=worker, measure=measure, axis="home", title="Un logement")
    services.step_add(actor=worker, goal=goal, label="Dossier")
    services.review_plan(actor=worker, measure=measure, planned_on=timezone.localdate())
    login(worker)
    on_open = _offered(client, measure)
    assert on_open == set(MEASURE_ACTIONS) - {"reopen"}
    measure.refresh_from_db()
    services.measure_close(
        actor=worker,
        measure=measure,
        version=measure.version,
        reason="goals_reached",
        evaluations={"worker": ("reached", ""), "person": ("reached", "")},
    )
    on_closed = _offered(client, measure)
    assert "reopen" in on_closed and "close" not in on_closed
    assert on_open | on_closed == set(MEASURE_ACTIONS)


def test_each_action_through_the_page(net, login, client):  # noqa: F811
    measure = open_measure(net, started_on=timezone.localdate() - dt.timedelta(days=10))
    _consent(net["household"], net["m"]["other_worker"].organization, "support", user(net, "social_worker"))
    login(user(net, "social_worker"))
    base = f"/accompagnement/mesures/{measure.pk}/"
    today = timezone.localdate().isoformat()

    def post(action, data):
        response = client.post(base + action + "/", data, follow=True)
        assert response.redirect_chain == [(base, 302)], action
        assert _said(response) == [SAVED], action

    post("intensity", {"intensity-level": "strong", "intensity-from_date": today, "intensity-reason": "r"})
    assert measure.intensities.filter(level="strong").exists()
    post("review", {"review-planned_on": today})
    review = MeasureReview.objects.get(measure=measure)
    post("hold", {"hold-review": review.pk, "hold-held_on": today, "hold-summary": "Fait ensemble"})
    review.refresh_from_db()
    assert review.held_on == timezone.localdate() and review.summary == "Fait ensemble"
    post("goal", {"goal-axis": "home", "goal-title": "Un logement", "goal-written_with_person": "on"})
    goal = ProjectGoal.objects.get(measure=measure)
    post("step", {"step-goal": goal.pk, "step-label": "Dossier", "step-due_on": ""})
    step = GoalStep.objects.get(goal=goal)
    post("step_done", {"step": step.pk})
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    post("goal_status", {"goal": goal.pk, "status": "dropped"})
    goal.refresh_from_db()
    assert goal.status == "dropped"
    post(
        "action",
        {
            "action-kind": "call",
            "action-happened_on": today,
            "action-duration_minutes": 15,
            "action-confidentiality": "shared",
            "action-goal": goal.pk,
        },
    )
    assert measure.actions.get().goal == goal
    post(
        "coworker",
        {"coworker-organization": net["m"]["other_worker"].organization.pk, "coworker-role": "CCAS"},
    )
    coworker = MeasureCoworker.objects.get(
        measure=measure, organization=net["m"]["other_worker"].organization
    )
    post("coworker_end", {"coworker": coworker.pk})
    coworker.refresh_from_db()
    assert coworker.ended_at is not None
    measure.refresh_from_db()
    post(
        "close",
        {
            "close-version": measure.version,
            "close-reason": "goals_reached",
            "close-ended_on": today,
            "close-worker_outcome": "reached",
            "close-person_outcome": "partly",
            "close-landlord_outcome": "",
            "close-eviction_avoided": "yes",
        },
    )
    measure.refresh_from_db()
    assert measure.status == "closed"
    assert {e.outcome for e in measure.transitions.get(to_status="closed").evaluations.all()} == {
        "reached",
        "partly",
    }
    post("reopen", {"reopen-version": measure.version, "reopen-comment": "Reprise"})
    assert SupportMeasure.objects.get(pk=measure.pk).status == "open"


def test_refusals_keep_their_status_and_change_nothing(net, login, client):  # noqa: F811
    measure = open_measure(net)
    worker = user(net, "social_worker")
    goal = services.goal_create(actor=worker, measure=measure, axis="home", title="Un logement")
    elsewhere = services.goal_create(
        actor=worker,
        measure=services.measure_create(
            actor=worker,
            household=net["household"],
            kind=MeasureKind.objects.exclude(code="avdl").first(),
            consent_given=True,
        ),
        axis="home",
        title="Ailleurs",
    )
    login(worker)
    base = f"/accompagnement/mesures/{measure.pk}/"
    # A page form that does not validate is shown again on the page, with its errors.
    page = client.post(base + "goal/", {"goal-axis": "home", "goal-title": ""})
    assert page.status_code == 400 and "goal-title" in page.content.decode()
    # An inline form that does not validate becomes messages on the page it came from.
    inline = client.post(base + "step/", {"step-goal": goal.pk, "step-label": ""}, follow=True)
    assert inline.redirect_chain == [(base, 302)] and _said(inline) and SAVED not in _said(inline)
    # A record of another measure is not found here.
    assert client.post(base + "step/", {"step-goal": elsewhere.pk, "step-label": "x"}).status_code == 404
    assert client.post(base + "goal_status/", {"goal": elsewhere.pk, "status": "reached"}).status_code == 404
    # The service's refusal is a French message.
    refused = client.post(base + "goal_status/", {"goal": goal.pk, "status": "forgotten"}, follow=True)
    assert refused.redirect_chain == [(base, 302)] and _said(refused) == ["État d'objectif inconnu."]
    for digits in ("²", "١"):
        assert client.post(base + "step_done/", {"step": digits}).status_code == 404
    assert not GoalStep.objects.exists()
    goal.refresh_from_db()
    elsewhere.refresh_from_db()
    assert goal.status == elsewhere.status == "active"


MANAGE = {"social_worker"}
LOG = {"social_worker", "coworker"}


@pytest.mark.parametrize(
    "key",
    [
        "social_worker",
        "coworker",
        "other_worker",
        "call_handler",
        "siao_coordinator",
        "facility_manager",
        "landlord",
        "observer",
        "network_admin",
    ],
)
def test_who_may_post_each_kind_of_action(net, login, client, key):  # noqa: F811
    measure = with_coworker(net)
    login(user(net, key))
    base = f"/accompagnement/mesures/{measure.pk}/"
    goal = client.post(base + "goal/", {"goal-axis": "home", "goal-title": "Un logement"})
    assert goal.status_code == (302 if key in MANAGE else 404)
    assert ProjectGoal.objects.exists() == (key in MANAGE)
    today = timezone.localdate().isoformat()
    logged = client.post(
        base + "action/",
        {
            "action-kind": "call",
            "action-happened_on": today,
            "action-duration_minutes": 15,
            "action-confidentiality": "shared",
        },
    )
    assert logged.status_code == (302 if key in LOG else 404)
    assert measure.actions.exists() == (key in LOG)


def test_workshop_attendance_with_garbage_identifiers_answers_404_not_500(net, login, client):  # noqa: F811
    worker = user(net, "social_worker")
    workshop = services.workshop_create(actor=worker, title="Club", axis="daily_life")
    session = services.session_add(actor=worker, workshop=workshop, starts_at=timezone.now(), topic="Budget")
    enrolment = services.enrol(actor=worker, workshop=workshop, household=net["household"])
    login(worker)
    url = f"/accompagnement/ateliers/{workshop.pk}/attendance/"
    assert client.post(url, {"session": "²"}).status_code == 404
    assert not session.attendances.exists()
    recorded = client.post(url, {"session": session.pk, "present": [enrolment.pk, "²", "abc"]})
    assert recorded.status_code == 302
    assert [(a.enrolment, a.present) for a in session.attendances.all()] == [(enrolment, True)]
