"""The referent of a transfer is searched by name (issue 18): no select of every social worker of the
network on the insertion-request page, a combobox fed by htmx, and a form that works without
JavaScript (one match is taken, several are offered as radio buttons)."""

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.households.models import Household
from tests.factories import MembershipFactory, UserFactory, as_member
from tests.orientation.test_orientation import _create, _user, network  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _worker(organization, first, last):
    user = UserFactory(first_name=first, last_name=last)
    MembershipFactory(user=user, role=Role.SOCIAL_WORKER, organization=organization)
    return user


@pytest.fixture
def transfer(network):  # noqa: F811
    req = _create(network)
    partner = network["members"]["other_worker"].organization
    people = {
        "lea": _worker(partner, "Léa", "Fontaine"),
        "leon": _worker(partner, "Léon", "Fontaine"),
        "marc": _worker(partner, "Marc", "Duval"),
        "elsewhere": _worker(network["association"], "Lou", "Fontaine"),
    }
    # Many colleagues in the network: none of them is listed on the page any more.
    for i in range(30):
        _worker(partner, "Collègue", f"Numéro{i:02d}")
    return {"req": req, "partner": partner, "people": people, **network}


def test_the_page_lists_no_social_worker_and_offers_the_combobox(
    transfer, client, login, django_assert_max_num_queries
):
    login(_user(transfer, "worker"))
    url = reverse("orientation:detail", args=[transfer["req"].pk])
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "Numéro07" not in page and "Fontaine" not in page
    assert 'role="combobox"' in page and 'aria-controls="ref-referent-listbox"' in page
    assert reverse("orientation:referent_search", args=[transfer["req"].pk]) in page
    assert 'role="listbox"' in page


def test_search_lists_the_matches_of_the_organization_chosen(transfer, client, login):
    login(_user(transfer, "worker"))
    url = reverse("orientation:referent_search", args=[transfer["req"].pk])
    answer = client.get(url, {"ref-referent_name": "fontaine", "ref-organization": transfer["partner"].pk})
    text = answer.content.decode()
    assert answer.status_code == 200
    assert text.count('role="option"') == 2 and "Léa Fontaine" in text and "Léon Fontaine" in text
    assert "Lou Fontaine" not in text  # another organization's
    assert "2 personnes trouvées" in text
    everyone = client.get(url, {"ref-referent_name": "fontaine"}).content.decode()
    assert "Lou Fontaine" in everyone
    nobody = client.get(url, {"ref-referent_name": "zzz"}).content.decode()
    assert 'aria-disabled="true"' in nobody and "Aucun" in nobody


def test_search_is_refused_to_whoever_may_not_transfer(transfer, client, login):
    login(_user(transfer, "other_worker"))
    url = reverse("orientation:referent_search", args=[transfer["req"].pk])
    assert client.get(url, {"ref-referent_name": "fontaine"}).status_code == 404


def _post(client, req, **data):
    return client.post(
        reverse("orientation:transfer_referent", args=[req.pk]),
        {"ref-reason": "Déménagement", **{f"ref-{k}": v for k, v in data.items()}},
    )


def test_the_choice_made_in_the_combobox_is_recorded(transfer, client, login):
    login(_user(transfer, "worker"))
    lea = transfer["people"]["lea"]
    answer = _post(
        client,
        transfer["req"],
        organization=transfer["partner"].pk,
        referent_name="Léa Fontaine",
        referent=lea.pk,
    )
    assert answer.status_code == 302
    household = Household.objects.get(pk=transfer["household"].pk)
    assert household.referent == lea and household.referent_organization == transfer["partner"]


def test_without_javascript_one_match_is_taken(transfer, client, login):
    login(_user(transfer, "worker"))
    answer = _post(client, transfer["req"], organization=transfer["partner"].pk, referent_name="duval")
    assert answer.status_code == 302
    assert Household.objects.get(pk=transfer["household"].pk).referent == transfer["people"]["marc"]


def test_without_javascript_several_matches_are_offered_then_one_is_chosen(transfer, client, login):
    login(_user(transfer, "worker"))
    before = Household.objects.get(pk=transfer["household"].pk)
    answer = _post(client, transfer["req"], organization=transfer["partner"].pk, referent_name="Fontaine")
    page = answer.content.decode()
    assert answer.status_code == 400 and "Plusieurs personnes portent ce nom" in page
    assert page.count('type="radio" name="ref-referent"') == 2
    after = Household.objects.get(pk=transfer["household"].pk)
    assert (after.referent_id, after.referent_organization_id, after.version) == (
        before.referent_id,
        before.referent_organization_id,
        before.version,
    )
    leon = transfer["people"]["leon"]
    chosen = _post(
        client,
        transfer["req"],
        organization=transfer["partner"].pk,
        referent_name="Fontaine",
        referent=leon.pk,
    )
    assert chosen.status_code == 302
    assert Household.objects.get(pk=transfer["household"].pk).referent == leon


def test_an_unknown_name_or_a_forged_id_changes_nothing(transfer, client, login):
    login(_user(transfer, "worker"))
    before = Household.objects.get(pk=transfer["household"].pk)
    unknown = _post(client, transfer["req"], organization=transfer["partner"].pk, referent_name="Personne")
    assert unknown.status_code == 400 and "ne porte ce nom" in unknown.content.decode()
    outsider = as_member(MembershipFactory(role=Role.CALL_HANDLER))  # not a social worker
    forged = _post(
        client,
        transfer["req"],
        organization=transfer["partner"].pk,
        referent_name=outsider.get_full_name(),
        referent=outsider.pk,
    )
    assert forged.status_code == 400
    after = Household.objects.get(pk=transfer["household"].pk)
    assert (after.referent_id, after.version) == (before.referent_id, before.version)


def test_no_name_transfers_to_the_organization_alone(transfer, client, login):
    login(_user(transfer, "worker"))
    answer = _post(client, transfer["req"], organization=transfer["partner"].pk, referent_name="")
    assert answer.status_code == 302
    household = Household.objects.get(pk=transfer["household"].pk)
    assert household.referent is None and household.referent_organization == transfer["partner"]


def test_the_cached_transfer_fields_carry_each_request_s_own_url_and_a_renamed_organization(
    transfer, client, login
):
    """The blank transfer forms' fields come from the cache (issue 18): each page still searches its
    own request's referents, and an organization renamed since is offered under its new name at once."""
    from parcours.accounts.models import Organization
    from tests.factories import make_household

    login(_user(transfer, "worker"))
    first = transfer["req"]
    client.get(reverse("orientation:detail", args=[first.pk]))  # the fields into the cache
    other = _create(transfer, household=make_household(organization=transfer["association"]))
    page = client.get(reverse("orientation:detail", args=[other.pk])).content.decode()
    assert reverse("orientation:referent_search", args=[other.pk]) in page
    assert reverse("orientation:referent_search", args=[first.pk]) not in page
    old_name = transfer["partner"].name
    partner = Organization.objects.get(pk=transfer["partner"].pk)
    partner.name = "Les Nouvelles Amarres"
    partner.save()
    page = client.get(reverse("orientation:detail", args=[first.pk])).content.decode()
    assert "Les Nouvelles Amarres" in page and f">{old_name}<" not in page
    assert reverse("orientation:referent_search", args=[first.pk]) in page


def test_a_refused_transfer_shows_what_was_typed_not_the_cached_blank_fields(transfer, client, login):
    login(_user(transfer, "worker"))
    client.get(reverse("orientation:detail", args=[transfer["req"].pk]))  # the blank fields cached
    answer = _post(client, transfer["req"], organization=transfer["partner"].pk, referent_name="Fontaine")
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'value="Fontaine"' in page and page.count('type="radio" name="ref-referent"') == 2
