"""Issue 7, "Done means": a landlord raises an alert through the API; the SIAO sees it; a measure is
opened from it, closed with a co-evaluation and reopened; the household's path shows every step."""

import datetime as dt

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.households.models import Consent
from parcours.households.timeline import household_path
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    api_for,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("fr"):
        yield


def test_alert_to_measure_closed_and_reopened_shows_on_the_path(client):
    TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres")
    siao = OrganizationFactory(name="SIAO 93", siao=True)
    landlord_org = OrganizationFactory(name="Habitat Est", landlord=True)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao)
    landlord = MembershipFactory(role=Role.LANDLORD, organization=landlord_org)
    household = make_household(organization=association, referent=worker.user, situation="own_housing")
    # The tenant agreed that the landlord may signal difficulties (prevention).
    Consent.objects.create(
        household=household,
        organization=landlord_org,
        purpose="prevention",
        ends_on=timezone.localdate() + dt.timedelta(days=365),
        recorded_by=worker.user,
    )

    as_landlord, as_siao, as_worker = (
        api_for(client, landlord),
        api_for(client, coordinator),
        api_for(client, worker),
    )

    # 1. The landlord raises the alert, exactly as api-v1.md writes it.
    response = as_landlord(
        "post",
        "/prevention-alerts",
        {
            "household": household.pk,
            "kind": "unpaid_rent",
            "detail": "Trois loyers impayés",
            "amount": "1450.50",
            "months": 3,
        },
    )
    assert response.status_code == 201, response.content
    alert = response.json()
    assert alert["status"] == "new"
    # The landlord is not told which association follows its tenant (issue 13, finding 5).
    assert alert["siao"] == siao.pk and alert["association"] is None
    assert alert["amount"] == "1450.50"

    # 2. The SIAO sees it and triages it: the referent association takes it, within a week.
    listed = as_siao("get", "/prevention-alerts?pending=true").json()
    assert [a["id"] for a in listed["results"]] == [alert["id"]]
    assert listed["results"][0]["association"] == association.pk
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    taken = as_siao(
        "post",
        f"/prevention-alerts/{alert['id']}/take",
        {
            "version": alert["version"],
            "organization": association.pk,
            "assigned_to": worker.user.pk,
            "due_on": due,
        },
    )
    assert taken.status_code == 200, taken.content
    assert taken.json()["status"] == "taken"
    assert taken.json()["due_on"] == due

    # A stale version is refused, nothing overwritten.
    stale = as_siao(
        "post",
        f"/prevention-alerts/{alert['id']}/take",
        {"version": alert["version"], "organization": siao.pk},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"

    # 3. The association's worker opens an AVDL measure with the person's consent.
    opened = as_worker(
        "post",
        f"/prevention-alerts/{alert['id']}/measure",
        {"version": taken.json()["version"], "kind": "avdl", "consent": "accepted", "intensity": "strong"},
    )
    assert opened.status_code == 201, opened.content
    measure = opened.json()
    assert measure["status"] == "open" and measure["source_alert"] == alert["id"]
    assert measure["intensity"] == "strong"
    assert as_landlord("get", f"/prevention-alerts/{alert['id']}").json()["status"] == "measure"

    # 4. Closed with the co-evaluation (worker, person, landlord); the eviction was avoided.
    closed = as_worker(
        "post",
        f"/support/measures/{measure['id']}/close",
        {
            "version": measure["version"],
            "reason": "goals_reached",
            "evaluations": [
                {"perspective": "worker", "outcome": "reached", "comment": "Dette apurée"},
                {"perspective": "person", "outcome": "reached", "comment": ""},
                {"perspective": "landlord", "outcome": "partly", "comment": ""},
            ],
            "eviction_avoided": True,
        },
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert {e["perspective"] for e in closed.json()["evaluations"]} == {"worker", "person", "landlord"}
    assert as_siao("get", f"/prevention-alerts/{alert['id']}").json()["eviction_avoided"] is True

    # 5. Reopened: the right to start again, keeping all history.
    reopened = as_worker(
        "post",
        f"/support/measures/{measure['id']}/reopen",
        {"version": closed.json()["version"], "comment": "Nouvelle difficulté"},
    )
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert body["status"] == "open" and body["ended_on"] is None
    assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [
        ("", "open"),
        ("open", "closed"),
        ("closed", "open"),
    ]
    assert len(body["evaluations"]) == 3

    # 6. The household's path shows every step to the referent association and to the SIAO.
    for member in (worker, coordinator):
        labels = [step.label for step in household_path(as_member(member), household)]
        text = " | ".join(labels)
        for expected in (
            "Alerte de prévention levée par le bailleur : Impayés de loyer",
            "Alerte de prévention prise en charge",
            "Alerte de prévention : accompagnement ouvert",
            "Accompagnement AVDL ouvert avec l'accord de la personne",
            "Accompagnement AVDL clôturé (Objectifs atteints), avec co-évaluation",
            "Accompagnement AVDL rouvert",
        ):
            assert expected in text, (member.role, expected, labels)
    # The landlord's path holds its alert's steps, never the support measure.
    landlord_labels = [step.label for step in household_path(as_member(landlord), household)]
    assert any("Alerte de prévention levée" in label for label in landlord_labels)
    assert not any(label.startswith("Accompagnement") for label in landlord_labels)
