"""The person's pages and the worker's page of Mon espace."""

import pytest
from django.test import Client

from parcours.accounts.roles import Role
from parcours.assessments.models import Assessment
from parcours.households.models import Consent
from parcours.portal import services
from parcours.portal.models import ConsentOffer, Feedback, PortalAccess
from tests.factories import (
    ConsentFactory,
    MembershipFactory,
    OrganizationFactory,
    PortalAccessFactory,
    portal_login,
)
from tests.portal.conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(family):
    access = PortalAccessFactory(
        household=family["household"], person=family["benoit"], invited_by=family["worker"]
    )
    return portal_login(Client(), access), access


def test_the_worker_opens_an_access_from_the_household_file(family, login):
    client = login(family["worker"])
    detail = client.get(f"/menages/{family['household'].pk}/").content.decode()
    assert f"/mon-espace/equipe/menage/{family['household'].pk}/" in detail
    url = f"/mon-espace/equipe/menage/{family['household'].pk}/"
    page = client.get(url)
    assert page.status_code == 200
    # Without the identity check box, nothing is opened.
    client.post(url, {"action": "invite", "invite-person": family["benoit"].pk, "invite-phone": PHONE})
    assert not PortalAccess.objects.exists()
    response = client.post(
        url,
        {
            "action": "invite",
            "invite-person": family["benoit"].pk,
            "invite-phone": PHONE,
            "invite-identity_checked": "on",
        },
    )
    assert response.status_code == 302
    assert PortalAccess.objects.get().phone == PHONE


def test_without_a_phone_the_worker_gets_a_printed_code_shown_once(family, login):
    client = login(family["worker"])
    url = f"/mon-espace/equipe/menage/{family['household'].pk}/"
    response = client.post(
        url, {"action": "invite", "invite-person": family["awa"].pk, "invite-identity_checked": "on"}
    )
    assert response.status_code == 200
    code = response.context["code"]
    assert len(code) == 12 and code in response.content.decode()
    assert services.sign_in_with_printed_code(code=code, ip="10.0.0.1").person == family["awa"]


@pytest.mark.parametrize(
    "role", [Role.SIAO_COORDINATOR, Role.FACILITY_MANAGER, Role.NETWORK_ADMIN, Role.SOCIAL_WORKER]
)
def test_the_worker_page_is_404_for_others(family, login, role):
    client = login(MembershipFactory(role=role).user)
    assert client.get(f"/mon-espace/equipe/menage/{family['household'].pk}/").status_code == 404


def test_the_person_gives_a_proposed_consent_then_withdraws_it(family, person):
    client, access = person
    partner = OrganizationFactory(name="Association Horizon")
    offer = services.consent_offer(
        actor=family["worker"], household=family["household"], organization=partner, purpose="support"
    )
    page = client.get("/mon-espace/accords/").content.decode()
    assert "Association Horizon" in page
    client.post("/mon-espace/accords/", {"offer": offer.pk, "months": 6})
    consent = Consent.objects.get(organization=partner)
    assert consent.is_active and consent.purpose == "support"
    client.post("/mon-espace/accords/", {"withdraw": consent.pk})
    consent.refresh_from_db()
    assert not consent.is_active


def test_a_consent_period_outside_the_list_is_refused(family, person):
    client, _access = person
    offer = services.consent_offer(
        actor=family["worker"],
        household=family["household"],
        organization=OrganizationFactory(),
        purpose="support",
    )
    client.post("/mon-espace/accords/", {"offer": offer.pk, "months": 48})
    assert not Consent.objects.exists()
    assert ConsentOffer.objects.count() == 1


def test_the_person_home_shows_their_request_referent_and_no_worker_notes(family, person):
    from tests.factories import InsertionRequestFactory

    InsertionRequestFactory(household=family["household"], validated=True)
    client, _access = person
    page = client.get("/mon-espace/").content.decode()
    assert "par le SIAO, le service qui oriente vers un hébergement ou un logement" in page
    assert family["membership"].organization.name in page


def test_the_person_gives_their_view_and_the_worker_sees_it_beside_theirs(family, person, login):
    client, _access = person
    response = client.post(
        "/mon-espace/mon-avis/",
        {"level-2.3": "acquired", "comment-2.3": "Je paie toujours mon loyer.", "level-4.3": "needs_support"},
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(perspective="person")
    assert {a.item.code for a in assessment.answers.all()} == {"2.3", "4.3"}
    page = login(family["worker"]).get(f"/menages/{family['household'].pk}/evaluations/").content.decode()
    assert "Je paie toujours mon loyer." in page
    assert "Personne accompagnée" in page


def test_votre_avis_anonymous_keeps_no_link_and_reaches_the_network_admin(family, person, login):
    client, _access = person
    response = client.post(
        "/mon-espace/votre-avis/",
        {"kind": "complaint", "text": "L'accueil est trop loin.", "anonymous": "on"},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.access_id is None and feedback.household_id is None
    admin = login(MembershipFactory(role=Role.NETWORK_ADMIN).user, Client())
    home = admin.get("/").content.decode()
    assert "Avis des personnes accompagnées" in home
    assert admin.get(f"/mon-espace/equipe/avis/{feedback.pk}/").status_code == 200
    admin.post(f"/mon-espace/equipe/avis/{feedback.pk}/")
    feedback.refresh_from_db()
    assert feedback.handled_at is not None
    assert login(family["worker"], Client()).get("/mon-espace/equipe/avis/").status_code == 404


def test_votre_avis_is_counted_for_the_plan(family, person):
    from django.utils import timezone

    from parcours.observatory.catalogue import INDICATORS, Period

    client, _access = person
    client.post("/mon-espace/votre-avis/", {"kind": "suggestion", "text": "Plus de permanences le soir."})
    today = timezone.localdate()
    result = INDICATORS["portal.feedback"].compute(Period(today, today), None)
    assert {r.key: r.value for r in result.rows} == {"suggestion": 1, "complaint": 0}


def test_the_person_pages_in_arabic_are_right_to_left(person):
    client, _access = person
    client.post("/i18n/setlang/", {"language": "ar", "next": "/mon-espace/"})
    page = client.get("/mon-espace/").content.decode()
    assert 'lang="ar" dir="rtl"' in page


def test_the_access_log_page_lists_reads_in_words(family, person, login):
    login(family["worker"]).get(f"/menages/{family['household'].pk}/")
    client, _access = person
    page = client.get("/mon-espace/qui-a-lu/").content.decode()
    assert family["membership"].organization.name in page


def test_sign_out(person):
    client, _access = person
    client.post("/mon-espace/deconnexion/")
    assert client.get("/mon-espace/").status_code == 302


def test_a_consent_given_elsewhere_shows(family, person):
    client, _access = person
    ConsentFactory(
        household=family["household"],
        organization=OrganizationFactory(name="CCAS Nord"),
        purpose="orientation",
    )
    assert "CCAS Nord" in client.get("/mon-espace/").content.decode()


def test_the_demo_invites_one_person_and_says_how_to_sign_in(db):
    import random

    from parcours.demo import network
    from parcours.demo import portal as demo_portal
    from parcours.households.models import Household
    from tests.factories import TerritoryFactory, make_household

    TerritoryFactory(code="93")
    network.seed(random.Random(1))
    worker = demo_portal._worker()
    make_household(organization=worker.active_membership.organization, referent=worker)
    demo_portal.seed(random.Random(1))
    demo_portal.seed(random.Random(1))  # idempotent
    access = PortalAccess.objects.get()
    assert access.phone == demo_portal.DEMO_PHONE and access.household in Household.objects.all()
    assert any("06 00 00 00 93" in line for line in demo_portal.instructions())
