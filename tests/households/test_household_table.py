"""The household table (households/_table.html: the list, the search, the duplicates of a new file,
the merged files, the observatory's drill-down) draws its rows with one tag (visibility_tags.household_rows):
its HTML is the one the template drew with a tag or a filter per cell, for every role, every reason a
name is hidden, missing dates and situations, protected and merged files, in French and in English."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from parcours.accounts.roles import Role
from parcours.households.models import Household
from parcours.households.views import _listed
from tests.factories.households import HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

# The table as the template drew it before it was drawn in Python, kept beside this test as the reference.
REFERENCE = (Path(__file__).parent / "household_table_reference.html").read_text()

# As in production: an unknown variable (a household without a current situation) renders as "".
ENGINE = Engine(
    libraries={
        "i18n": "django.templatetags.i18n",
        "visibility_tags": "parcours.households.templatetags.visibility_tags",
    }
)

# What a row may show, each of which the households and users below must reach.
CASES = {
    "name and composition, escaped": r"household-name\">&lt;i&gt;Awa&lt;/i&gt; D\.</span> <span",
    "name hidden, with the reason": r'text-body-secondary small">\(',
    "number alone (nobody left)": r"<a href=\"/menages/\d+/\">[^<(]+</a>",
    "protected": "badge text-bg-warning",
    "a date": r"<td>\d{1,2} \w+ \d{4}</td>",
    "a situation": r"<td>[^<—\d]+</td>",
    "a dash": "<td>—</td>",
}


def _households(network):
    """One household per case a row draws differently."""
    from parcours.territories.models import Territory

    t93 = Territory.objects.get(code="93")
    family = HouseholdFactory(
        territory=t93,
        referent_organization=network.association,
        people=[("<i>Awa</i>", "Diallo", dt.date(1990, 1, 1))],
        protected=True,
        with_consent="orientation",
        with_consent__organization=network.partner,
    )
    family.people.update(sex="F")
    PersonFactory(household=family, child=True, first_name="Lina", last_name="Diallo")
    no_birth_date = HouseholdFactory(
        territory=t93,
        referent_organization=network.association,
        people=[("Karim", "Benali", None)],
        situation="hotel",
    )
    no_situation = HouseholdFactory(
        territory=t93, referent_organization=network.association, people=[("Jo", "", dt.date(1970, 5, 9))]
    )
    no_situation.situations.update(ended_on=dt.date(2026, 2, 1))
    nobody_left = HouseholdFactory(territory=t93, referent_organization=network.association)
    nobody_left.people.update(left_on=dt.date(2026, 3, 1))
    elsewhere = HouseholdFactory(
        territory=Territory.objects.get(code="75"),
        referent_organization=network.partner,
        people=[("Marc", "Petit", dt.date(1965, 12, 31))],
    )
    merged = HouseholdFactory(
        territory=t93,
        referent_organization=network.association,
        people=[("Awa", "Diallo", dt.date(1990, 1, 1))],
        merged_into=family,
    )
    pks = [h.pk for h in (family, no_birth_date, no_situation, nobody_left, elsewhere, merged)]
    return list(_listed(Household.objects.filter(pk__in=pks).order_by("pk")))


def _normalized(html):
    """The same HTML but for the blank lines the template's {% with %} left between rows."""
    return re.sub(r"\s+", " ", html).strip()


def _both(user, households, *, traced=False):
    request = RequestFactory().get("/") if user is not None else None
    if request is not None:
        request.user = user
        if traced:
            from parcours.households.display import trace_named

            trace_named(user, households, purpose="list", request=request)
    context = {"request": request, "households": households}
    old = ENGINE.from_string(REFERENCE).render(Context(context))
    new = get_template("households/_table.html").render(context)
    return old, new


def _users(network):
    return {**{role.value: user for role, user in network.users.items()}, "partner": network.other_worker}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_row_is_drawn_as_the_template_drew_it(role_network, language):
    households = _households(role_network)
    seen = set()
    with translation.override(language):
        for who, user in [*_users(role_network).items(), ("nobody", None)]:
            old, new = _both(user, households)
            assert _normalized(new) == _normalized(old), who
            seen.update(case for case, marker in CASES.items() if re.search(marker, new))
            if who in (Role.SOCIAL_WORKER.value, Role.OBSERVER.value):
                assert new.count("<tr>") == 1 + len(households)
    # The households and roles above reach every case of a row.
    assert seen == set(CASES), seen


def test_a_traced_list_draws_the_labels_of_its_trace(role_network):
    households = _households(role_network)
    user = role_network.users[Role.SOCIAL_WORKER]
    old, new = _both(user, households, traced=True)
    assert _normalized(new) == _normalized(old)
    assert "Awa&lt;/i&gt; D." in new


def test_an_empty_table(role_network):
    old, new = _both(role_network.users[Role.SOCIAL_WORKER], [])
    assert _normalized(new) == _normalized(old)
    assert "Aucun ménage." in new


def test_a_row_asks_the_rules_once(role_network, monkeypatch):
    """A row reads its household's person and household fields from one answer of the rules."""
    from parcours.households import visibility

    households = _households(role_network)
    asked = []
    real = visibility.readable_fields_by_record
    monkeypatch.setattr(visibility, "readable_fields_by_record", lambda *a: asked.append(a[1].pk) or real(*a))
    request = RequestFactory().get("/")
    request.user = role_network.users[Role.SOCIAL_WORKER]
    get_template("households/_table.html").render({"request": request, "households": households})
    assert sorted(asked) == sorted(h.pk for h in households)


def test_the_rules_for_all_records_at_once_answer_as_record_by_record(role_network):
    """readable_fields_by_record (one access check for every record) is readable_fields, record by
    record, for every role and every case of household (protected, consented, elsewhere, none)."""
    from parcours.households import visibility

    households = [*_households(role_network), None]
    for user in role_network.users.values():
        for household in households:
            together = visibility.readable_fields_by_record(user, household)
            assert set(together) == set(visibility.FIELDS)
            for record in visibility.FIELDS:
                assert together[record] == visibility.readable_fields(user, record, household), (user, record)
