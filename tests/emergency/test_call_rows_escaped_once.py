"""`{% call_result_row %}` asks the rules once per household without the template's memo and escapes a
row's names in one go (issue 18): the same HTML as the template it replaced, byte for byte, in French
and in English, names shown (with or without birth years) and hidden (the number and the reason)."""

from datetime import date

import pytest
from django.template import Context, RequestContext, Template
from django.utils import translation

from parcours.accounts.roles import Role
from parcours.households.models import Household, with_people
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db

# A household found while taking a call, as emergency/call.html drew it before `call_result_row`.
_TEMPLATE = (
    "{% load i18n visibility_tags %}{% for h in results %}"
    '<li><a href="?household={{ h.pk }}">{% translate "Choisir" %} {% household_name h %}</a>'
    '{% may_read h "first_name" "person" as names_shown %}'
    '{% may_read h "birth_date" "person" as years_shown %}'
    "{% if names_shown %} — {% for p in h.members %}{{ p.first_name }} {{ p.last_name }}"
    '{% if years_shown and p.birth_date %} ({{ p.birth_date|date:"Y" }}){% endif %}'
    "{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}</li>{% endfor %}"
)
_TAG = "{% load emergency_tags %}{% for h in results %}{% call_result_row h %}{% endfor %}"


@pytest.fixture
def found():
    t93 = TerritoryFactory(code="93")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    make_household(
        organization=siao,
        people=[
            ("Inès \"<b>\" & 'co'", "Robert <i>", date(1988, 3, 4)),
            ("Léo", "Robert", None),
            ("Zoé", "Ø'Brien", date(2019, 12, 31)),
        ],
    )
    make_household(organization=association, people=[("Ana", "Robert <b>", date(1970, 1, 2))])
    make_household(organization=siao, people=[("Ö", "<script>", date(2001, 6, 1))], protected=True)
    households = list(Household.objects.prefetch_related(*with_people()).order_by("pk"))
    readers = {
        "handler": as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=siao)),
        "stranger": as_member(MembershipFactory(role=Role.SOCIAL_WORKER)),
        "observer": as_member(MembershipFactory(role=Role.OBSERVER)),
        "referent": as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)),
    }
    nobody = MembershipFactory(role=Role.SOCIAL_WORKER).user
    nobody.active_membership = None
    readers["no membership"] = nobody
    return households, readers


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_the_templates_html_for_every_reader(found, rf, language):
    households, readers = found
    shown = hidden = 0
    with translation.override(language):
        for who, user in readers.items():
            request = rf.get("/")
            request.user = user
            expected = Template(_TEMPLATE).render(RequestContext(request, {"results": households}))
            drawn = Template(_TAG).render(RequestContext(request, {"results": households}))
            assert drawn == expected, who
            shown += drawn.count('<span class="household-name">')
            hidden += drawn.count('<span class="text-body-secondary small">(')
        # Without a request: the household's str and « Choisir ».
        no_request = Template(_TAG).render(Context({"results": households}))
        assert no_request.count("<li>") == len(households) and "household-name" not in no_request
    assert shown and hidden


def test_the_names_are_escaped_as_the_template_escaped_them(found, rf):
    households, readers = found
    request = rf.get("/")
    request.user = readers["handler"]
    drawn = Template(_TAG).render(RequestContext(request, {"results": households}))
    assert (
        "Inès &quot;&lt;b&gt;&quot; &amp; &#x27;co&#x27; Robert &lt;i&gt; (1988), "
        "Léo Robert, Zoé Ø&#x27;Brien (2019)" in drawn
    )
    assert "<script>" not in drawn and "<b>" not in drawn and "<i>" not in drawn
