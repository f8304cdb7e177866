"""Promise: a consent lets the organization it names do only what its purpose is for (design §5
rule 10, docs/roles.md « Consentement et finalités »).

Opening a support measure for a household one does not refer, and raising a prevention alert on a
household one does not house, used to need any active consent naming one's organization: a consent
given for the household's orientation or for a night at the 115 let another association open a
support measure and a landlord raise an eviction alert. Expected, written here on its own:

| purpose     | open a measure (social worker of another organization) | raise an alert (landlord) |
|-------------|--------------------------------------------------------|---------------------------|
| orientation | no                                                     | no                        |
| support     | yes                                                    | no                        |
| emergency   | no                                                     | no                        |
| prevention  | yes                                                    | yes                       |
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.households import services as household_services
from parcours.support import perms
from parcours.support.models import PreventionAlert, SupportMeasure
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)
from tests.perm_matrix import SEVEN_ROLES

pytestmark = pytest.mark.django_db

# A documents consent shares the vault's papers (parcours/documents), no action on the file.
OPENS_MEASURE = {
    "orientation": False,
    "support": True,
    "emergency": False,
    "prevention": True,
    "documents": False,
}
RAISES_ALERT = {
    "orientation": False,
    "support": False,
    "emergency": False,
    "prevention": True,
    "documents": False,
}
ENROLS = {"orientation": False, "support": True, "emergency": False, "prevention": False, "documents": False}
ROLES = SEVEN_ROLES


@pytest.fixture
def world():
    t93 = TerritoryFactory(code="93")
    referent_org = OrganizationFactory(name="Les Amarres", territory=t93)
    referent = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=referent_org))
    household = make_household(organization=referent_org, referent=referent)
    return {"t93": t93, "referent": referent, "household": household}


def consent(world, organization, purpose):
    return household_services.consent_record(
        actor=world["referent"],
        household=world["household"],
        organization=organization,
        purpose=purpose,
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )


def stranger(world, role, purpose=None):
    """A member of another organization, named by a consent for `purpose` if given."""
    membership = MembershipFactory(role=role)
    if purpose:
        consent(world, membership.organization, purpose)
    return as_member(membership)


@pytest.mark.parametrize("purpose", sorted(OPENS_MEASURE))
def test_open_measure_follows_the_purpose_page(world, purpose, login, client):
    worker = stranger(world, Role.SOCIAL_WORKER, purpose)
    household = world["household"]
    assert perms.can_open_measure(worker, household) is OPENS_MEASURE[purpose]
    login(worker)
    url = reverse("support:measure_new", args=[household.pk])
    assert client.get(url).status_code == (200 if OPENS_MEASURE[purpose] else 404)
    if not OPENS_MEASURE[purpose]:
        response = client.post(url, {"kind": "avdl", "consent": "accepted", "informed_how": "orally"})
        assert response.status_code == 404
        assert not SupportMeasure.objects.filter(household=household).exists()


@pytest.mark.parametrize("purpose", sorted(OPENS_MEASURE))
def test_open_measure_follows_the_purpose_api(world, purpose, api):
    household = world["household"]
    call = api(Role.SOCIAL_WORKER)
    consent(world, call.membership.organization, purpose)
    response = call(
        "post", "/support/measures", {"household": household.pk, "kind": "avdl", "consent": "accepted"}
    )
    if OPENS_MEASURE[purpose]:
        assert response.status_code == 201
        assert SupportMeasure.objects.filter(household=household).count() == 1
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert not SupportMeasure.objects.filter(household=household).exists()


@pytest.mark.parametrize("purpose", sorted(RAISES_ALERT))
def test_raise_alert_follows_the_purpose_page(world, purpose, login, client):
    landlord = stranger(world, Role.LANDLORD, purpose)
    household = world["household"]
    assert perms.can_raise_alert(landlord, household) is RAISES_ALERT[purpose]
    login(landlord)
    url = reverse("support:alert_new")
    page = client.get(url).content.decode()
    # Offered in the select or not (named there only where the landlord may read the name, issue 15).
    assert (f'<option value="{household.pk}"' in page) is RAISES_ALERT[purpose]
    response = client.post(url, {"household": household.pk, "kind": "other", "detail": "Signal"})
    if RAISES_ALERT[purpose]:
        assert response.status_code == 302
        assert PreventionAlert.objects.filter(household=household).count() == 1
    else:
        assert response.status_code == 400
        assert not PreventionAlert.objects.exists()


@pytest.mark.parametrize("purpose", sorted(RAISES_ALERT))
def test_raise_alert_follows_the_purpose_api(world, purpose, api):
    household = world["household"]
    call = api(Role.LANDLORD)
    consent(world, call.membership.organization, purpose)
    response = call("post", "/prevention-alerts", {"household": household.pk, "kind": "other"})
    if RAISES_ALERT[purpose]:
        assert response.status_code == 201
    else:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert not PreventionAlert.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_per_role_with_every_purpose_consented(world, role):
    """Even named by consents for all four purposes, only a social worker opens a measure and only a
    landlord raises an alert."""
    membership = MembershipFactory(role=role)
    for purpose in OPENS_MEASURE:
        consent(world, membership.organization, purpose)
    user = as_member(membership)
    assert perms.can_open_measure(user, world["household"]) is (role == Role.SOCIAL_WORKER)
    assert perms.can_raise_alert(user, world["household"]) is (role == Role.LANDLORD)


@pytest.mark.parametrize("role", ROLES)
def test_per_role_with_an_orientation_consent_only(world, role):
    user = stranger(world, role, "orientation")
    assert perms.can_open_measure(user, world["household"]) is False
    assert perms.can_raise_alert(user, world["household"]) is False


def test_the_referent_organization_opens_a_measure_without_any_consent(world):
    assert perms.can_open_measure(world["referent"], world["household"]) is True


def test_a_revoked_support_consent_no_longer_opens_a_measure(world):
    worker = stranger(world, Role.SOCIAL_WORKER)
    given = consent(world, worker.active_membership.organization, "support")
    assert perms.can_open_measure(worker, world["household"]) is True
    household_services.consent_revoke(actor=world["referent"], consent=given)
    assert perms.can_open_measure(worker, world["household"]) is False


def test_the_documented_action_table_is_the_code_table():
    from pathlib import Path

    from django.conf import settings

    from parcours.households import visibility

    text = (Path(settings.BASE_DIR) / "docs" / "roles.md").read_text(encoding="utf-8")
    start = text.index("| finalité | ouvrir une mesure")
    documented = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        purpose, measure, alert, enrol = (c.strip() for c in line.strip("|").split("|"))
        documented[purpose.strip("`")] = {
            action
            for action, cell in (("open_measure", measure), ("raise_alert", alert), ("enrol_workshop", enrol))
            if cell == "oui"
        }
    assert documented == {p: set(a) for p, a in visibility.PURPOSE_ACTIONS.items()}
    stated = (("open_measure", OPENS_MEASURE), ("raise_alert", RAISES_ALERT), ("enrol_workshop", ENROLS))
    assert documented == {p: {a for a, t in stated if t[p]} for p in OPENS_MEASURE}


@pytest.mark.parametrize("purpose", sorted(OPENS_MEASURE))
def test_an_alert_taken_by_the_siao_opens_a_measure_only_as_its_consent_allows(world, purpose, api):
    """The door from the alert: the SIAO takes the alert for one of its social workers, who holds
    the household only through a consent naming the SIAO."""
    from parcours.support import services as support_services

    household = world["household"]
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=world["t93"])
    coordinator = as_member(MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao))
    landlord = stranger(world, Role.LANDLORD, "prevention")
    alert = support_services.alert_raise(actor=landlord, household=household, kind="other", detail="Signal")
    call = api(Role.SOCIAL_WORKER, organization=siao)
    consent(world, siao, purpose)
    alert = support_services.alert_take(
        actor=coordinator,
        alert=alert,
        version=alert.version,
        organization=siao,
        assigned_to=call.membership.user,
    )
    response = call(
        "post",
        f"/prevention-alerts/{alert.pk}/measure",
        {"version": alert.version, "kind": "avdl", "consent": "accepted"},
    )
    if OPENS_MEASURE[purpose]:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert not SupportMeasure.objects.exists()
        alert.refresh_from_db()
        assert alert.status == "taken" and alert.measure_id is None


# Workshops ---------------------------------------------------------------------------------------


@pytest.fixture
def workshop(world):
    from parcours.support.models import Workshop

    return Workshop.objects.create(
        title="Budget",
        organization=world["referent"].active_membership.organization,
        axis="administrative",
        capacity=10,
    )


@pytest.mark.parametrize("purpose", sorted(ENROLS))
def test_enrolling_in_a_workshop_follows_the_purpose_page(world, workshop, purpose, login, client):
    """Another association's worker enrols the household only under a consent for support; refused,
    the page says the file is not accessible and no enrolment exists."""
    from parcours.support.models import WorkshopEnrolment

    worker = stranger(world, Role.SOCIAL_WORKER, purpose)
    assert perms.can_enrol(worker, workshop, world["household"]) is ENROLS[purpose]
    login(worker)
    answer = client.post(
        reverse("support:workshop_action", args=[workshop.pk, "enrol"]),
        {"enrol-household": world["household"].pk},
        follow=True,
    )
    assert answer.status_code == 200
    enrolled = WorkshopEnrolment.objects.filter(workshop=workshop, household=world["household"]).exists()
    assert enrolled is ENROLS[purpose]
    if not ENROLS[purpose]:
        assert "Aucun dossier de ce numéro ne vous est accessible." in answer.content.decode()


def test_the_referent_organization_enrols_without_a_consent(world, workshop):
    assert perms.can_enrol(world["referent"], workshop, world["household"]) is True
