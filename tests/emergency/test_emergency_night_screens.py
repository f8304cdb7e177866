"""The 115's night screens (issue 15): facilities' address, phone and door code; the board grouped by
facility with its filters; the waiting callers by name; the address SMS; the note on a call."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core import compiled, sms
from parcours.core.models import AuditEvent
from parcours.emergency import board, services
from parcours.emergency.models import EmergencyCall, EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from parcours.households.export import household_export
from parcours.offers.forms import FacilityForm
from parcours.offers.models import Facility
from parcours.offers.phones import normalize_french_phone
from parcours.territories.models import Commune
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    api_for,
    as_member,
    make_emergency_facility,
    make_household,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

ACCESS = {
    "street_address": "12 rue de la Gare",
    "postcode": "93700",
    "phone": "01 99 00 12 34",
    "door_code": "4821B",
    "opening_hours": "Arrivée de 19 h à 23 h.",
}


@pytest.fixture
def net():
    """The SIAO 93 with one member per role; an association runs a women's CHU with its address and
    door code in Drancy, a family CHU with pets and wheelchair access in Bobigny, and a men's halte."""
    t93 = TerritoryFactory(code="93")
    drancy = Commune.objects.create(code="93029", name="Drancy", territory=t93, postal_codes=["93700"])
    bobigny = Commune.objects.create(code="93008", name="Bobigny", territory=t93, postal_codes=["93000"])
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    other = OrganizationFactory(name="Autre association", territory=t93)
    members = {
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        Role.SOCIAL_WORKER: MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        Role.FACILITY_MANAGER: MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    women, women_units = make_emergency_facility(
        organization=association,
        units=3,
        accepted_sex="F",
        accepted_household="single",
        commune=drancy,
        **ACCESS,
    )
    families, family_units = make_emergency_facility(
        organization=association,
        units=2,
        capacity=4,
        accepted_household="family",
        commune=bobigny,
        pets_accepted=True,
        wheelchair_accessible=True,
        couples_accepted=True,
    )
    men, men_units = make_emergency_facility(
        organization=other, kind="halte_nuit", units=1, accepted_sex="M", accepted_household="single"
    )
    return {
        "members": members,
        "handler": as_member(members[Role.CALL_HANDLER]),
        "women": women,
        "women_units": women_units,
        "families": families,
        "family_units": family_units,
        "men": men,
        "drancy": drancy,
    }


# --- the facility's access: phone, address, door code ---------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0148950000", "01 48 95 00 00"),
        ("01.48.95.00.00", "01 48 95 00 00"),
        ("+33 1 48 95 00 00", "01 48 95 00 00"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033 9 70 00 00 00", "09 70 00 00 00"),
        ("", ""),
    ],
)
def test_french_numbers_are_stored_in_one_format(typed, stored):
    assert normalize_french_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "0048950000", "+44 20 7946 0000", "01 48 95 00 0", "téléphone"])
def test_a_bad_phone_is_refused_with_a_french_message(net, typed):
    data = {
        "name": "CHU Test",
        "kind": "chu",
        "organization": net["women"].organization_id,
        "territory": "93",
        "accepted_sex": "any",
        "accepted_household": "any",
        "phone": typed,
        "postcode": "9370",
    }
    form = FacilityForm(data, organizations=type(net["women"].organization).objects.all())
    assert not form.is_valid()
    assert "Numéro de téléphone français attendu" in form.errors["phone"][0]
    assert form.errors["postcode"] == ["Un code postal compte exactement 5 chiffres."]
    facility = net["women"]
    facility.phone = typed
    with pytest.raises(ValidationError, match="Numéro de téléphone français attendu"):
        facility.full_clean()


def test_the_facility_form_saves_the_access_fields(client, login, net):
    manager = net["members"][Role.FACILITY_MANAGER]
    login(manager.user)
    facility = net["families"]
    url = reverse("offers:facility_edit", args=[facility.pk])
    data = {
        "version": facility.version,
        "name": facility.name,
        "kind": "chu",
        "organization": facility.organization_id,
        "territory": "93",
        "commune": "93008",
        "accepted_sex": "any",
        "accepted_household": "family",
        "street_address": "3 allée des Tilleuls",
        "postcode": "93000",
        "phone": "+33148950000",
        "door_code": "1234",
        "opening_hours": "24 h/24",
        "pets_accepted": "on",
        "couples_accepted": "on",
        "active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.phone, facility.door_code, facility.full_address) == (
        "01 48 95 00 00",
        "1234",
        "3 allée des Tilleuls, 93000 Bobigny",
    )
    # A bad number: a French message on the page, nothing saved.
    response = client.post(url, {**data, "version": facility.version, "phone": "06 12", "door_code": "9999"})
    assert response.status_code == 400 and "Numéro de téléphone français attendu" in response.content.decode()
    facility.refresh_from_db()
    assert facility.door_code == "1234"


DOOR_CODE_SEEN = {
    Role.CALL_HANDLER: True,  # texts it to the person given a place
    Role.SIAO_COORDINATOR: True,  # manages the département's facilities
    Role.FACILITY_MANAGER: True,  # the facility's own staff
    Role.NETWORK_ADMIN: True,
    Role.SOCIAL_WORKER: False,
    Role.LANDLORD: False,
    Role.OBSERVER: False,
}


@pytest.mark.parametrize("role", list(DOOR_CODE_SEEN))
def test_the_door_code_is_for_the_staff_and_the_115_only(client, login, net, role):
    user = net["members"][role].user
    api = api_for(client, net["members"][role])
    login(user)
    page = client.get(reverse("offers:facility_detail", args=[net["women"].pk])).content.decode()
    assert "12 rue de la Gare, 93700 Drancy" in page  # the address is the offer, read by everyone
    assert ("4821B" in page) is DOOR_CODE_SEEN[role]
    rows = {row["id"]: row for row in api("get", "/facilities?emergency=true").json()["results"]}
    assert rows[net["women"].pk]["phone"] == "01 99 00 12 34"
    assert rows[net["women"].pk]["door_code"] == ("4821B" if DOOR_CODE_SEEN[role] else None)


def test_the_door_code_of_another_organizations_facility_is_not_shown_to_its_manager(client, login, net):
    login(net["members"][Role.FACILITY_MANAGER].user)
    Facility.objects.filter(pk=net["men"].pk).update(door_code="7777")
    page = client.get(reverse("offers:facility_detail", args=[net["men"].pk])).content.decode()
    assert "7777" not in page


# --- the board --------------------------------------------------------------------------------------


def _board(client, login, net, **query):
    login(net["members"][Role.CALL_HANDLER].user)
    return client.get(reverse("emergency:board"), query)


def test_the_board_has_one_card_per_facility_with_its_access_and_public(client, login, net):
    response = _board(client, login, net)
    cards = {c.facility_id: c for c in response.context["cards"]}
    assert set(cards) == {net["women"].pk, net["families"].pk, net["men"].pk}
    assert cards[net["families"].pk].places == 8 and cards[net["families"].pk].sizes == ((4, 2),)
    html = response.content.decode()
    assert html.count("data-facility=") == 3
    assert "12 rue de la Gare, 93700 Drancy" in html and "01 99 00 12 34" in html and "4821B" in html
    # Who a place takes is said in words, not by a colour.
    assert [str(b) for b in net["families"].public_badges] == [
        "Familles",
        "Couples",
        "Animaux",
        "Accès fauteuil roulant",
    ]
    assert [str(b) for b in net["women"].public_badges] == ["Femmes"]
    # The free places at the top, by public: 3 for women, 1 for men, 8 for families and couples.
    summary = {row["group"]: row["places"] for row in response.context["by_public"]}
    assert summary == {"women": 3, "men": 1, "families": 8, "couples": 8}
    assert response.context["free_places"] == 12


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"public": "women"}, {"women"}),
        ({"public": "men"}, {"men"}),
        ({"public": "families"}, {"families"}),
        ({"public": "couples"}, {"families"}),
        ({"pets": "on"}, {"families"}),
        ({"wheelchair": "on"}, {"families"}),
        ({"commune": "DRANCY"}, {"women"}),
        ({"persons": "3", "children": "2"}, {"families"}),
    ],
)
def test_board_filters(client, login, net, query, expected):
    if "commune" in query:
        query = {"commune": net["drancy"].pk}
    response = _board(client, login, net, **query)
    assert {c.facility_id for c in response.context["cards"]} == {net[name].pk for name in expected}


def test_board_filters_stick_until_removed(client, login, net):
    _board(client, login, net, public="women", pets="")
    again = client.get(reverse("emergency:board"))
    assert again.status_code == 302 and again["Location"].endswith("?public=women")
    # The htmx refresh keeps the URL's filters and does not redirect.
    refresh = client.get(reverse("emergency:board") + "?public=women", headers={"HX-Request": "true"})
    assert refresh.status_code == 200 and len(refresh.context["cards"]) == 1
    client.get(reverse("emergency:board"), {"reset": "1"})
    assert client.get(reverse("emergency:board")).status_code == 200


def test_a_bad_filter_says_so_in_french_and_shows_every_place(client, login, net):
    response = _board(client, login, net, persons="0")
    assert response.status_code == 200 and len(response.context["cards"]) == 3
    assert "supérieure ou égale à 1" in response.content.decode()


def test_the_board_with_a_hundred_facilities_stays_one_card_each(client, login, net):
    for _ in range(5):
        make_emergency_facility(organization=net["women"].organization, units=20)
    response = _board(client, login, net)
    assert len(response.context["cards"]) == 8
    assert response.content.decode().count("data-facility=") == 8


def _free(client):
    """The board's free places per facility, as the page shows them (the cards come from the cache)."""
    response = client.get(reverse("emergency:board"))
    assert response.status_code == 200
    return {c.facility_id: c.places for c in response.context["cards"]}, response.content.decode()


def test_the_shared_board_is_never_stale(client, login, net):
    """The cards are rendered once for all call handlers, and read again as soon as a booking, its end,
    a facility's declaration or an edit of the offer changes what a card says (issue 18)."""
    from parcours.offers import services as offer_services

    handler, manager = net["handler"], as_member(net["members"][Role.FACILITY_MANAGER])
    login(net["members"][Role.CALL_HANDLER].user)
    free, _html = _free(client)
    assert free == {net["women"].pk: 3, net["families"].pk: 8, net["men"].pk: 1}
    assert _free(client)[0] == free  # from the cache
    night = current_night()
    request = services.request_create(actor=handler, night=night, persons=1, caller_name="Sam")
    allocation = services.allocate(actor=handler, request=request, unit=net["women_units"][0])
    assert _free(client)[0][net["women"].pk] == 2
    services.allocation_cancel(actor=handler, allocation=allocation)
    assert _free(client)[0][net["women"].pk] == 3
    services.places_declare(
        actor=manager, facility=net["families"], night=night, units=net["family_units"][:1]
    )
    assert _free(client)[0][net["families"].pk] == 4
    services.places_declare(
        actor=manager, facility=net["families"], night=night, units=net["family_units"][1:]
    )
    assert _free(client)[0][net["families"].pk] == 4
    unit = net["women_units"][1]
    offer_services.unit_update(actor=manager, unit=unit, version=unit.version, capacity=2)
    assert _free(client)[0][net["women"].pk] == 4
    women = Facility.objects.get(pk=net["women"].pk)
    offer_services.facility_update(
        actor=manager, facility=women, version=women.version, phone="01 99 00 56 78"
    )
    assert "01 99 00 56 78" in _free(client)[1]


def test_the_shared_board_keeps_door_codes_to_those_who_may_see_them(client, login, net):
    login(net["members"][Role.CALL_HANDLER].user)
    assert "4821B" in client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    # A call handler of another département's SIAO looking at the 93's places: the same cards, without
    # the code (the cache keeps one board per organization and role).
    elsewhere = MembershipFactory(
        role=Role.CALL_HANDLER,
        organization=OrganizationFactory(siao=True, territory=TerritoryFactory(code="94")),
    )
    login(elsewhere.user)
    page = client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    assert net["women"].name in page and "4821B" not in page


def test_the_door_code_is_not_in_a_card_cached_for_whom_may_not_see_it(client, login, net):
    """The other way round: the card first rendered without the code (for a SIAO elsewhere) is not
    the one the département's call handler is given, before and after a booking (issue 18)."""
    elsewhere = MembershipFactory(
        role=Role.CALL_HANDLER,
        organization=OrganizationFactory(siao=True, territory=TerritoryFactory(code="94")),
    )
    login(elsewhere.user)
    assert "4821B" not in client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    login(net["members"][Role.CALL_HANDLER].user)
    assert "4821B" in client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    request = services.request_create(actor=net["handler"], night=current_night(), persons=1)
    services.allocate(actor=net["handler"], request=request, unit=net["women_units"][0])
    login(elsewhere.user)
    page = client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    assert net["women"].name in page and "4821B" not in page


@pytest.fixture
def rendered(monkeypatch):
    """The facilities whose card (or group of places) was rendered, not read from the cache."""
    ids = []
    original = board.facilities_of

    def facilities_of(wanted):
        ids.extend(wanted)
        return original(wanted)

    monkeypatch.setattr(board, "facilities_of", facilities_of)
    return ids


def test_a_change_renders_again_only_the_card_it_changes(client, login, net, rendered):
    """Each card is cached on its own (issue 18): a booking, its end, a declaration or an edit of a
    facility gives that facility's card at once, and the others come from the cache."""
    from parcours.offers import services as offer_services

    handler, manager = net["handler"], as_member(net["members"][Role.FACILITY_MANAGER])
    login(net["members"][Role.CALL_HANDLER].user)
    _free(client)
    assert sorted(rendered) == sorted([net["women"].pk, net["families"].pk, net["men"].pk])
    rendered.clear()
    request = services.request_create(actor=handler, night=current_night(), persons=1)
    allocation = services.allocate(actor=handler, request=request, unit=net["women_units"][0])
    free, html = _free(client)
    assert free[net["women"].pk] == 2 and rendered == [net["women"].pk]
    assert "2 × 1 place" in html
    # The summary, cached under the free units too, follows at once.
    assert 'data-figure="free">11<' in html and '<span data-public="women">2 pour des femmes' in html
    rendered.clear()
    services.allocation_cancel(actor=handler, allocation=allocation)
    assert _free(client)[0][net["women"].pk] == 3
    assert rendered == []  # the card of three free units is still in the cache
    services.places_declare(
        actor=manager, facility=net["families"], night=current_night(), units=net["family_units"][:1]
    )
    assert _free(client)[0][net["families"].pk] == 4 and rendered == [net["families"].pk]
    rendered.clear()
    families = Facility.objects.get(pk=net["families"].pk)
    offer_services.facility_update(
        actor=manager, facility=families, version=families.version, phone="01 99 00 56 78"
    )
    free, html = _free(client)
    assert rendered == [net["families"].pk] and "01 99 00 56 78" in html


def test_the_filter_fields_follow_the_offer_not_the_bookings(client, login, net):
    """The filter fields are cached on the offer alone: a new facility's commune is offered at once."""
    login(net["members"][Role.CALL_HANDLER].user)
    page = client.get(reverse("emergency:board")).content.decode()
    assert "Drancy" in page and "Montreuil" not in page
    montreuil = Commune.objects.create(
        code="93048", name="Montreuil", territory=net["drancy"].territory, postal_codes=["93100"]
    )
    make_emergency_facility(organization=net["women"].organization, units=1, commune=montreuil)
    assert "Montreuil" in client.get(reverse("emergency:board")).content.decode()


def test_a_requests_places_are_cached_per_facility_and_fresh(client, login, net, rendered):
    """A request's page lists each facility's fitting free units from the cache, rendered again for
    the facility a booking changes only, with the door code for the 115 of the département."""
    handler = net["handler"]
    request = services.request_create(actor=handler, night=current_night(), persons=1, women_only=True)
    url = reverse("emergency:request", args=[request.pk])
    login(net["members"][Role.CALL_HANDLER].user)
    page = client.get(url).content.decode()
    units = net["women_units"]
    assert rendered == [net["women"].pk] and "4821B" in page
    assert all(f'<option value="{u.pk}">' in page for u in units)
    rendered.clear()
    other = services.request_create(actor=handler, night=current_night(), persons=1, women_only=True)
    assert "4821B" in client.get(reverse("emergency:request", args=[other.pk])).content.decode()
    assert rendered == []  # the same group, from the cache
    services.allocate(actor=handler, request=other, unit=units[0])
    page = client.get(url).content.decode()
    assert rendered == [net["women"].pk]
    assert f'<option value="{units[0].pk}">' not in page and f'<option value="{units[1].pk}">' in page
    assert f'for="unit-{net["women"].pk}"' in page and "4821B" in page


# --- the waiting callers ----------------------------------------------------------------------------


def test_waiting_callers_by_name_call_time_and_wait_in_priority_order(client, login, net, fixed_clock):
    handler = net["handler"]
    household = make_household(organization=net["members"][Role.SIAO_COORDINATOR].organization)
    _call, named = services.call_take(actor=handler, household=household, night=current_night())
    _call, anonymous = services.call_take(
        actor=handler, caller_name="Mamadou", night=current_night(), persons=1, facts=["infant"]
    )
    EmergencyCall.objects.filter(pk=named.call_id).update(
        received_at=timezone.now() - timedelta(hours=2, minutes=10)
    )
    response = _board(client, login, net)
    waiting = response.context["waiting"]
    assert [r.pk for r in waiting] == [anonymous.pk, named.pk]  # P1 before P4
    html = response.content.decode()
    assert "Mamadou" in html and "sans dossier" in html and "depuis 2 h 10" in html
    # Each caller's line (built by board.waiting_lines): the call's local time, the persons.
    called = timezone.localtime(timezone.now() - timedelta(hours=2, minutes=10)).strftime("%H:%M")
    assert f"appel à {called}" in html and "1 personne" in html
    assert "Benoît L." in html  # the household as household_name names it
    assert "Demande 115 n°" not in html
    # Naming them is an audited read, once a night, not at each refresh.
    reads = AuditEvent.objects.filter(action="read", purpose="emergency_board").count()
    client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
    assert reads == 1 and AuditEvent.objects.filter(action="read", purpose="emergency_board").count() == 1


def test_waited_is_said_in_hours_and_minutes():
    now = timezone.now()
    assert board.waited(now - timedelta(minutes=35), now) == "depuis 35 min"
    assert board.waited(now - timedelta(hours=2, minutes=10), now) == "depuis 2 h 10"


# --- the SMS ----------------------------------------------------------------------------------------


def test_the_sms_carries_the_address_phone_door_code_and_arrival_times(net):
    sms.outbox.clear()
    request = services.request_create(
        actor=net["handler"], night=current_night(), persons=1, women_only=True, caller_phone="06 12 34 56 78"
    )
    allocation = services.allocate(actor=net["handler"], request=request, unit=net["women_units"][0])
    services.allocation_send_sms(actor=net["handler"], allocation=allocation)
    [sent] = sms.outbox
    assert sent["to"] == "0612345678"
    text = sent["text"]
    assert "12 rue de la Gare, 93700 Drancy" in text and "Chambre 1" in text
    assert "Tél. 01 99 00 12 34" in text and "Code d'accès : 4821B" in text and "19 h à 23 h" in text
    event = AuditEvent.objects.get(action="emergency.allocation.sms")
    assert "0612345678" not in str(event.fields) and "4821B" not in str(event.fields)


def test_a_place_without_door_code_says_none(net):
    sms.outbox.clear()
    request = services.request_create(actor=net["handler"], night=current_night(), persons=3, children=1)
    allocation = services.allocate(actor=net["handler"], request=request, unit=net["family_units"][0])
    services.allocation_send_sms(actor=net["handler"], allocation=allocation, phone="0612345678")
    assert "Code" not in sms.outbox[0]["text"]


def test_allocating_from_the_page_texts_the_number_given_at_the_call(client, login, net):
    sms.outbox.clear()
    login(net["members"][Role.CALL_HANDLER].user)
    request = services.request_create(
        actor=net["handler"], night=current_night(), persons=1, women_only=True, caller_phone="0612345678"
    )
    response = client.post(
        reverse("emergency:allocate", args=[request.pk]), {"unit": net["women_units"][1].pk}
    )
    assert response.status_code == 302
    assert len(sms.outbox) == 1 and "4821B" in sms.outbox[0]["text"]
    page = client.get(reverse("emergency:request", args=[request.pk])).content.decode()
    assert "SMS avec l&#x27;adresse en cours d&#x27;envoi" in page and "4821B" in page


def test_the_door_code_of_a_protected_households_place_stays_hidden(client, login, net):
    """The coordinator is not named on the protected file and did not allocate: no place, no code."""
    protected = make_household(organization=net["members"][Role.SOCIAL_WORKER].organization, protected=True)
    request = services.request_create(
        actor=net["handler"], household=protected, night=current_night(), persons=1, women_only=True
    )
    services.allocate(actor=net["handler"], request=request, unit=net["women_units"][0])
    login(net["members"][Role.SIAO_COORDINATOR].user)
    page = client.get(reverse("emergency:request", args=[request.pk])).content.decode()
    assert "4821B" not in page and "12 rue de la Gare" not in page


# --- the note on a call -----------------------------------------------------------------------------


def test_the_note_is_kept_shown_and_in_the_right_of_access_export(client, login, net):
    login(net["members"][Role.CALL_HANDLER].user)
    worker = net["members"][Role.SOCIAL_WORKER]
    household = make_household(organization=worker.organization, referent=worker.user)
    response = client.post(
        reverse("emergency:call") + f"?household={household.pk}",
        {
            "household": household.pk,
            "outcome": "request",
            "night": current_night().isoformat(),
            "note": "Attend devant la gare RER, rappelle à 22 h.",
        },
    )
    request = EmergencyRequest.objects.get(household=household)
    assert response.status_code == 302 and response["Location"].endswith(f"/demandes/{request.pk}/")
    assert request.call.note == "Attend devant la gare RER, rappelle à 22 h."
    page = client.get(response["Location"]).content.decode()
    assert "Attend devant la gare RER" in page
    export = household_export(household, as_member(worker))
    assert export["emergency"]["calls"][0]["note"] == "Attend devant la gare RER, rappelle à 22 h."


def test_the_api_refuses_a_bad_phone_in_json_and_creates_nothing(client, net):
    coordinator = net["members"][Role.SIAO_COORDINATOR]
    api = api_for(client, coordinator)
    body = {
        "name": "CHU API",
        "kind": "chu",
        "organization": net["women"].organization_id,
        "territory": "93",
        "phone": "12 34",
    }
    response = api("post", "/facilities", body)
    assert response.status_code == 400 and "phone" in str(response.json())
    assert not Facility.objects.filter(name="CHU API").exists()
    created = api("post", "/facilities", {**body, "phone": "+33 1 48 95 00 00", "door_code": "12A"})
    assert created.status_code == 201
    assert created.json()["phone"] == "01 48 95 00 00" and created.json()["door_code"] == "12A"


def test_the_free_units_sql_is_kept_per_arguments_and_the_rows_read_each_time(net):
    """compiled.rows_of compiles a read once per key (its arguments) and reads its rows at every call:
    another composition has its own SQL, and a booking is seen at once (issue 18)."""
    built = []

    def build(persons):
        def fn():
            built.append(persons)
            children = persons - 1
            free = board.free_units(night=current_night(), persons=persons, children=children)
            return board.group_rows(free)

        return fn

    key = ("test_rows_of", current_night(), net["women"].pk)
    singles = compiled.rows_of((*key, 1), build(1))
    assert {row[0] for row in singles} == {net["men"].pk}
    request = services.request_create(actor=net["handler"], night=current_night(), persons=1)
    services.allocate(actor=net["handler"], request=request, unit=net["men"].units.get())
    assert compiled.rows_of((*key, 1), build(1)) == []
    families = compiled.rows_of((*key, 3), build(3))
    assert {row[0] for row in families} == {net["families"].pk} and built == [1, 3]


def test_instances_of_builds_what_the_queryset_gives_with_each_calls_values(net):
    """compiled.instances_of compiles a model queryset once per key and builds its instances at every
    call as the queryset does (select_related, annotations), each call's values put in the SQL
    (issue 18): another request's allocations without compiling again."""
    night = current_night()
    first = services.request_create(actor=net["handler"], night=night, persons=1)
    second = services.request_create(actor=net["handler"], night=night, persons=1)
    services.allocate(actor=net["handler"], request=first, unit=net["men"].units.get())
    built = []

    def build(request_id):
        built.append(request_id)
        return (
            NightAllocation.objects.filter(request_id=request_id)
            .select_related("unit__facility__commune")
            .annotate(unit_label=F("unit__label"))
            .order_by("night", "pk")
        )

    def seen(allocations):
        return [(a.pk, a.night, a.status, a.unit_label, a.unit.facility.commune) for a in allocations]

    key = ("test_instances_of",)
    assert seen(compiled.instances_of(key, build, request_id=first.pk)) == seen(build(first.pk))
    assert compiled.instances_of(key, build, request_id=second.pk) == []
    assert seen(compiled.instances_of(key, build, request_id=first.pk))[0][0] == first.allocations.get().pk
    assert len(built) == 2  # compiled once (the second is the comparison's own queryset)


def test_the_boards_refresh_reads_the_free_units_once(client, login, net, django_assert_num_queries):
    """The htmx refresh every 30 s (issue 18): the session and user (the second factor comes from the
    cache under the user's access version), the free units'
    aggregate (the cards and the summary are cached under it), the waiting callers (none here, so
    no people), tonight's figures; no version of the night to read besides."""
    login(net["members"][Role.CALL_HANDLER].user)
    url = reverse("emergency:board")
    client.get(url, headers={"HX-Request": "true"})
    with django_assert_num_queries(5):
        client.get(url, headers={"HX-Request": "true"})


def test_a_card_is_not_kept_for_an_organization_that_moved(client, login, net):
    """The cards' key holds what decides the door code on the user's side, the organization's
    département included: a SIAO moved to another département no longer gets the 93's code."""
    handler = net["members"][Role.CALL_HANDLER]
    login(handler.user)
    assert "4821B" in client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    siao = handler.organization
    siao.territory = TerritoryFactory(code="94")
    siao.save()
    login(handler.user)
    page = client.get(reverse("emergency:board"), {"territory": "93"}).content.decode()
    assert net["women"].name in page and "4821B" not in page
