"""The 115 board's reads made cheaper under load (issue 18): the free units' query keeps its answers
with the night's bookings read once (`board.free_base`), and the waiting list's rows keep their HTML."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db.models import Exists, OuterRef
from django.template import RequestContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.roles import Role
from parcours.emergency import board, services
from parcours.emergency.models import NightAllocation, PlacesDeclaration
from parcours.emergency.nights import current_night
from parcours.emergency.templatetags import emergency_tags
from parcours.households.models import Household, Person
from parcours.households.templatetags.visibility_tags import _name_html, _readable, reverse_in_drawing
from parcours.offers.choices import EMERGENCY_KINDS
from parcours.offers.models import Unit
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_emergency_facility,
    make_household,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def places():
    """The SIAO 93's handler and manager; a CHU of 4 single rooms, a family CHU of 3 rooms, a women's
    halte of 2 beds, a CHRS (not an emergency offer) and a CHU in 75."""
    t93 = TerritoryFactory(code="93")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    chu, singles = make_emergency_facility(organization=association, units=4, accepted_household="single")
    family_chu, families = make_emergency_facility(
        organization=association, units=3, capacity=4, accepted_household="family"
    )
    halte, beds = make_emergency_facility(
        organization=association, kind="halte_nuit", units=2, accepted_sex="F"
    )
    make_emergency_facility(organization=association, kind="chrs", units=2)
    make_emergency_facility(organization=association, territory="75", units=2)
    return {
        "territory_id": t93.pk,
        "handler": as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=siao)),
        "manager": as_member(MembershipFactory(role=Role.FACILITY_MANAGER, organization=association)),
        "chu": chu,
        "singles": singles,
        "family_chu": family_chu,
        "families": families,
        "halte": halte,
        "beds": beds,
    }


def _reference_free_base(*, night, territory_id):
    """`board.free_base` as it was written before issue 18: the bookings excluded by a correlated
    NOT EXISTS, which PostgreSQL without statistics ran as a nested loop over the night's bookings."""
    declared = PlacesDeclaration.objects.filter(facility_id=OuterRef("facility_id"), night=night)
    declared_unit = PlacesDeclaration.units.through.objects.filter(
        unit_id=OuterRef("pk"), placesdeclaration__night=night
    )
    booked = NightAllocation.objects.filter(unit_id=OuterRef("pk"), night=night, status="booked")
    units = Unit.objects.filter(active=True, facility__active=True, facility__kind__in=EMERGENCY_KINDS)
    if territory_id is not None:
        units = units.filter(facility__territory_id=territory_id)
    return units.filter(~Exists(declared) | Exists(declared_unit)).filter(~Exists(booked))


def _book(places, unit, night, **kwargs):
    request = services.request_create(actor=places["handler"], night=night, persons=unit.capacity, **kwargs)
    return services.allocate(actor=places["handler"], request=request, unit=unit)


def _busy_night(places):
    """Tonight with what a load run leaves: bookings, one cancelled and one no-show (free again),
    bookings of other nights on the same units, a declaration naming one of the CHU's rooms, an
    inactive unit."""
    night = current_night()
    singles, families, beds = places["singles"], places["families"], places["beds"]
    _book(places, singles[0], night)
    _book(places, families[0], night, children=2)
    _book(places, beds[0], night, women_only=True)
    NightAllocation.objects.filter(unit=beds[0], night=night).update(status="cancelled")
    _book(places, families[1], night, children=1)
    NightAllocation.objects.filter(unit=families[1], night=night).update(status="no_show")
    for unit in (singles[1], families[2], beds[1]):
        _book(places, unit, night + timedelta(days=1))
        _book(places, unit, night + timedelta(days=2))
    services.places_declare(actor=places["manager"], facility=places["chu"], night=night, units=singles[:3])
    Unit.objects.filter(pk=singles[2].pk).update(active=False)
    return night


def _reads(night, territory_id):
    """Every read the 115 pages make through `free_base`: a request's groups for several compositions,
    the board's cards for every public, the summaries per kind and per public."""
    compositions = [(1, 0, False), (1, 0, True), (3, 2, False), (2, 0, False), (2, 1, True)]
    groups = [
        list(
            board.group_rows(
                board.free_units(night=night, territory_id=territory_id, persons=p, children=c, women_only=w)
            )
        )
        for p, c, w in compositions
    ]
    base = board.free_base(night=night, territory_id=territory_id)
    cards = [
        sorted(board.card_rows(board.filtered_units(base, public=public)))
        for public in ["", *board.PUBLIC_FILTERS]
    ]
    summaries = []
    if territory_id is not None:
        summaries = [
            board.free_summary(night=night, territory_id=territory_id),
            board.free_by_public(night=night, territory_id=territory_id),
        ]
    return sorted(base.values_list("pk", flat=True)), groups, cards, summaries


@pytest.mark.parametrize("territory", ["93", "all"])
def test_the_free_units_are_those_of_the_correlated_query(places, territory, monkeypatch):
    """The night's bookings read once (`NOT IN`) exclude the same units as the correlated NOT EXISTS:
    booked ones only (not cancelled, not a no-show), that night only, declarations and inactive
    units as before; and every read made of it (groups, cards, summaries) gives the same rows."""
    night = _busy_night(places)
    territory_id = places["territory_id"] if territory == "93" else None
    new = _reads(night, territory_id)
    monkeypatch.setattr(board, "free_base", _reference_free_base)
    # The summaries' SQL compiled by the new query must not answer for the old one.
    monkeypatch.setattr(board, "rows_of", lambda _key, build: list(build()))
    old = _reads(night, territory_id)
    assert new == old
    free = set(new[0])
    singles, families, beds = places["singles"], places["families"], places["beds"]
    # Booked tonight: gone; cancelled or no-show: free again; booked another night: free tonight.
    assert {singles[0].pk, families[0].pk}.isdisjoint(free)
    assert {beds[0].pk, families[1].pk, families[2].pk, beds[1].pk, singles[1].pk} <= free
    # The CHU declared rooms 1–3 (room 1 booked, room 3 inactive): room 2 only; room 4 not offered.
    assert {u.pk for u in singles} & free == {singles[1].pk}
    assert new[1][0] and new[1][2] and new[2][0]  # a man alone, a family, the whole board


def test_the_nights_bookings_are_read_once_not_per_unit(places):
    """The bookings' subquery names no column of the unit it filters: the database reads the night's
    bookings once (PostgreSQL hashes them) instead of once per unit."""
    sql, _params = board.free_base(
        night=current_night(), territory_id=places["territory_id"]
    ).query.sql_with_params()
    allocations = NightAllocation._meta.db_table
    subquery = sql.split(f'FROM "{allocations}"', 1)[1].split(")))", 1)[0]
    assert Unit._meta.db_table not in subquery
    assert f'"{Unit._meta.db_table}"."id" IN (SELECT' in sql


# --- the waiting list's rows -------------------------------------------------------------------------


def _reference_caller_html(context, req):
    household = req.household
    if household is not None:
        request = context.get("request")
        if request is None:
            return str(household)
        return _name_html(request, household, _readable(context, request.user, household))
    if req.caller_name:
        return format_html(
            '{} <span class="text-body-secondary small">({})</span>', req.caller_name, _("sans dossier")
        )
    return _("Appelant·e anonyme")


def _reference_waiting_row(context, req):
    """`waiting_row` as it was before issue 18's second pass: format_html over each piece."""
    priority = req.priority
    return format_html(
        '<li class="list-group-item" data-request="{}">\n'
        '          <div class="d-flex gap-2 align-items-baseline">\n'
        '            <span class="badge prc-priority-{} {}" title="{}">{}</span>\n'
        '            <a id="req-{}" class="fw-semibold" href="{}">{}</a>\n'
        "          </div>\n"
        '          <div class="small">\n'
        "            {} · <strong data-waited>{}</strong> ·\n"
        "            {}{}\n"
        "          </div>\n"
        "        </li>",
        req.pk,
        str(priority).lower(),
        {"P1": "text-bg-danger", "P2": "text-bg-warning"}.get(priority, "text-bg-secondary"),
        req.get_priority_display(),
        priority,
        req.pk,
        reverse_in_drawing(context, "emergency:request", req.pk),
        _reference_caller_html(context, req),
        req.called_label,
        req.waited,
        req.persons_label,
        format_html(" · {}", _("femme seule ou avec enfants")) if req.women_only else "",
    )


@pytest.fixture
def waiting(places):
    """Fifty-two open requests tonight, the board showing fifty: households whose names the handler
    reads, one moved to another département (its number and why), one without members (its bare
    number), callers without a file whose names hold HTML's characters, anonymous callers; every
    priority, children, women alone."""
    siao = places["handler"].active_membership.organization
    night = current_night()
    priorities = ["P1", "P2", "P3", "P4"]
    for n in range(52):
        kind = n % 5
        priority = priorities[n % 4]
        asked = {
            "night": night,
            "persons": 1 + n % 3,
            "children": n % 3 and (n % 2),
            "women_only": n % 7 == 0,
            "priority": priority,
            "priority_reason": "vu au téléphone",
        }
        if kind in (0, 1):
            people = [(f"Awa{n}", f"Diallo <b>'{n}\"", date(1990, 1, 2)), ("Léo", "D", date(2020, 6, 7))]
            asked["household"] = make_household(organization=siao, people=people)
        elif kind == 2:
            asked["caller_name"] = f"Jo & <i>'{n}\""
        services.request_create(actor=places["handler"], **asked)
    named = Household.objects.filter(emergency_requests__night=night).order_by("pk")
    Household.objects.filter(pk=named[0].pk).update(territory=TerritoryFactory(code="75"))
    Person.objects.filter(household=named[1]).delete()
    return night


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_waiting_rows_are_byte_for_byte_those_of_format_html(places, waiting, login, client, language):
    """The board's fifty waiting rows, escaped piece by piece with the shared words translated once
    per drawing, are the HTML that format_html drew, in each language; and as the page shows them."""
    login(places["handler"])
    with translation.override(language):
        response = client.get(reverse("emergency:board"), HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        rows = response.context["waiting"]
        assert len(rows) == 50
        request = response.wsgi_request
        new_context = RequestContext(request, {"request": request})
        old_context = RequestContext(request, {"request": request})
        new = [emergency_tags.waiting_row(new_context, req) for req in rows]
        old = [_reference_waiting_row(old_context, req) for req in rows]
        # Without a request in the context: the household as str(), escaped.
        bare = RequestContext(request, {})
        assert [emergency_tags.waiting_row(bare, req) for req in rows] == [
            _reference_waiting_row(RequestContext(request, {}), req) for req in rows
        ]
    assert new == old
    assert all(f"\n        {row}\n      " in body for row in new)
    drawn = "".join(new)
    for priority in ("p1", "p2", "p3", "p4"):
        assert f"prc-priority-{priority}" in drawn
    assert "Jo &amp; &lt;i&gt;&#x27;" in drawn and "&quot;" in drawn
    assert drawn.count('<span class="household-name">') >= 15
    moved = Household.objects.get(territory__code="75")
    memberless = Household.objects.get(people__isnull=True)
    assert f'{moved.pk} <span class="text-body-secondary small">(' in drawn  # the number, why hidden
    assert f"{memberless.pk}</a>" in drawn  # the bare number


def test_the_waiting_rows_ask_the_database_nothing(places, waiting, login, client, django_assert_num_queries):
    """Drawing the rows reads nothing more: the households and their people come with the list."""
    login(places["handler"])
    response = client.get(reverse("emergency:board"))
    request = response.wsgi_request
    context = RequestContext(request, {"request": request})
    with django_assert_num_queries(0):
        drawn = [emergency_tags.waiting_row(context, req) for req in response.context["waiting"]]
    assert len(drawn) == 50


def _reference_waiting_lines(req, now):
    """`board.waiting_lines` before its words were kept per language: four lookups a row."""
    minutes = max(0, int((now - req.called_at).total_seconds() // 60))
    if minutes < 60:
        req.waited = _("depuis %(m)d min") % {"m": minutes}
    else:
        req.waited = _("depuis %(h)d h %(m)02d") % {"h": minutes // 60, "m": minutes % 60}
    req.called_label = _("appel à %(t)s") % {"t": timezone.localtime(req.called_at).strftime("%H:%M")}
    persons = ngettext("%(n)s personne", "%(n)s personnes", req.persons) % {"n": req.persons}
    if req.children:
        persons += " " + ngettext("dont %(n)s enfant", "dont %(n)s enfants", req.children) % {
            "n": req.children
        }
    req.persons_label = persons


def test_the_waiting_lines_are_those_translated_at_each_row():
    """The call's time, the wait and the persons, with their words kept per language, say what
    gettext and ngettext said at each row: in French, English, Arabic (untranslated words), back in
    French, for every wait (minutes, hours) and household size."""
    called_at = timezone.now() - timedelta(hours=3)
    for language in ["fr", "en", "ar", "fr", "en"]:
        with translation.override(language):
            for minutes in [0, 1, 59, 60, 61, 185, 1500]:
                now = called_at + timedelta(minutes=minutes, seconds=30)
                for persons, children in [(1, 0), (2, 0), (2, 1), (3, 2), (12, 11)]:
                    new = SimpleNamespace(called_at=called_at, persons=persons, children=children)
                    old = SimpleNamespace(called_at=called_at, persons=persons, children=children)
                    board.waiting_lines(new, now)
                    _reference_waiting_lines(old, now)
                    assert vars(new) == vars(old)
    with translation.override("en"):
        board.waiting_lines(new, now)
    assert new.persons_label == "12 people of whom 11 children"
    assert new.waited == "for 25 h 00"
