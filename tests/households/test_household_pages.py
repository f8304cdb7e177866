"""Household pages: search, opening a file with the duplicate warning, the file, edits, consent, merge."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.households.models import Consent, Household
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(client, login):
    TerritoryFactory(code="93")
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    login(membership.user)
    return membership


def _create_form(**overrides):
    data = {
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "members-0-first_name": "Awa",
        "members-0-last_name": "Diallo",
        "members-0-birth_date": "1990-05-04",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-1-first_name": "Moussa",
        "members-1-last_name": "Diallo",
        "members-1-birth_date": "2021-09-01",
        "members-1-sex": "M",
        "members-1-relationship": "child",
        "territory": "93",
        "situation": "hotel",
        "situation_since": "2026-10-01",
        "monthly_resources": "850.50",
    }
    data.update(overrides)
    return data


def test_open_a_file_then_read_it(client, worker):
    response = client.post(reverse("households:create"), _create_form())
    household = Household.objects.get()
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert household.referent == worker.user and household.people.count() == 2
    html = client.get(response["Location"]).content.decode()
    assert "Awa Diallo" in html and "Moussa" in html and "850,50" in html and "Hôtel" in html
    read = AuditEvent.objects.filter(kind="read", object_id=str(household.pk), purpose="file").get()
    assert "composition" in read.sections and "whereabouts" in read.sections


def test_duplicate_warning_then_confirmation(client, worker):
    make_household(organization=worker.organization, people=[("Awa", "Diallo", date(1990, 5, 4))])
    response = client.post(reverse("households:create"), _create_form())
    assert response.status_code == 200
    assert "Ce ménage a peut-être déjà un dossier" in response.content.decode()
    assert Household.objects.count() == 1
    response = client.post(reverse("households:create"), _create_form(confirm_new="on"))
    assert response.status_code == 302 and Household.objects.count() == 2


def test_form_errors_are_explained_and_nothing_is_saved(client, worker):
    response = client.post(reverse("households:create"), _create_form(**{"members-1-relationship": "head"}))
    assert response.status_code == 400
    assert "une et une seule personne de référence" in response.content.decode()
    response = client.post(reverse("households:create"), _create_form(monthly_resources="-3"))
    assert response.status_code == 400 and "supérieure ou égale à 0" in response.content.decode()
    assert not Household.objects.exists()


def test_search_page_finds_accents_ignored(client, worker):
    household = make_household(organization=worker.organization)
    html = client.get(reverse("households:list"), {"q": "benoit lefevre 1984"}).content.decode()
    assert f"n° {household.pk}" in html and "Benoît" in html
    assert "Aucun ménage" in client.get(reverse("households:list"), {"q": "zzz"}).content.decode()


def test_concurrent_edits_second_one_is_refused(client, worker):
    household = make_household(organization=worker.organization, referent=worker.user)
    url = reverse("households:edit", args=[household.pk])
    form = {
        "version": 1,
        "territory": "93",
        "situation": "street",
        "sne_number": "093120000001",
        "dalo_decision": "",
    }
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "sne_number": "093120000002"})
    assert response.status_code == 409 and "Quelqu&#x27;un a modifié ce dossier" in response.content.decode()
    household.refresh_from_db()
    assert household.sne_number == "093120000001" and household.version == 2


def test_consent_recorded_and_withdrawn_from_the_page(client, worker):
    household = make_household(organization=worker.organization, referent=worker.user)
    partner = OrganizationFactory()
    ends = (timezone.localdate() + timedelta(days=90)).isoformat()
    client.post(
        reverse("households:consent_add", args=[household.pk]),
        {"organization": partner.pk, "purpose": "support", "ends_on": ends, "informed_how": "orally"},
    )
    consent = Consent.objects.get()
    assert consent.is_active and consent.recorded_by == worker.user
    client.post(reverse("households:consent_revoke", args=[household.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_blank_consent_form_names_a_new_organization_at_once(client, worker):
    """Its fields are rendered once and kept in the cache: an organization created, renamed or closed
    is in the select at the next page (core.cache's generation), and a refused form keeps its input."""
    household = make_household(organization=worker.organization, referent=worker.user)
    page = reverse("households:detail", args=[household.pk])
    partner = OrganizationFactory(name="Association Première")
    html = client.get(page).content.decode()
    assert "Association Première" in html and 'name="informed_how"' in html
    other = OrganizationFactory(name="Association Nouvelle")
    assert "Association Nouvelle" in client.get(page).content.decode()
    other.active = False
    other.save()
    assert "Association Nouvelle" not in client.get(page).content.decode()
    refused = client.post(
        reverse("households:consent_add", args=[household.pk]),
        {"organization": partner.pk, "purpose": "support", "ends_on": "", "informed_how": "orally"},
    )
    assert refused.status_code == 400
    assert f'<option value="{partner.pk}" selected>' in refused.content.decode()


def test_protected_whereabouts_hidden_from_the_siao(client, login):
    TerritoryFactory(code="93")
    association = OrganizationFactory()
    household = make_household(organization=association, protected=True)
    siao = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True))
    login(siao.user)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Benoît" in html and "12 rue de l" not in html and "0600000000" not in html
    assert "Ménage protégé" in html


def test_access_log_and_right_of_access_export(client, worker):
    household = make_household(organization=worker.organization, referent=worker.user)
    client.get(reverse("households:detail", args=[household.pk]))
    log = client.get(reverse("households:access_log", args=[household.pk])).content.decode()
    assert worker.user.get_full_name() in log
    export = client.get(reverse("households:export", args=[household.pk]), {"format": "json"})
    data = export.json()
    assert data["people"][0]["last_name"] == "Lefèvre" and data["household"]["address"].startswith("12 rue")
    assert any(entry["purpose"] == "file" for entry in data["access_log"])


def test_merge_keeps_both_histories_and_can_be_undone(client, worker):
    keep = make_household(organization=worker.organization, referent=worker.user)
    duplicate = make_household(organization=worker.organization, referent=worker.user, situation="hotel")
    page = client.get(reverse("households:merge", args=[keep.pk])).content.decode()
    assert f'value="{duplicate.pk}"' in page
    client.post(reverse("households:merge", args=[keep.pk]), {"duplicate": duplicate.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk and duplicate.situations.count() == 1
    # The duplicate no longer shows in searches, its people lead to the kept file.
    results = client.get(reverse("households:list"), {"q": "lefevre"}).content.decode()
    assert f"n° {keep.pk}<" in results and f"n° {duplicate.pk}<" not in results
    client.post(reverse("households:split", args=[duplicate.pk]))
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.NETWORK_ADMIN, Role.LANDLORD, Role.FACILITY_MANAGER])
def test_roles_without_households_get_404(client, login, role):
    TerritoryFactory(code="93")
    household = make_household(organization=OrganizationFactory())
    login(MembershipFactory(role=role).user)
    for name in ("households:list", "households:create"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404


def test_household_page_query_count_is_bounded(client, worker, django_assert_max_num_queries):
    household = make_household(
        organization=worker.organization,
        referent=worker.user,
        people=[("Benoît", "Lefèvre", date(1984, 7, 3))]
        + [(f"Enfant{n}", "Lefèvre", date(2015, 1, n + 1)) for n in range(6)],
    )
    # 26 since aller-vers: its encounters are one more provider of the path (one query, bounded); 16
    # since the path asks only the domains with records and the blank consent form is cached (issue 18).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200


def test_composition_edit_keeps_who_left(client, worker):
    household = make_household(
        organization=worker.organization,
        referent=worker.user,
        people=[("Benoît", "Lefèvre", date(1984, 7, 3)), ("Jules", "Lefèvre", date(2010, 3, 1))],
    )
    head, child = household.people.order_by("pk")
    form = {
        "version": household.version,
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "2",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "members-0-id": head.pk,
        "members-0-first_name": "Benoît",
        "members-0-last_name": "Lefèvre",
        "members-0-birth_date": "1984-07-03",
        "members-0-sex": "M",
        "members-0-relationship": "head",
        "members-1-id": child.pk,
        "members-1-first_name": "Jules",
        "members-1-last_name": "Lefèvre",
        "members-1-birth_date": "2010-03-01",
        "members-1-sex": "M",
        "members-1-relationship": "child",
        "members-1-leaves": "on",
        "members-2-first_name": "Nadia",
        "members-2-last_name": "Haddad",
        "members-2-birth_date": "1986-01-20",
        "members-2-sex": "F",
        "members-2-relationship": "spouse",
    }
    assert client.post(reverse("households:composition", args=[household.pk]), form).status_code == 302
    household.refresh_from_db()
    assert [p.first_name for p in household.members] == ["Benoît", "Nadia"]
    child.refresh_from_db()
    assert child.left_on == timezone.localdate()  # still in the history
    stale = client.post(reverse("households:composition", args=[household.pk]), form)
    assert stale.status_code == 409


def test_resources_and_charges_by_source(client, worker):
    household = make_household(organization=worker.organization, referent=worker.user)
    form = {
        "version": household.version,
        "money-TOTAL_FORMS": "3",
        "money-INITIAL_FORMS": "0",
        "money-MIN_NUM_FORMS": "0",
        "money-MAX_NUM_FORMS": "40",
        "money-0-kind": "r:rsa",
        "money-0-monthly_amount": "607.75",
        "money-1-kind": "r:housing_benefit",
        "money-1-monthly_amount": "250",
        "money-2-kind": "c:rent",
        "money-2-monthly_amount": "420",
    }
    assert client.post(reverse("households:money", args=[household.pk]), form).status_code == 302
    household = Household.objects.prefetch_related("money_lines").get(pk=household.pk)
    assert (str(household.monthly_resources), str(household.monthly_charges)) == ("857.75", "420.00")
    bad = client.post(
        reverse("households:money", args=[household.pk]),
        {**form, "version": 2, "money-0-monthly_amount": "-1"},
    )
    assert bad.status_code == 400
    assert Household.objects.get(pk=household.pk).money_lines.count() == 3


def test_naming_who_may_see_a_protected_address(client, worker, login):
    colleague = MembershipFactory(role=Role.SOCIAL_WORKER, organization=worker.organization).user
    household = make_household(organization=worker.organization, referent=worker.user, protected=True)
    form = {
        "version": 1,
        "territory": "93",
        "situation": "street",
        "dalo_decision": "",
        "address": "12 rue de l'Exemple, 93000 Bobigny",
        "phone": "0600000000",
        "protected": "on",
        "protected_viewers": [colleague.pk],
    }
    response = client.post(reverse("households:edit", args=[household.pk]), form)
    assert response.status_code == 302
    client.logout()
    login(colleague)
    assert "12 rue de l" in client.get(reverse("households:detail", args=[household.pk])).content.decode()


def test_soft_deletion_by_the_referent_organization_only(client, worker, login):
    household = make_household(organization=worker.organization, referent=worker.user)
    siao = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True))
    client.logout()
    login(siao.user)
    assert client.post(reverse("households:delete", args=[household.pk]), {"version": 1}).status_code == 404
    client.logout()
    login(worker.user)
    assert client.post(reverse("households:delete", args=[household.pk]), {"version": 1}).status_code == 302
    household.refresh_from_db()
    assert household.deleted_at is not None  # kept, not erased
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action="households.household.delete", object_id=str(household.pk)
    ).exists()
