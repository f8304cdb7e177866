"""The household page's path, its providers' SQL compiled once per process (core.compiled, issue 18):
the same steps as the ORM's answer to the very same querysets, for every demo account in each of its
memberships, whoever compiled a query first (a place shown to one reader, hidden from the next; the
support steps of one organization never reused for another); `is_named_on` as its ORM query; the
steps drawn in Python (views._path_html) byte for byte as the template's loop drew them."""

import datetime as dt

import pytest
from django.db.models import Q
from django.template import Context, Template
from django.utils import translation

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.emergency.models import NightAllocation
from parcours.emergency.nights import current_night
from parcours.households import perms, views
from parcours.households.models import Household
from parcours.households.timeline import Step, household_path
from parcours.support.models import MeasureTransition
from tests.factories import (
    ConsentFactory,
    EmergencyRequestFactory,
    MembershipFactory,
    SupportMeasureFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db

SOURCES = (
    Q(emergency_requests__isnull=False)
    | Q(insertion_requests__isnull=False)
    | Q(support_measures__isnull=False)
    | Q(protected=True)
)


def _orm(monkeypatch):
    """The reference: each compiled read answered by the ORM, from the same queryset."""
    monkeypatch.setattr(compiled, "instances_of", lambda key, build, prefetch_key=None, **v: list(build(**v)))
    monkeypatch.setattr(compiled, "rows_of", lambda key, build, **v: list(build(**v)))


def _readers():
    """Every demo account in each of its memberships, in an order that mixes roles and organizations."""
    memberships = Membership.objects.select_related("user", "organization").order_by("-pk")
    return [as_member(m) for m in memberships]


def _households():
    found = Household.objects.filter(SOURCES, deleted_at__isnull=True).distinct().order_by("pk")
    return list(found[:40])


def _paths(readers, households):
    paths = {}
    for user in readers:
        for household in households:
            if perms.access(user, household) != perms.Access.NONE:
                paths[user.active_membership.pk, household.pk] = household_path(user, household)
    return paths


def test_the_compiled_path_is_the_orms_for_every_reader(demo_network, monkeypatch):
    readers, households = _readers(), _households()
    compiled._COMPILED.clear()
    ours = _paths(readers, households)
    assert any(k[0] == "emergency.steps" for k in compiled._COMPILED)  # the compiled path ran
    with monkeypatch.context() as patched:
        _orm(patched)
        expected = _paths(readers, households)
    assert ours == expected
    steps = [step for path in ours.values() for step in path]
    domains = {step.domain for step in steps}
    assert {"emergency", "orientation", "support", "household"} <= domains
    assert any("place attribuée" in step.label for step in steps) and any(step.url for step in steps)
    # The keys name rules (ids, roles, days), nothing read from a row.
    for key in compiled._COMPILED:
        assert all(isinstance(part, int | str | bool | dt.date | tuple | type(None)) for part in key), key


def test_a_protected_households_places_follow_the_reader_whoever_compiled_first(demo_network, monkeypatch):
    """The 115 steps' query depends on whether the reader may see the place: compiled for one who
    may not, then asked by one who may (and the other way round), each reads as the ORM answers."""
    households = [h for h in _households() if h.protected] or _households()[:5]
    readers = _readers()
    for order in (readers, readers[::-1]):
        compiled._COMPILED.clear()
        ours = _paths(order, households)
        with monkeypatch.context() as patched:
            _orm(patched)
            assert ours == _paths(order, households)


def test_a_booked_nights_place_follows_the_reader_whoever_compiled_first(role_network, monkeypatch):
    """The 115 steps' query reads the booked nights' places only for whoever may see them (a key of
    its own); on a protected file the place is named to its named users only: compiled for one
    reader, then asked by the others in turn, each reads what the ORM answers."""
    net = role_network
    referent = net.users[Role.SOCIAL_WORKER]
    handler = net.users[Role.CALL_HANDLER]
    readers = [handler, referent, net.other_worker, net.users[Role.SIAO_COORDINATOR]]
    plain = make_household(organization=net.association, referent=referent)
    protected = make_household(organization=net.association, referent=referent, protected=True)
    ConsentFactory(household=plain, organization=net.partner)
    ConsentFactory(household=protected, organization=net.partner)
    for household in (plain, protected):
        EmergencyRequestFactory(household=household, allocated=True)
        EmergencyRequestFactory(household=household, unmet=True, night=current_night() - dt.timedelta(days=1))
    for order in (readers, readers[::-1]):
        compiled._COMPILED.clear()
        ours = _paths(order, [plain, protected])
        with monkeypatch.context() as patched:
            _orm(patched)
            assert ours == _paths(order, [plain, protected])
        labels = {
            (user, h): [s.label for s in ours[user.active_membership.pk, h.pk]]
            for user in order
            for h in (plain, protected)
            if (user.active_membership.pk, h.pk) in ours
        }
        assert {k[1] for k in compiled._COMPILED if k[0] == "emergency.steps"} == {True, False}
    facility = NightAllocation.objects.filter(request__household=plain).get().unit.facility.name
    hidden = str(perms.HIDDEN_PLACE)
    assert any(facility in label for label in labels[referent, plain])
    assert not any(facility in label for label in labels[net.other_worker, plain])  # the shared sheet
    assert any(hidden in label for label in labels[handler, protected])  # not named on it
    assert not any(hidden in label for label in labels[referent, protected])


def test_support_steps_of_one_organization_are_not_reused_for_another(role_network, monkeypatch):
    """Two social workers of two associations read the same household: each its own measures' steps,
    with its own key (the rule's organization is in the SQL)."""
    net = role_network
    household = make_household(organization=net.association, territory="93")
    for organization in (net.association, net.partner):
        measure = SupportMeasureFactory(household=household, organization=organization)
        MeasureTransition.objects.create(measure=measure, from_status="", to_status="open")
    worker = net.users[Role.SOCIAL_WORKER]
    other = net.other_worker
    coordinator = net.users[Role.SIAO_COORDINATOR]
    second = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=net.association))
    compiled._COMPILED.clear()
    ours = {u.pk: household_path(u, household) for u in (worker, other, coordinator, second)}
    with monkeypatch.context() as patched:
        _orm(patched)
        expected = {u.pk: household_path(u, household) for u in (worker, other, coordinator, second)}
    assert ours == expected
    keys = [k for k in compiled._COMPILED if k[0] == "support.steps.measures"]
    assert len({k[1:] for k in keys}) == len(keys) == 4  # one per reader: never another's


def test_is_named_on_is_its_orm_query(role_network):
    net = role_network
    referent = net.users[Role.SOCIAL_WORKER]
    named = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=net.association))
    stranger = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=net.association))
    protected = make_household(organization=net.association, referent=referent, protected=True)
    other = make_household(organization=net.association, protected=True)
    protected.protected_viewers.add(named)
    compiled._COMPILED.clear()
    users = (stranger, named, referent, net.other_worker)
    ours = [perms.is_named_on(u, h) for h in (protected, other) for u in users]
    assert ours == [
        u.pk == h.referent_id or h.protected_viewers.filter(pk=u.pk).exists()
        for h in (protected, other)
        for u in users
    ]
    assert ours[:3] == [False, True, True] and not any(ours[4:])


# The loop views._path_html replaces, as detail.html held it.
LOOP = Template(
    """{% for step in path %}
    <li class="prc-path-step prc-path-{{ step.domain }} border-start border-3 ps-3 pb-2">
      <time datetime="{{ step.at|date:'c' }}" class="small text-secondary d-block">{{ step.at|date:"DATETIME_FORMAT" }}</time>
      {% if step.url %}<a href="{{ step.url }}">{{ step.label }}</a>{% else %}{{ step.label }}{% endif %}{% if step.actor %} <span class="small text-secondary">— {{ step.actor }}</span>{% endif %}
    </li>
  {% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_path_is_drawn_as_the_templates_loop(demo_network, language):
    readers, households = _readers(), _households()
    paths = list(_paths(readers[:6], households).values())
    odd = [
        Step(
            at=dt.datetime(
                2026, 3, 29, 1, 30, tzinfo=dt.UTC
            ),  # 03:30 in Paris, the first hour of summer time
            domain='x"<y>',
            label="<b>Awa</b> & « co' »",
            actor='D<i> "x"',
            url="/a?b=1&c=<2>",
        ),
        Step(at=Step.on(dt.date(2026, 10, 25)), domain="household", label="Ouverture", actor="", url=""),
        Step(at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), domain="support", label="n", actor="a"),
    ]
    with translation.override(language):
        for path in [*paths, odd, []]:
            assert views._path_html(path) == LOOP.render(Context({"path": path}))
    assert sum(len(p) for p in paths) >= 20


def test_the_household_page_holds_its_path(demo_network, login, client):
    from parcours.accounts.models import User

    worker = User.objects.get(username="travailleuse")
    login(worker)
    for household in _households()[:10]:
        response = client.get(f"/menages/{household.pk}/")
        if response.status_code != 200:
            continue
        path = response.context["path"]
        html = response.content.decode()
        assert views._path_html(path) in html
        assert html.count('class="prc-path-step') == len(path)


MEMBERS = Template(
    """{% for person in household.members %}
      <tr><td>{{ person.first_name }} {{ person.last_name }}</td><td>{{ person.get_relationship_display }}</td>
        <td>{{ person.birth_date|date:"DATE_FORMAT"|default:"—" }}</td><td>{{ person.age|default_if_none:"—" }}</td><td>{{ person.get_sex_display }}</td></tr>
    {% endfor %}"""  # noqa: E501
)
SITUATIONS = Template(
    """{% for period in situations %}<tr><td>{{ period.get_situation_display }}</td><td>{{ period.started_on|date:"DATE_FORMAT" }}</td><td>{{ period.ended_on|date:"DATE_FORMAT"|default:_("en cours") }}</td></tr>{% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_members_and_situations_are_drawn_as_the_templates_loops(demo_network, language):
    households = list(Household.objects.filter(deleted_at__isnull=True).order_by("pk")[:60])
    with translation.override(language):
        for household in households:
            situations = sorted(household.situations.all(), key=lambda p: (p.started_on, p.pk), reverse=True)
            assert views._members_html(household.members) == MEMBERS.render(Context({"household": household}))
            assert views._situations_html(situations) == SITUATIONS.render(
                Context({"situations": situations})
            )
        household = households[0]
        person = household.members[0]
        person.first_name, person.last_name, person.birth_date = "<b>Awa</b> & \"co'", "D<i>", None
        assert "&lt;b&gt;Awa" in views._members_html([person])
        assert views._members_html([person]) == MEMBERS.render(Context({"household": {"members": [person]}}))
    assert sum(len(h.members) for h in households) >= 60
    assert any(p.ended_on is None for h in households for p in h.situations.all())
    assert any(p.ended_on is not None for h in households for p in h.situations.all())
