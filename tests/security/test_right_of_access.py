"""Promise (RGPD art. 15, design §5 rules 6, 7 and 9): the right-of-access export holds everything
Parcours keeps about the person, in every domain, and nothing the person may not receive; a protected
household's whereabouts reach only the users named on it, in the export too.
"""

import json

import pytest
from django.apps import apps
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.households import export
from parcours.households.models import Household
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

# -- Every model holding personal data is in the export ----------------------------------------------


def _tied_to_a_person(model) -> bool:
    """A model with a foreign key to the household or to a person (found here, not in the code's
    registries)."""
    return any(
        f.is_relation
        and f.many_to_one
        and f.related_model is not None
        and f.related_model._meta.label in ("households.Household", "households.Person")
        for f in model._meta.get_fields()
    )


def test_every_model_holding_personal_data_is_in_the_export():
    assert export.uncovered() == set()
    listed = export.covered_labels() | set(export.NOT_EXPORTED)
    for model in apps.get_models():
        if model.__module__.startswith("parcours.") and _tied_to_a_person(model):
            assert model._meta.label in listed, f"{model._meta.label} is missing from the export"
    # The domains the person may ask about are all there.
    for model in (
        "assessments.Assessment",
        "emergency.EmergencyRequest",
        "emergency.NightAllocation",
        "orientation.InsertionRequest",
        "orientation.Proposal",
        "support.SupportMeasure",
        "support.SupportAction",
        "support.ProjectGoal",
        "support.PreventionAlert",
        "support.WorkshopEnrolment",
        "households.Consent",
    ):
        assert model in export.covered_labels()


def test_a_model_left_out_of_the_registry_is_reported(monkeypatch):
    """The check has teeth: drop a domain's section and its models are reported."""
    sections = {name: section for name, section in export.SECTIONS.items() if name != "emergency"}
    monkeypatch.setattr(export, "SECTIONS", sections)
    assert {"emergency.EmergencyRequest", "emergency.NightAllocation"} <= export.uncovered()


# -- Who may give the export ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_only_the_referent_organization_gives_the_export(role, db, client, login):
    """Rule 7: the referent organization's workers hand the export to the person; any other role,
    even with the file open to it, gets 404 on the page and on the JSON."""
    TerritoryFactory(code="93")
    referent_org = OrganizationFactory()
    household = make_household(organization=referent_org)
    organization = referent_org if role == Role.SOCIAL_WORKER else OrganizationFactory(siao=True)
    user = MembershipFactory(role=role, organization=organization).user
    login(user)
    url = reverse("households:export", args=[household.pk])
    page, data = client.get(url), client.get(url, {"format": "json"})
    if role == Role.SOCIAL_WORKER:
        assert page.status_code == data.status_code == 200
        assert data.json()["people"][0]["last_name"] == "Lefèvre"
    else:
        assert page.status_code == data.status_code == 404
        assert b"Lef\xc3\xa8vre" not in page.content + data.content


# -- The whole file, from the demo network -------------------------------------------------------------


@pytest.fixture
def demo(demo_network, db):
    """The demo network (seeded once for the module)."""


def _export_as_referent_org(client, login, household, **membership):
    worker = MembershipFactory(
        role=Role.SOCIAL_WORKER, organization=household.referent_organization, **membership
    ).user
    login(worker)
    response = client.get(reverse("households:export", args=[household.pk]), {"format": "json"})
    assert response.status_code == 200
    return worker, response.json(), response.content.decode()


def _first(model, **lookups):
    return model.objects.filter(**lookups).order_by("pk").first()


def test_the_export_holds_every_domain_and_nothing_the_person_may_not_receive(demo, client, login):
    from parcours.assessments.models import Assessment
    from parcours.emergency.models import NightAllocation
    from parcours.orientation.models import Proposal, ProposalEvent
    from parcours.support.choices import Confidentiality
    from parcours.support.models import PreventionAlert, SupportAction, WorkshopEnrolment

    # 115: each request with its nights and the place of each night.
    night = _first(NightAllocation, request__household__protected=False, request__household__isnull=False)
    household = night.request.household
    _worker, data, _text = _export_as_referent_org(client, login, household)
    requests = data["emergency"]["requests"]
    assert len(requests) == household.emergency_requests.count()
    places = [n["place"] for r in requests for n in r["nights"]]
    assert str(night.unit) in places

    # Assessments: every version of every perspective.
    assessed = _first(Assessment)
    _worker, data, _text = _export_as_referent_org(client, login, assessed.household)
    assert len(data["assessments"]) == Assessment.objects.filter(household=assessed.household).count()
    assert {a["perspective"] for a in data["assessments"]} == {
        a.get_perspective_display() for a in Assessment.objects.filter(household=assessed.household)
    }

    # Insertion requests and proposals with their answers, never the engine's ranking.
    proposal = _first(Proposal, request__household__protected=False)
    household = proposal.request.household
    ProposalEvent.objects.filter(proposal=proposal).update(note="Note interne de la structure")
    _worker, data, text = _export_as_referent_org(client, login, household)
    assert len(data["insertion_requests"]) == household.insertion_requests.count()
    exported = {p["id"]: p for p in data["proposals"]["proposals"]}
    assert proposal.pk in exported and exported[proposal.pk]["answers"]
    assert "snapshot" not in text
    assert "Note interne de la structure" not in text

    # Support: measures, goals and the notes the person may read; never an author-only note.
    action = _first(SupportAction, measure__household__protected=False)
    household = action.measure.household
    measure = action.measure
    SupportAction.objects.filter(pk=action.pk).update(
        confidentiality=Confidentiality.AUTHOR, note="Hypothèse de travail personnelle"
    )
    shared = SupportAction.objects.filter(measure=measure).exclude(pk=action.pk).first()
    if shared is not None:
        SupportAction.objects.filter(pk=shared.pk).update(
            confidentiality=Confidentiality.SHARED, note="Rendez-vous à la CAF préparé ensemble"
        )
    _worker, data, text = _export_as_referent_org(client, login, household)
    measures = {m["id"]: m for m in data["support"]}
    assert measure.pk in measures
    assert len(measures[measure.pk]["actions"]) == measure.actions.count()
    assert len(measures[measure.pk]["goals"]) == measure.goals.count()
    assert "Hypothèse de travail personnelle" not in text
    if shared is not None:
        assert "Rendez-vous à la CAF préparé ensemble" in text

    # Prevention alerts and workshops.
    alert = _first(PreventionAlert, household__isnull=False, household__protected=False)
    first_reader, data, _text = _export_as_referent_org(client, login, alert.household)
    assert alert.pk in {a["id"] for a in data["prevention_alerts"]}
    enrolment = _first(WorkshopEnrolment, household__protected=False)
    if enrolment is not None:
        _worker, data, _text = _export_as_referent_org(client, login, enrolment.household)
        assert str(enrolment.workshop) in {w["workshop"] for w in data["workshops"]}

    # The access log says who read the file: the export prepared above is in the next one.
    _worker, data, _text = _export_as_referent_org(client, login, alert.household)
    assert {(entry["who"], entry["purpose"]) for entry in data["access_log"] if entry["kind"] == "read"} >= {
        (first_reader.get_full_name(), "right_of_access")
    }


def test_a_protected_households_whereabouts_stay_with_its_named_users_in_the_export(demo, client, login):
    """Finding 2: a worker of the referent organization who is not named on the protected file gets
    neither its address, its phone nor the places where it slept; a named user gets them all."""
    from parcours.emergency.models import NightAllocation

    night = _first(NightAllocation, request__household__isnull=False)
    Household.objects.filter(pk=night.request.household_id).update(
        protected=True, address="7 impasse des Lilas, 93100 Montreuil", phone="0611223344"
    )
    household = Household.objects.get(pk=night.request.household_id)
    facility = night.unit.facility.name

    _worker, data, text = _export_as_referent_org(client, login, household)
    assert "7 impasse des Lilas" not in text and "0611223344" not in text
    assert facility not in text
    assert data["household"]["address"] == export.WITHHELD
    page = client.get(reverse("households:export", args=[household.pk])).content.decode()
    assert "7 impasse des Lilas" not in page and "0611223344" not in page and facility not in page

    named, data, text = _export_as_referent_org(client, login, household)
    household.protected_viewers.add(named)
    text = client.get(reverse("households:export", args=[household.pk]), {"format": "json"}).content.decode()
    data = json.loads(text)
    assert data["household"]["address"] == "7 impasse des Lilas, 93100 Montreuil"
    assert data["household"]["phone"] == "0611223344"
    assert facility in text
