"""The person's space in the API (api-v1.md § "The person's space"), exactly as written."""

import pytest
from django.test import Client

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.households.models import Consent
from parcours.portal.models import PortalAccess
from tests.factories import ConsentFactory, MembershipFactory, api_for
from tests.portal.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db


def staff(client, membership):
    return api_for(client, membership)


def person(client, token):
    def call(method, path, body=None):
        return getattr(client, method)(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return call


def open_session(client, family, phone=PHONE):
    call = staff(client, family["membership"])
    response = call(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": phone},
    )
    assert response.status_code == 201, response.content
    response = Client().post(
        "/api/v1/portal/session", {"phone": phone, "code": last_code(phone)}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_invitation_answers_201_and_texts_a_code(client, family):
    call = staff(client, family["membership"])
    response = call(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": PHONE},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "person", "expires_at"}
    assert body["person"] == family["benoit"].pk
    assert PortalAccess.objects.get(pk=body["id"]).phone == PHONE
    assert len(last_code()) == 6


@pytest.mark.parametrize(
    "role",
    [
        Role.SIAO_COORDINATOR,
        Role.CALL_HANDLER,
        Role.FACILITY_MANAGER,
        Role.NETWORK_ADMIN,
        Role.LANDLORD,
        Role.OBSERVER,
    ],
)
def test_other_roles_get_404_and_nothing_is_sent(client, family, role):
    call = staff(client, MembershipFactory(role=role))
    response = call(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": PHONE},
    )
    assert response.status_code == 404
    assert not PortalAccess.objects.exists()


def test_a_social_worker_of_another_organisation_gets_404(client, family):
    call = staff(client, MembershipFactory(role=Role.SOCIAL_WORKER))
    response = call(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": PHONE},
    )
    assert response.status_code == 404
    assert not PortalAccess.objects.exists()


def test_a_social_worker_of_the_same_organisation_with_consent_only_cannot_invite(client, family):
    """Another social worker of a partner organisation holding a consent sees the shared sheet, not more."""
    partner = MembershipFactory(role=Role.SOCIAL_WORKER)
    ConsentFactory(household=family["household"], organization=partner.organization, purpose="support")
    response = staff(client, partner)(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": PHONE},
    )
    assert response.status_code == 404


def test_session_wrong_code_400_used_code_400_too_many_429(client, family):
    call = staff(client, family["membership"])
    call(
        "post",
        f"/households/{family['household'].pk}/portal-invitations",
        {"person": family["benoit"].pk, "phone": PHONE},
    )
    code = last_code()
    c = Client()
    wrong = c.post(
        "/api/v1/portal/session",
        {"phone": PHONE, "code": "000000" if code != "000000" else "111111"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_code"
    ok = c.post("/api/v1/portal/session", {"phone": PHONE, "code": code}, content_type="application/json")
    assert ok.status_code == 200 and set(ok.json()) == {"token", "expires_at"}
    used = c.post("/api/v1/portal/session", {"phone": PHONE, "code": code}, content_type="application/json")
    assert used.status_code == 400
    for _n in range(5):
        c.post("/api/v1/portal/session", {"phone": PHONE, "code": "999999"}, content_type="application/json")
    locked = c.post(
        "/api/v1/portal/session", {"phone": PHONE, "code": "999999"}, content_type="application/json"
    )
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"


def test_me_gives_the_contract_keys(client, family):
    token = open_session(client, family)
    response = person(Client(), token)("get", "/portal/me")
    assert response.status_code == 200
    body = response.json()
    assert {"household", "requests", "proposals", "consents", "appointments", "documents"} <= set(body)
    assert body["household"]["id"] == family["household"].pk
    assert {m["first_name"] for m in body["household"]["members"]} == {"Benoît", "Awa", "Lina"}
    assert isinstance(body["appointments"], list) and isinstance(body["documents"], list)


def test_me_lists_consents_with_the_contract_keys(client, family):
    org = MembershipFactory(role=Role.SOCIAL_WORKER).organization
    ConsentFactory(household=family["household"], organization=org, purpose="support")
    token = open_session(client, family)
    consents = person(Client(), token)("get", "/portal/me").json()["consents"]
    assert len(consents) == 1
    assert set(consents[0]) == {"id", "organization", "purpose", "ends_on", "active"}
    assert consents[0]["active"] is True


def test_access_log_lists_staff_reads_in_words(client, family, login):
    login(family["worker"]).get(f"/menages/{family['household'].pk}/")
    token = open_session(client, family)
    rows = person(Client(), token)("get", "/portal/access-log").json()
    assert rows and set(rows[0]) == {"when", "organization", "role", "what"}
    assert rows[0]["organization"] == family["membership"].organization.name
    assert rows[0]["role"] == "Travailleur·se social·e"


def test_withdrawing_a_consent_closes_the_file_to_that_organisation_at_once(client, family):
    partner = MembershipFactory(role=Role.SOCIAL_WORKER)
    consent = ConsentFactory(
        household=family["household"], organization=partner.organization, purpose="support"
    )
    partner_api = api_for(Client(), partner)
    assert partner_api("get", f"/households/{family['household'].pk}").status_code == 200
    token = open_session(client, family)
    response = person(Client(), token)("delete", f"/portal/consents/{consent.pk}")
    assert response.status_code == 204
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None
    assert partner_api("get", f"/households/{family['household'].pk}").status_code == 404
    assert AuditEvent.objects.filter(action="portal.consent.withdraw").count() == 1


def test_a_consent_of_another_household_is_404(client, family):
    other = ConsentFactory(purpose="support")
    token = open_session(client, family)
    assert person(Client(), token)("delete", f"/portal/consents/{other.pk}").status_code == 404
    assert Consent.objects.get(pk=other.pk).revoked_at is None


def test_person_assessment_is_saved_as_the_person_perspective(client, family):
    from parcours.assessments.models import Assessment

    token = open_session(client, family)
    response = person(Client(), token)(
        "post",
        "/portal/assessments",
        {
            "answers": [
                {"item": "2.3", "level": "acquired", "comment": "Je paie toujours."},
                {"item": "3.1", "level": "in_progress"},
            ]
        },
    )
    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get()
    assert assessment.perspective == "person"
    assert {a.item.code: a.level for a in assessment.answers.all()} == {
        "2.3": "acquired",
        "3.1": "in_progress",
    }
    # A later answer keeps the earlier ones.
    person(Client(), token)(
        "post", "/portal/assessments", {"answers": [{"item": "4.3", "level": "needs_support"}]}
    )
    latest = Assessment.objects.order_by("-number").first()
    assert latest.number == 2
    assert {a.item.code for a in latest.answers.all()} == {"2.3", "3.1", "4.3"}


def test_the_person_is_the_author_of_their_own_version(client, family, login):
    """The version the person writes from « Mon espace » is theirs: no staff author (the worker who
    opened the access did not write it), and the staff pages and API say « la personne »."""
    from django.urls import reverse

    from parcours.assessments import services
    from parcours.assessments.models import Assessment

    token = open_session(client, family)
    response = person(Client(), token)(
        "post", "/portal/assessments", {"answers": [{"item": "2.3", "level": "acquired"}]}
    )
    assert response.status_code == 201, response.content
    version = Assessment.objects.get()
    assert version.by_person and version.author is None
    assert version.author_organization == family["membership"].organization
    # The worker may still write the person's perspective with them: then the worker is the author.
    on_behalf = services.assessment_save(
        actor=family["worker"], household=family["household"], perspective="person", answers=[]
    )
    assert on_behalf.author == family["worker"] and not on_behalf.by_person

    worker = login(family["worker"], Client())
    household_id = family["household"].pk
    index = worker.get(reverse("assessments:index", args=[household_id])).content.decode()
    assert "la personne, depuis « Mon espace »" in index
    assert family["worker"].get_full_name() in index  # the version written with the worker
    page = worker.get(reverse("assessments:detail", args=[household_id, version.pk])).content.decode()
    assert "par la personne elle-même" in page
    body = staff(Client(), family["membership"])("get", f"/households/{household_id}/assessments").json()
    authors = {item["version"]: item["author"] for item in body["results"] if item["perspective"] == "person"}
    assert authors[1]["name"] == "la personne" and authors[1]["by_person"] is True
    assert authors[2]["by_person"] is False


def test_person_assessment_refuses_items_not_for_the_person(client, family):
    token = open_session(client, family)
    response = person(Client(), token)(
        "post", "/portal/assessments", {"answers": [{"item": "5.1", "level": "acquired"}]}
    )
    assert response.status_code == 400
    assert "answers.5.1.item" in response.json()["error"]["fields"]
    bad = person(Client(), token)(
        "post", "/portal/assessments", {"answers": [{"item": "2.1", "level": "excellent"}]}
    )
    assert bad.status_code == 400


def test_a_revoked_access_ends_its_tokens(client, family):
    from parcours.portal import services

    token = open_session(client, family)
    services.revoke(actor=family["worker"], access=PortalAccess.objects.get())
    assert person(Client(), token)("get", "/portal/me").status_code == 401


def test_a_read_without_a_membership_is_still_said_in_words(client, family):
    """A read traced without an active membership (an administrator's script, a command) says « un ou
    une professionnelle d'une organisation du réseau », never an empty role and organisation."""
    from parcours.core import audit
    from tests.factories import UserFactory

    audit.record_read(actor=UserFactory(), obj=family["household"], sections=["situation"], purpose="test")
    token = open_session(client, family)
    rows = person(Client(), token)("get", "/portal/access-log").json()
    assert rows[0]["role"] == "un ou une professionnelle"
    assert rows[0]["organization"] == "une organisation du réseau"
    assert rows[0]["what"] == "votre situation de logement"
