"""The insertion requests' list and page run a fixed number of queries (issue 18), whatever the rows:
the two every page pays (session, user; the second factor, the memberships and the menu from the cache),
then each its own, named below. A query more is a regression to explain, not a bound to raise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.roles import Role
from tests.factories import InsertionRequestFactory, ProposalFactory, make_household

pytestmark = pytest.mark.django_db

# session, user (the second-factor device, the memberships and the menu come from the cache)
EVERY_PAGE = 2
# the page of requests with their households and their total (core.pagination), people, consents; the
# audit row of the names read
LIST = EVERY_PAGE + 4
# the request with its household, people, consents; the audit row of the read; its proposals, its
# transitions (the transfer forms' organizations and départements come from the cache: views._blank_fields)
PAGE = EVERY_PAGE + 6


def _queries(client, path) -> list[str]:
    client.get(path)  # the memberships and the menu into the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def worker_with_requests(role_network, client, login):
    worker = role_network.users[Role.SOCIAL_WORKER]
    login(worker)

    def grow(n):
        requests = []
        for _ in range(n):
            household = make_household(organization=role_network.association, referent=worker)
            requests.append(InsertionRequestFactory(household=household, submitted=True))
        return requests

    return worker, grow


def test_the_list_runs_the_same_queries_for_one_request_or_twenty(worker_with_requests, client):
    _worker, grow = worker_with_requests
    grow(1)
    few = _queries(client, reverse("orientation:list"))
    assert len(few) == LIST, "\n".join(few)
    grow(19)
    many = _queries(client, reverse("orientation:list"))
    assert len(many) == LIST, "\n".join(many)
    listing = client.get(reverse("orientation:list")).content.decode()
    assert listing.count('href="/orientation/demandes/') >= 20


def test_the_page_runs_the_same_queries_with_its_proposals(worker_with_requests, client):
    _worker, grow = worker_with_requests
    req = grow(1)[0]
    path = reverse("orientation:detail", args=[req.pk])
    alone = _queries(client, path)
    assert len(alone) == PAGE, "\n".join(alone)
    req.status = "validated"
    req.save()
    for trait in ("refused", "withdrawn", "refused"):
        ProposalFactory(request=req, **{trait: True})
    with_proposals = _queries(client, path)
    assert len(with_proposals) == PAGE, "\n".join(with_proposals)
    page = client.get(path).content.decode()
    assert page.count('href="/orientation/propositions/') >= 3


def test_the_cached_status_filter_shows_the_status_chosen_and_a_refused_one(worker_with_requests, client):
    """The filter's select comes from the cache (issue 18), per status chosen: each shows its own."""
    _worker, grow = worker_with_requests
    grow(1)
    url = reverse("orientation:list")
    plain = client.get(url).content.decode()
    assert 'value="" selected' in plain
    chosen = client.get(url, {"status": "submitted"}).content.decode()
    assert 'value="submitted" selected' in chosen and 'value="" selected' not in chosen
    assert 'value="" selected' in client.get(url).content.decode()
    refused = client.get(url, {"status": "bogus"}).content.decode()
    assert "invalid-feedback" in refused or "is-invalid" in refused
