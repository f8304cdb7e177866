"""Hypothesis-driven fuzzing of every form the pages offer: whatever is typed, never a 500.

The forms are not listed by hand: each role's pages are crawled, every `<form method="post">` is
read (its fields, their kinds, the choices of its lists) and posted with generated values: text
with control characters and NUL, very long text, impossible dates and numbers, choices that do not
exist, boxes ticked or not. PARCOURS_FORM_FUZZ_EXAMPLES examples per form (the same on each run).
"""

import os
from collections import deque
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from parcours.accounts.roles import Role
from parcours.households.models import Household
from parcours.offers import services as offer_services
from tests.factories import MembershipFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PARCOURS_FORM_FUZZ_EXAMPLES", "6"))
# Never posted: leaving the session, or changing who or in which language one works.
SKIPPED_ACTIONS = ("/compte/deconnexion/", "/compte/rattachement/", "/i18n/")
SKIPPED_LINKS = ("/static/", "/api/", "/i18n/", "/compte/deconnexion/")


class FormReader(HTMLParser):
    """The POST forms of a page: action and fields (name → kind, choices, current value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form["fields"].setdefault(
                a["name"], {"kind": kind, "value": a.get("value", ""), "choices": []}
            )
            if kind in ("radio", "checkbox"):
                self._form["fields"][a["name"]]["choices"].append(a.get("value", "on"))
        elif tag == "textarea":
            self._form["fields"][a["name"]] = {"kind": "textarea", "value": "", "choices": []}
        elif tag == "select":
            self._select = {"kind": "select", "value": "", "choices": [], "multiple": "multiple" in a}
            self._form["fields"][a["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._select["choices"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5).map(lambda s: s + "\x00"),
    st.sampled_from(["", " ", "0", "-1", "9" * 30, "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --"]),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat), st.sampled_from(["2026-02-30", "31/12/2026"])
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str), st.sampled_from(["1e400", "nan"])
)


def value_strategy(field: dict):
    kind, choices = field["kind"], field["choices"]
    if kind == "hidden":
        # The CSRF token and versions stay as served, but a version is sometimes stale or absurd.
        return st.sampled_from([field["value"], field["value"], "0", "abc"])
    if kind == "checkbox":
        return st.sampled_from([None, *choices])
    if kind in ("select", "radio"):
        return st.one_of(st.sampled_from(choices or [""]), TEXT)
    if kind == "date":
        return DATES
    if kind == "number":
        return NUMBERS
    return st.one_of(TEXT, DATES, NUMBERS)


def collect_forms(client, start: list[str], limit: int = 60) -> dict[str, dict]:
    """Crawl from `start` (at most `limit` pages); the POST forms found, by action URL."""
    forms, queue, seen = {}, deque(start), set(start)
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.headers.get("Content-Type", "") or response.status_code != 200:
            continue
        reader = FormReader()
        reader.feed(response.content.decode())
        for form in reader.forms:
            action = urljoin(url, form["action"] or url)
            if urlsplit(action).path.startswith(SKIPPED_ACTIONS):
                continue
            forms.setdefault(action, form)
        for link in reader.links:
            if not link.startswith(SKIPPED_LINKS) and link not in seen:
                seen.add(link)
                queue.append(link)
    return forms


def fuzz_form(client, action: str, form: dict, posted: list) -> None:
    names = sorted(form["fields"])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("PARCOURS_FUZZ_RANDOM", "") != "true",
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(values=st.fixed_dictionaries({name: value_strategy(form["fields"][name]) for name in names}))
    def post(values):
        data = {name: value for name, value in values.items() if value is not None}
        response = client.post(action, data)
        posted.append(response.status_code)
        assert response.status_code < 500, f"{action} answered {response.status_code} to {data!r}"[:3000]

    post()


@pytest.mark.parametrize("role", list(Role))
def test_every_form_of_the_role_survives_generated_input(client, login, role):
    TerritoryFactory(code="93")
    membership = MembershipFactory(role=role)
    social_worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=membership.organization)
    for _ in range(2):
        make_household(organization=membership.organization, referent=social_worker.user)
    # An offer with a place and a vacancy, so that the offer's forms are reached too: set up by a
    # facility manager of the organization (the offer's services check who acts, ADR 0016).
    manager = MembershipFactory(role=Role.FACILITY_MANAGER, organization=membership.organization)
    actor = manager.user
    actor.active_membership = manager
    facility = offer_services.facility_create(
        actor=actor, name="Les Amarres", kind="chu", organization=membership.organization, territory="93"
    )
    unit = offer_services.unit_create(actor=actor, facility=facility, label="Chambre 1", capacity=2)
    offer_services.vacancy_declare(actor=actor, unit=unit, available_from=timezone.localdate())
    login(membership.user)
    forms = collect_forms(client, ["/", "/compte/"])
    assert forms, "no form found"
    posted: list[int] = []
    for action, form in sorted(forms.items()):
        fuzz_form(client, action, form, posted)
        login(membership.user)  # a fuzzed form may have ended the session (password, second factor…)
    print(f"\nform fuzz as {role}: {len(forms)} forms, {len(posted)} posts")
    assert len(posted) >= len(forms)


def test_merge_with_a_duplicate_that_is_not_a_number_answers_404_not_500(client, login):
    """Found by the form fuzzing: households:merge cast any posted text to an id."""
    membership = MembershipFactory(role=Role.SOCIAL_WORKER)
    household = make_household(organization=membership.organization, referent=membership.user)
    login(membership.user)
    response = client.post(reverse("households:merge", args=[household.pk]), {"duplicate": "eq\x05Di"})
    assert response.status_code == 404
    assert Household.objects.filter(pk=household.pk).exists()


def test_account_activation_with_a_back_that_is_not_a_path_goes_back_to_the_directory(client, login):
    """Found by the form fuzzing: "back=0" was taken for a view name to reverse (a 500)."""
    admin = MembershipFactory(role=Role.NETWORK_ADMIN)
    other = MembershipFactory(role=Role.SOCIAL_WORKER)
    login(admin.user)
    for back in ("0", "https://ailleurs.example/", "/reseau/organisations/"):
        response = client.post(
            reverse("network:user_set_active", args=[other.user.pk]), {"active": "1", "back": back}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/reseau/organisations/"
