"""Who reaches a household's documents: every role, a partner with and without a consent for
documents, a withdrawn consent, a protected file, another household's document, and the API."""

import pytest

from parcours.accounts.roles import Role
from parcours.documents import perms
from parcours.documents.models import Document
from parcours.households import services as household_services
from parcours.households.models import Household
from tests.factories import ProposalFactory, api_for, make_household

from .conftest import PDF_BYTES, upload
from .helpers import add_document, file_of, give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(role_network):
    net = role_network
    household, worker = file_of(net)
    document = add_document(household, worker)
    # The landlord houses the household through a proposal on one of its places.
    ProposalFactory(request__household=household, vacancy__unit__facility__organization=net.landlord)
    return net, household, worker, document


EXPECTED = {
    Role.SOCIAL_WORKER: True,  # the referent organization's worker
    Role.SIAO_COORDINATOR: True,  # the SIAO of the territory holds the whole file
    Role.CALL_HANDLER: False,  # the 115 needs no paper to shelter someone tonight
    Role.FACILITY_MANAGER: False,  # reads only under a consent for documents, like any partner
    Role.LANDLORD: False,  # linked, but no consent for documents
    Role.OBSERVER: False,
    Role.NETWORK_ADMIN: False,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role(papers, role):
    net, household, _worker, document = papers
    user = net.users[role]
    household = Household.objects.get(pk=household.pk)
    expected = EXPECTED[role]
    assert perms.can_view_documents(user, household) is expected
    assert Document.objects.visible_to(user).filter(pk=document.pk).exists() is expected
    assert perms.can_manage_documents(user, household) is (
        role in (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR)
    )


def test_a_partner_sees_the_documents_only_under_a_consent_for_documents(papers, client, login):
    net, household, worker, document = papers
    partner = net.other_worker
    url = f"/menages/{household.pk}/documents/{document.pk}/telecharger/"

    give_consent(household, net.partner, "orientation", worker)
    assert login(partner).get(url).status_code == 404
    assert login(partner).get(f"/menages/{household.pk}/documents/").status_code == 404

    consent = give_consent(household, net.partner, "documents", worker)
    response = login(partner).get(url)
    assert response.status_code == 200 and response.content == PDF_BYTES
    page = login(partner).get(f"/menages/{household.pk}/documents/")
    assert page.status_code == 200 and "Supprimer" not in page.content.decode()
    # Reading is all a consent opens: no upload, no deletion.
    assert login(partner).post(f"/menages/{household.pk}/documents/", {"kind": "payslip"}).status_code == 404
    login(partner).post(f"/menages/{household.pk}/documents/{document.pk}/supprimer/")
    assert Document.objects.alive().filter(pk=document.pk).exists()

    household_services.consent_revoke(actor=worker, consent=consent)
    assert login(partner).get(url).status_code == 404  # at once


def test_a_landlord_linked_to_the_household_needs_a_consent_for_documents(papers, client, login):
    net, household, worker, document = papers
    landlord = net.users[Role.LANDLORD]
    url = f"/menages/{household.pk}/documents/{document.pk}/telecharger/"
    give_consent(household, net.landlord, "orientation", worker)
    assert login(landlord).get(url).status_code == 404
    give_consent(household, net.landlord, "documents", worker)
    assert login(landlord).get(url).status_code == 200


def test_a_protected_households_papers_are_for_its_named_users(role_network, client, login):
    net = role_network
    worker = net.users[Role.SOCIAL_WORKER]
    household = make_household(organization=net.association, protected=True)
    siao = net.users[Role.SIAO_COORDINATOR]
    household.protected_viewers.add(siao)
    document = add_document(household, siao)
    url = f"/menages/{household.pk}/documents/{document.pk}/telecharger/"
    assert login(worker).get(url).status_code == 404  # same organization, not named
    assert login(siao).get(url).status_code == 200
    household.referent = worker
    household.save()
    assert login(worker).get(url).status_code == 200


def test_another_households_document_is_not_found_for_a_worker(role_network, client, login):
    net = role_network
    mine, worker = file_of(net)
    theirs = make_household(organization=net.partner, referent=net.other_worker)
    foreign = add_document(theirs, net.other_worker)
    assert login(worker).get(f"/menages/{mine.pk}/documents/{foreign.pk}/telecharger/").status_code == 404
    assert login(worker).get(f"/menages/{theirs.pk}/documents/{foreign.pk}/telecharger/").status_code == 404


def test_the_household_page_links_to_the_documents_for_whoever_may_see_them(papers, client, login):
    net, household, worker, _document = papers
    assert (
        f"/menages/{household.pk}/documents/"
        in login(worker).get(f"/menages/{household.pk}/").content.decode()
    )
    call_handler = net.users[Role.CALL_HANDLER]
    page = login(call_handler).get(f"/menages/{household.pk}/")
    assert page.status_code == 200 and f"/menages/{household.pk}/documents/" not in page.content.decode()


# -- API -------------------------------------------------------------------------------------------


def test_the_api_lists_adds_and_downloads(papers, client):
    net, household, worker, document = papers
    call = api_for(client, worker.active_membership)
    listed = call("get", f"/households/{household.pk}/documents")
    assert listed.status_code == 200 and [d["id"] for d in listed.json()] == [document.pk]
    assert listed.json()[0]["content_type"] == "application/pdf"

    token = _bearer(client, worker)
    added = client.post(
        f"/api/v1/households/{household.pk}/documents",
        {"file": upload(), "kind": "payslip", "expires_on": "2027-01-31"},
        headers=token,
    )
    assert added.status_code == 201, added.content
    assert added.json()["kind"] == "payslip" and added.json()["expires_on"] == "2027-01-31"
    empty = client.post(
        f"/api/v1/households/{household.pk}/documents",
        {"file": upload(), "kind": "payslip", "expires_on": "", "person": ""},
        headers=token,
    )
    assert empty.status_code == 201 and empty.json()["expires_on"] is None and empty.json()["person"] is None
    for field, value, message in (("expires_on", "31/01/2027", "AAAA-MM-JJ"), ("person", "Jo", "Numéro")):
        bad = client.post(
            f"/api/v1/households/{household.pk}/documents",
            {"file": upload(), "kind": "payslip", field: value},
            headers=token,
        )
        assert bad.status_code == 400 and message in bad.json()["error"]["fields"][field][0], bad.content

    refused = client.post(
        f"/api/v1/households/{household.pk}/documents",
        {"file": upload(b"<html></html>", name="x.pdf"), "kind": "payslip"},
        headers=token,
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
    assert "file" in refused.json()["error"]["fields"]

    content = client.get(f"/api/v1/households/{household.pk}/documents/{document.pk}/content", headers=token)
    assert content.status_code == 200 and content.content == PDF_BYTES
    assert content["X-Content-Type-Options"] == "nosniff" and "attachment" in content["Content-Disposition"]


def _bearer(client, user):
    from parcours.accounts import services as account_services

    _token, key = account_services.token_create(actor=user, membership=user.active_membership, name="docs")
    return {"Authorization": f"Bearer {key}"}


def test_the_api_answers_404_without_a_consent_for_documents(papers, client):
    net, household, worker, document = papers
    partner = net.other_worker
    give_consent(household, net.partner, "support", worker)
    token = _bearer(client, partner)
    for path in (
        f"/api/v1/households/{household.pk}/documents",
        f"/api/v1/households/{household.pk}/documents/{document.pk}/content",
    ):
        response = client.get(path, headers=token)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    consent = give_consent(household, net.partner, "documents", worker)
    assert client.get(f"/api/v1/households/{household.pk}/documents", headers=token).status_code == 200
    refused = client.post(
        f"/api/v1/households/{household.pk}/documents", {"file": upload(), "kind": "payslip"}, headers=token
    )
    assert refused.status_code == 403 and Document.objects.count() == 1
    household_services.consent_revoke(actor=worker, consent=consent)
    assert client.get(f"/api/v1/households/{household.pk}/documents", headers=token).status_code == 404


@pytest.mark.parametrize("role", list(EXPECTED))
def test_among_households_already_read_keeps_the_documents_rules(papers, role):
    """visible_to(user, among=...) (the home page's next steps) limits to households read through the
    household rules without compiling them again: the documents' own rules still decide."""
    net, household, _worker, document = papers
    user = net.users[role]
    among = Household.objects.visible_to(user)
    assert list(Document.objects.visible_to(user, among=among)) == list(Document.objects.visible_to(user))
    assert (
        Document.objects.visible_to(user, among=[household.pk]).filter(pk=document.pk).exists()
        is (EXPECTED[role])
    )
