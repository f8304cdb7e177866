"""A household is named by the person's name and composition where the user may read them, and by its
number with the reason otherwise (households.display, issue 15)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from parcours.accounts.roles import Role
from parcours.households.display import composition, household_label
from tests.factories.households import HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _family(network, **kwargs):
    household = HouseholdFactory(
        territory__code="93",
        referent_organization=network.association,
        people=[("Awa", "Diallo", dt.date(1990, 1, 1))],
        **kwargs,
    )
    household.people.filter(first_name="Awa").update(sex="F")
    PersonFactory(household=household, child=True, first_name="Lina", last_name="Diallo")
    PersonFactory(household=household, child=True, first_name="Sami", last_name="Diallo")
    return household


def _territory_of(network, household):
    from parcours.territories.models import Territory

    household.territory = Territory.objects.get(code="93")
    household.save()
    return household


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SOCIAL_WORKER, "Awa D. · F + 2 enfants"),
        (Role.SIAO_COORDINATOR, "Awa D. · F + 2 enfants"),
        (Role.CALL_HANDLER, "Awa D. · F + 2 enfants"),
        (Role.OBSERVER, "identité réservée aux professionnels"),
        (Role.NETWORK_ADMIN, "identité réservée aux professionnels"),
        (Role.LANDLORD, "sans consentement"),
    ],
)
def test_each_role_reads_the_name_or_the_reason(role_network, role, expected):
    household = _territory_of(role_network, _family(role_network))
    label = household_label(role_network.users[role], household)
    assert expected in label.text
    if "Awa" not in expected:
        assert "Awa" not in label.text and "Diallo" not in label.text
        assert f"n° {household.pk}" in label.text


def test_a_partner_with_consent_reads_the_name(role_network):
    household = _territory_of(
        role_network,
        _family(role_network, with_consent="orientation", with_consent__organization=role_network.partner),
    )
    assert household_label(role_network.other_worker, household).text == "Awa D. · F + 2 enfants"


def test_the_template_tag_escapes_and_follows_the_rules(role_network):
    household = _territory_of(role_network, _family(role_network))
    household.people.filter(first_name="Awa").update(first_name="<b>Awa</b>")
    template = Template("{% load visibility_tags %}{% household_name household %}")
    request = RequestFactory().get("/")
    request.user = role_network.users[Role.SOCIAL_WORKER]
    html = template.render(Context({"request": request, "household": household}))
    assert "&lt;b&gt;Awa&lt;/b&gt; D." in html and "F + 2 enfants" in html
    request.user = role_network.users[Role.OBSERVER]
    html = template.render(Context({"request": request, "household": household}))
    assert "Diallo" not in html and f"Ménage n° {household.pk}" in html


def test_a_template_asks_the_rules_once_per_household(role_network, monkeypatch):
    """A list row names its household and asks for some of its fields, of two records: the rules are
    asked once per household for all its records while the template draws (visibility_tags), and
    again at the next drawing."""
    from parcours.households import visibility

    household = _territory_of(role_network, _family(role_network))
    asked = []
    real = visibility.readable_fields_by_record
    monkeypatch.setattr(visibility, "readable_fields_by_record", lambda *a: asked.append(a[1].pk) or real(*a))
    template = Template(
        "{% load visibility_tags %}{% household_name household %}"
        '{% may_read household "situation" as a %}{% may_read household "birth_date" "person" as b %}'
        "{{ a }} {{ b }}"
    )
    request = RequestFactory().get("/")
    request.user = role_network.users[Role.SOCIAL_WORKER]
    html = template.render(Context({"request": request, "household": household}))
    assert "Awa D." in html and html.endswith("True True")
    assert asked == [household.pk]
    request.user = role_network.users[Role.OBSERVER]
    html = template.render(Context({"request": request, "household": household}))
    assert "Awa" not in html and html.endswith("False False")


def test_a_traced_list_is_named_with_the_labels_the_trace_computed(role_network):
    from parcours.core.models import AuditEvent
    from parcours.households.display import remembered_label, trace_named

    household = _territory_of(role_network, _family(role_network))
    request = RequestFactory().get("/")
    user = request.user = role_network.users[Role.SOCIAL_WORKER]
    user.active_membership = user.memberships.get()
    trace_named(user, [household], purpose="list", request=request)
    assert AuditEvent.objects.filter(object_id=str(household.pk), purpose="list").count() == 1
    label = remembered_label(request, user, household)
    assert label is not None and label.name == "Awa D."
    # Another instance of the same file, or another user, is not given that label.
    assert remembered_label(request, user, type(household).objects.get(pk=household.pk)) is None
    assert remembered_label(request, role_network.users[Role.OBSERVER], household) is None
    html = Template("{% load visibility_tags %}{% household_name household %}").render(
        Context({"request": request, "household": household})
    )
    assert "Awa D." in html


def test_composition_counts_adults_by_sex_then_children():
    class P:
        def __init__(self, pk, sex, relationship, birth):
            self.pk, self.sex, self.relationship, self.birth_date = pk, sex, relationship, birth

    on = dt.date(2026, 12, 1)
    assert composition([P(1, "M", "head", dt.date(1980, 1, 1))], on) == "H"
    assert (
        composition(
            [
                P(2, "F", "spouse", dt.date(1982, 1, 1)),
                P(1, "M", "head", dt.date(1980, 1, 1)),
                P(3, "X", "child", dt.date(2020, 1, 1)),
            ],
            on,
        )
        == "H + F + 1 enfant"
    )
    # an adult child counts as an adult
    assert composition([P(1, "F", "head", None), P(2, "M", "child", dt.date(2000, 1, 1))], on) == "F + H"
    # an adult whose sex was not given
    assert (
        composition([P(1, "X", "head", None), P(2, "F", "child", dt.date(2020, 1, 1))], on)
        == "adulte + 1 enfant"
    )


def test_a_list_names_its_households_from_label_prefetch_lists(role_network, django_assert_num_queries):
    """label_prefetch reads the people and the consents into the lists `members` and `all_consents`
    read (models.with_people, issue 18): naming a household of a list asks nothing more, and says the
    same as a household read alone, consent included; who left the household is not counted."""
    from parcours.households.models import CONSENTS_ATTR, PEOPLE_ATTR, Household
    from parcours.households.querysets import label_prefetch

    household = _territory_of(
        role_network,
        _family(role_network, with_consent="orientation", with_consent__organization=role_network.partner),
    )
    PersonFactory(household=household, child=True, first_name="Noa", left_on=dt.date(2024, 1, 1))
    user = role_network.other_worker
    alone = household_label(user, Household.objects.get(pk=household.pk)).text
    assert alone == "Awa D. · F + 2 enfants"
    (listed,) = Household.objects.filter(pk=household.pk).prefetch_related(*label_prefetch())
    # Plain lists, not a queryset built and filtered per household (the prefetch cache stays empty).
    assert PEOPLE_ATTR in vars(listed) and CONSENTS_ATTR in vars(listed)
    assert not getattr(listed, "_prefetched_objects_cache", {})
    with django_assert_num_queries(0):
        assert household_label(user, listed).text == alone
        assert len(listed.all_people) == 4 and len(listed.members) == 3
