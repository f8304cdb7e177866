"""The insertion requests' pages read through SQL compiled once per process (issue 18): a request's
lookup once per visibility rule (core.lookup's `compiled_as`, InsertionRequestQuerySet.visibility_key),
its proposals and history once for all. They open and show exactly what the ORM's `visible_to` and
the request's own querysets answer, for every role, whoever compiled the SQL first."""

import itertools

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core import pagination
from parcours.core.errors import NotFound
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household
from parcours.orientation import views
from parcours.orientation.models import InsertionRequest
from tests.factories import ConsentFactory, InsertionRequestFactory, ProposalFactory, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

SCOPES = [{}, {"include_merged": True}]


@pytest.fixture
def requests(role_network):
    """A request on each kind of file: the association's own, another association's, one shared with
    the association and the landlord by consent (and proposed on the landlord's place), a protected
    one, one in Paris, one whose household was merged into another."""
    net = role_network
    own = make_household(organization=net.association)
    partner = make_household(organization=net.partner)
    consented = make_household(organization=net.partner)
    ConsentFactory(household=consented, organization=net.association)
    ConsentFactory(household=consented, organization=net.landlord)
    protected = make_household(organization=net.association, protected=True)
    paris = make_household(organization=net.partner, territory="75")
    merged = make_household(organization=net.association)
    Household.objects.filter(pk=merged.pk).update(merged_into=own)
    found = [
        InsertionRequestFactory(household=household, submitted=True)
        for household in (own, partner, protected, paris, merged)
    ]
    shared = ProposalFactory(
        request__household=consented, vacancy__unit__facility__organization=net.landlord
    ).request
    return [*found, shared]


def _users(net):
    return [*net.users.values(), net.other_worker]


def _opens(user, insertion_request, scope, compiled: bool) -> bool:
    try:
        get_visible_or_404(
            InsertionRequest,
            insertion_request.pk,
            user,
            compiled_as="test.orientation" if compiled else None,
            **scope,
        )
    except NotFound:
        return False
    return True


def test_the_compiled_lookup_opens_what_visible_to_opens_for_every_role_and_scope(role_network, requests):
    # Each user in turn compiles or reuses the SQL of a rule; the answers never depend on who went first.
    opened = set()
    for user, scope, found in itertools.product(_users(role_network), SCOPES, requests):
        expected = InsertionRequest.objects.visible_to(user, **scope).filter(pk=found.pk).exists()
        assert _opens(user, found, scope, compiled=True) is expected, (user, scope, found)
        assert _opens(user, found, scope, compiled=False) is expected
        opened |= {(user.pk, found.pk)} if expected else set()
    # Every branch of the rule opens something: the referent, the SIAO, a consent, a consent and a link.
    net = role_network
    for role in (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR, Role.CALL_HANDLER, Role.LANDLORD):
        assert any(user == net.users[role].pk for user, _ in opened), role
    assert any(user == net.other_worker.pk for user, _ in opened)


def test_the_key_is_the_households_rule_and_its_scope(role_network):
    worker, other = role_network.users[Role.SOCIAL_WORKER], role_network.other_worker
    key = InsertionRequest.objects.visibility_key
    assert key(worker) == Household.objects.visibility_key(worker)
    assert key(worker) != key(other)
    assert key(worker) != key(worker, include_merged=True)
    assert key(role_network.users[Role.OBSERVER]) is None


def test_a_merged_files_request_opens_on_its_page_as_before(role_network, requests, client, login):
    """The page opens the request of a file merged into another, as the household's page opens the file."""
    merged, worker = requests[4], role_network.users[Role.SOCIAL_WORKER]
    login(worker)
    assert not InsertionRequest.objects.visible_to(worker).filter(pk=merged.pk)
    assert client.get(reverse("orientation:detail", args=[merged.pk])).status_code == 200


ROLES = [Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR, Role.LANDLORD, Role.CALL_HANDLER]


@pytest.mark.parametrize("role", ROLES)
def test_the_page_opens_exactly_the_requests_it_opened_before(role_network, requests, client, login, role):
    """The compiled lookup, then the request's own rule (a landlord never reads a request's page):
    the page answers as `can_view_request` on every request, whatever the SQL compiled first."""
    from parcours.orientation import perms

    user = role_network.users[role]
    login(user)
    for found in requests:
        expected = perms.can_view_request(user, found)
        status = client.get(reverse("orientation:detail", args=[found.pk])).status_code
        assert status == (200 if expected else 404), (role, found)
    assert client.get(reverse("orientation:detail", args=[2**63])).status_code == 404


def test_the_proposals_and_the_history_are_the_orms(role_network, client, login):
    household = make_household(organization=role_network.association)
    first = ProposalFactory(refused=True, request__household=household)
    found = first.request
    second = ProposalFactory(withdrawn=True, request=found)
    other = ProposalFactory(refused=True)  # another request's: never shown
    worker = role_network.users[Role.SOCIAL_WORKER]
    from parcours.orientation.services import perform

    perform("cancel", actor=worker, insertion_request=found, reason="Plus de besoin")
    for _ in range(2):  # compiled, then from the compiled SQL
        proposals = views._proposals(worker, found)
        expected = list(found.proposals.select_related("vacancy__unit__facility", "refusal_reason"))
        assert [p.pk for p in proposals] == [p.pk for p in expected] == [second.pk, first.pk]
        assert all(p.request is found for p in proposals)
        assert proposals[1].refusal_reason == first.refusal_reason
        assert proposals[0].vacancy.unit.facility == second.vacancy.unit.facility
        transitions = views._transitions(found)
        expected = list(found.transitions.select_related("actor").order_by("at", "pk"))
        assert [(t.pk, t.actor, t.to_status) for t in transitions] == [
            (t.pk, t.actor, t.to_status) for t in expected
        ]
        assert transitions and transitions[-1].actor == worker
    assert [p.pk for p in views._proposals(worker, other.request)] == [other.pk]


@pytest.fixture
def listed(role_network, requests):
    """More requests of the association, of each status, to fill a few pages."""
    traits = ({}, {"submitted": True}, {"validated": True}, {"to_complete": True}, {"cancelled": True})
    for number in range(9):
        household = make_household(organization=role_network.association)
        InsertionRequestFactory(household=household, **traits[number % len(traits)])
    return requests


@pytest.mark.parametrize("compiled_pages", [pagination.COMPILED_PAGES, 1])
def test_the_compiled_list_reads_the_pages_the_orm_reads(role_network, listed, monkeypatch, compiled_pages):
    """Every page, status and reader of the list: the rows and the total of counted_page on the ORM's
    queryset, whoever compiled first; past the compiled pages, the ORM itself."""
    from parcours.accounts.perms import active_membership
    from parcours.core.pagination import counted_page

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(pagination, "COMPILED_PAGES", compiled_pages)
    net = role_network
    readers = [net.users[Role.SOCIAL_WORKER], net.users[Role.SIAO_COORDINATOR], net.other_worker]
    for user, status, number in itertools.product(
        readers, ["", "submitted", "draft", "validated"], [None, "1", "2", "3", "9", "x", "-1"]
    ):
        membership = active_membership(user)
        for _ in range(2):  # compiled, then from the compiled SQL
            page = views._page(user, membership, status, number)
            expected = counted_page(views._listed(user, membership, status), 3, number)
            assert [r.pk for r in page] == [r.pk for r in expected], (user, status, number)
            assert (page.number, page.paginator.count, page.paginator.num_pages) == (
                expected.number,
                expected.paginator.count,
                expected.paginator.num_pages,
            )
            assert [r.household.members for r in page] == [r.household.members for r in expected]


def test_the_compiled_list_never_gives_a_worker_another_ones_rows(role_network, listed):
    from parcours.accounts.perms import active_membership

    worker, other = role_network.users[Role.SOCIAL_WORKER], role_network.other_worker
    mine = {r.pk for r in views._page(worker, active_membership(worker), "", None)}
    theirs = {r.pk for r in views._page(other, active_membership(other), "", None)}
    assert mine and theirs and not mine & theirs


def test_a_rows_date_is_the_date_filters_in_every_language_and_time_zone():
    """The list's dates, remembered per moment, zone and language, are what the template's filter writes."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone, translation

    from parcours.orientation.templatetags.orientation_tags import _day

    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)  # already April 1st in Paris
    moments = [late, late.astimezone(ZoneInfo("Europe/Paris")), dt.date(2026, 3, 31), None]
    for language, zone in itertools.product(["fr", "en"], ["Europe/Paris", "America/Cayenne", "UTC"]):
        with translation.override(language), timezone.override(zone):
            for _ in range(2):  # computed, then remembered
                for moment in moments:
                    expected = date_filter(timezone.template_localtime(moment), "DATE_FORMAT") or "—"
                    assert _day(moment) == expected, (language, zone, moment)
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert _day(late) == "1 avril 2026"
    with translation.override("en"), timezone.override("UTC"):
        assert _day(late) == "March 31, 2026"


def test_an_empty_list_is_one_query(role_network, listed, django_assert_num_queries):
    """A worker whose organization has no request (most of the load test's): one read, no count."""
    from parcours.accounts.perms import active_membership
    from parcours.core.pagination import counted_page
    from tests.factories import MembershipFactory, OrganizationFactory, as_member

    alone = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=OrganizationFactory()))
    membership = active_membership(alone)
    views._page(alone, membership, "", None)  # compiled
    with django_assert_num_queries(1):
        page = views._page(alone, membership, "", None)
    expected = counted_page(views._listed(alone, membership, ""), views.PAGE_SIZE, None)
    assert list(page) == list(expected) == []
    assert (page.number, page.paginator.count, page.paginator.num_pages, page.has_other_pages()) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
        expected.has_other_pages(),
    )
