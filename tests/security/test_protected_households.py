"""Design §5 rule 6, protected households: whereabouts (address, phone, where the household is housed
or sheltered: facility, building, room, hotel) reach only the users named on the file, on every page,
API answer and step of the path; and no list, page, count, search or duplicate check reveals that a
protected file exists to someone not named on it (issue 13, findings 2 and 7).

One protected household has a 115 night in a hotel room, an insertion request, and a proposal in a
landlord's building, accepted and then admitted. Each role, a colleague of the referent who is not
named and a named SIAO coordinator walk every door that shows it.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts import services as account_services
from parcours.accounts.roles import Role
from parcours.emergency import services as emergency_services
from parcours.emergency.models import NightAllocation
from parcours.emergency.nights import current_night
from parcours.households import services as household_services
from parcours.households.models import Household
from parcours.households.perms import can_view_household
from parcours.households.timeline import household_path
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation import proposals
from parcours.orientation import services as orientation_services
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db

ADDRESS = "7 impasse des Glycines"
PHONE = "0611223344"
HOTEL = "Hôtel des Glycines"
HOTEL_ROOM = "Chambre 707"
RESIDENCE = "Résidence Cachée"
BUILDING = "Bât. C porte 12"
PERSON = "Zerrouki"
FIRST_NAME = "Sabrina"
WHEREABOUTS = (ADDRESS, PHONE)
HOUSING_PLACE = (RESIDENCE, BUILDING)
MASKED = "lieu masqué (ménage protégé)"

# A fixed evening (today's, since the models date their rows with the real clock): the night of the
# 115 allocation is tonight for the whole test, whatever the hour it runs at.
NOW = timezone.localtime().replace(hour=21, minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def world():
    t93 = TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    landlord_org = OrganizationFactory(name="Logis de la Plaine", landlord=True, territory=t93)
    night_org = OrganizationFactory(name="Accueil de Nuit", territory=t93)
    referent = UserFactory(username="referente")
    m = {
        "referent": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association, user=referent),
        "colleague": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        "named": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        "coordinator": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        "call_handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "other_call_handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "landlord": MembershipFactory(role=Role.LANDLORD, organization=landlord_org),
        "facility_manager": MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        "observer": MembershipFactory(role=Role.OBSERVER),
        "admin": MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    household = make_household(
        organization=association,
        referent=referent,
        protected=True,
        people=[(FIRST_NAME, PERSON, dt.date(1990, 5, 17))],
    )
    Household.objects.filter(pk=household.pk).update(address=ADDRESS, phone=PHONE)
    household.refresh_from_db()
    household.protected_viewers.add(m["named"].user)

    hotel = Facility.objects.create(name=HOTEL, kind="hotel", organization=night_org, territory=t93)
    room = Unit.objects.create(facility=hotel, label=HOTEL_ROOM, capacity=2)
    night_request = emergency_services.request_create(
        actor=as_member(m["call_handler"]), household=household, night=current_night(), persons=1
    )
    emergency_services.allocate(actor=as_member(m["call_handler"]), request=night_request, unit=room)

    residence = Facility.objects.create(
        name=RESIDENCE, kind="logement_social", organization=landlord_org, territory=t93
    )
    flat = Unit.objects.create(facility=residence, label=BUILDING, capacity=3, typology="T2")
    worker = as_member(m["referent"])
    insertion = orientation_services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social"], wished_territories=["93"]
    )
    orientation_services.request_submit(actor=worker, insertion_request=insertion)
    orientation_services.request_validate(actor=as_member(m["coordinator"]), insertion_request=insertion)
    household_services.consent_record(
        actor=worker,
        household=household,
        organization=landlord_org,
        purpose="orientation",
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )
    vacancy = Vacancy.objects.create(unit=flat, available_from=timezone.localdate())
    proposal = proposals.proposal_create(
        actor=as_member(m["coordinator"]), insertion_request=insertion, vacancy=vacancy
    )
    landlord = as_member(m["landlord"])
    proposal = proposals.proposal_decide(actor=landlord, proposal=proposal, decision="accepted")
    proposal = proposals.proposal_admit(actor=landlord, proposal=proposal, entered_on=timezone.localdate())
    return {
        "m": m,
        "household": household,
        "night_request": night_request,
        "insertion": insertion,
        "proposal": proposal,
        "association": association,
        "siao": siao,
        "flat": flat,
        "room": room,
    }


def _client_for(membership, client_class):
    """A browser logged in with its second factor, and an API caller with a token, for one membership."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from ..factories import confirmed_totp

    browser = client_class()
    browser.force_login(membership.user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp(membership.user).persistent_id
    session.save()
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")

    def call(path):
        return client_class().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"})

    return browser, call


def _everything_shown(world, membership, client_class) -> str:
    """Every page and API answer that shows this household, its 115 night, its request or its
    proposal, as this user gets them (404s and refusals add nothing)."""
    browser, call = _client_for(membership, client_class)
    household, night, insertion, proposal = (
        world["household"],
        world["night_request"],
        world["insertion"],
        world["proposal"],
    )
    pages = [
        reverse("households:list"),
        reverse("households:list") + f"?q={PERSON}",
        reverse("households:detail", args=[household.pk]),
        reverse("emergency:request", args=[night.pk]),
        reverse("emergency:call") + f"?q={PERSON}",
        reverse("emergency:board"),
        reverse("orientation:list"),
        reverse("orientation:detail", args=[insertion.pk]),
        reverse("orientation:proposals"),
        reverse("orientation:proposal", args=[proposal.pk]),
        reverse("assessments:liaison", args=[household.pk]),
        reverse("core:home"),
    ]
    endpoints = [
        f"/households/{household.pk}",
        f"/households?q={PERSON}",
        f"/emergency/requests/{night.pk}",
        f"/emergency/requests?night={night.night.isoformat()}",
        f"/insertion-requests/{insertion.pk}",
        f"/households/{household.pk}/insertion-requests",
        "/proposals",
        f"/proposals/{proposal.pk}",
    ]
    shown = []
    for url in pages:
        response = browser.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        if response.status_code == 200:
            shown.append(response.content.decode())
    for path in endpoints:
        response = call(path)
        assert response.status_code in (200, 403, 404), path
        if response.status_code == 200:
            shown.append(response.content.decode())
    user = as_member(membership)
    if can_view_household(user, household):  # the path is only ever shown with the file
        shown.extend(f"{s.label} {s.actor}" for s in household_path(user, household))
    return "\n".join(shown)


# Who reads what: stated here, not read from the code. whereabouts = address and phone; hotel =
# the facility of tonight's 115 place (on the path), room = the room too (on the 115 screens);
# housing = the building of the proposal, where the household now lives.
EXPECTED = {
    "referent": {"whereabouts", "hotel", "housing", "name"},  # not on the 115 screens: no room
    "named": {"whereabouts", "hotel", "room", "housing", "name"},
    "colleague": set(),
    "coordinator": set(),  # proposed the place, but the proposal is no longer open
    "call_handler": {"hotel", "room"},  # allocated tonight's room: sees it on the allocation screen only
    "other_call_handler": set(),
    "landlord": {"housing"},  # houses the household: its own building
    "facility_manager": set(),  # of the referent association, not of the hosting hotel
    "observer": set(),
    "admin": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_whereabouts_reach_only_named_users_on_every_page_api_and_step(world, who, client):
    text = _everything_shown(world, world["m"][who], type(client))
    expected = EXPECTED[who]
    for secret in WHEREABOUTS:
        assert (secret in text) == ("whereabouts" in expected), (who, secret)
    assert (HOTEL in text) == ("hotel" in expected), who
    assert (HOTEL_ROOM in text) == ("room" in expected), who
    for secret in HOUSING_PLACE:
        assert (secret in text) == ("housing" in expected), (who, secret)
    # A list or search reveals the protected file by name only to its named users.
    if "name" not in expected:
        listing = _client_for(world["m"][who], type(client))[0].get(reverse("households:list"))
        assert PERSON not in listing.content.decode()


def test_the_masked_place_is_said_plainly_to_the_team_and_the_path(world, client):
    """Other 115 staff and SIAO coordinators who are not named read « lieu masqué (ménage protégé) »:
    they know a place was given, not where."""
    for who in ("other_call_handler", "coordinator"):
        text = _everything_shown(world, world["m"][who], type(client))
        assert MASKED in text, who
    labels = [s.label for s in household_path(as_member(world["m"]["colleague"]), world["household"])]
    assert any("place attribuée" in label and MASKED in label for label in labels)
    assert any(label.startswith(f"Proposition sur {MASKED}") for label in labels)


def test_api_answers_leave_the_place_out_and_say_so(world, client):
    _browser, call = _client_for(world["m"]["other_call_handler"], type(client))
    body = call(f"/emergency/requests/{world['night_request'].pk}").json()
    assert body["allocations"][0]["place_hidden"] is True
    assert body["allocations"][0]["unit"] is None and body["allocations"][0]["facility"] is None
    _browser, call = _client_for(world["m"]["call_handler"], type(client))
    body = call(f"/emergency/requests/{world['night_request'].pk}").json()
    assert body["allocations"][0]["unit"] == world["room"].pk
    assert body["allocations"][0]["place_hidden"] is False
    _browser, call = _client_for(world["m"]["coordinator"], type(client))
    body = call(f"/proposals/{world['proposal'].pk}").json()
    assert body["place_hidden"] is True and body["unit"] is None and body["facility"] is None
    _browser, call = _client_for(world["m"]["named"], type(client))
    body = call(f"/proposals/{world['proposal'].pk}").json()
    assert body["place_hidden"] is False and body["unit"] == world["flat"].pk


def test_the_allocator_sees_the_place_only_for_the_night(world, client, monkeypatch):
    """The call handler who allocated reads the place while the night lasts, then no longer."""
    browser, _call = _client_for(world["m"]["call_handler"], type(client))
    url = reverse("emergency:request", args=[world["night_request"].pk])
    assert HOTEL in browser.get(url).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: NOW + dt.timedelta(days=2))
    browser, _call = _client_for(world["m"]["call_handler"], type(client))  # a new day, a new login
    page = browser.get(url).content.decode()
    assert HOTEL not in page and HOTEL_ROOM not in page and MASKED in page


def test_an_extension_does_not_open_the_place_to_whoever_records_it(world, client):
    allocation = NightAllocation.objects.get(request=world["night_request"])
    other = as_member(world["m"]["other_call_handler"])
    emergency_services.allocation_extend(actor=other, allocation=allocation, nights=1)
    text = _everything_shown(world, world["m"]["other_call_handler"], type(client))
    assert HOTEL not in text and HOTEL_ROOM not in text


def test_the_place_cannot_be_texted_to_any_number_by_someone_not_named(world, client):
    from django.core.exceptions import ValidationError

    from parcours.core import sms

    sms.outbox.clear()
    allocation = NightAllocation.objects.get(request=world["night_request"])
    with pytest.raises(ValidationError, match="Ménage protégé"):
        emergency_services.allocation_send_sms(
            actor=as_member(world["m"]["other_call_handler"]), allocation=allocation, phone="0699999999"
        )
    assert sms.outbox == []
    allocation.refresh_from_db()
    assert allocation.sms_sent_at is None
    # The page says it in French, no 500.
    browser, _call = _client_for(world["m"]["other_call_handler"], type(client))
    response = browser.post(
        reverse("emergency:allocation_action", args=[allocation.pk, "sms"]),
        {"phone": "0699999999"},
        follow=True,
    )
    assert response.status_code == 200 and "Ménage protégé" in response.content.decode()
    assert sms.outbox == []
    # A named user may.
    emergency_services.allocation_send_sms(
        actor=as_member(world["m"]["named"]), allocation=allocation, phone="0699999999"
    )
    assert len(sms.outbox) == 1


# Lists, counts, search and duplicates (finding 7) -----------------------------------------------


def _more_households(world, n):
    for k in range(n):
        make_household(organization=world["association"], people=[("Jean", f"Ordinaire{k:02d}", None)])


def _rows(html: str) -> int:
    return len(re.findall(r'href="/menages/\d+/"', html)) if "/menages/" in html else html.count("<tr")


@pytest.mark.parametrize("who", ["colleague", "coordinator", "other_call_handler", "call_handler"])
def test_paging_the_list_never_shows_the_protected_file_nor_counts_it(world, who, client):
    _more_households(world, 30)
    browser, _call = _client_for(world["m"][who], type(client))
    seen = set()
    page = 1
    while True:
        response = browser.get(reverse("households:list"), {"page": page})
        html = response.content.decode()
        assert PERSON not in html
        seen |= set(re.findall(r'/menages/(\d+)/"', html))
        match = re.search(r"Page (\d+) sur (\d+)", html)
        if not match or match.group(1) == match.group(2):
            break
        page += 1
    assert str(world["household"].pk) not in seen
    assert len(seen) == 30
    if match:
        assert match.group(2) == "2"  # 30 files at 25 a page: the protected one does not add a page


@pytest.mark.parametrize("who", ["referent", "named"])
def test_named_users_find_the_protected_file(world, who, client):
    browser, call = _client_for(world["m"][who], type(client))
    assert PERSON in browser.get(reverse("households:list"), {"q": PERSON}).content.decode()
    assert call(f"/households?q={PERSON}").json()["count"] == 1


@pytest.mark.parametrize("who", ["colleague", "coordinator", "other_call_handler"])
def test_search_api_paging_and_counts_leave_the_protected_file_out(world, who, client):
    make_household(organization=world["association"], people=[("Samia", PERSON, dt.date(1991, 1, 2))])
    _browser, call = _client_for(world["m"][who], type(client))
    for query in (PERSON, "1990", "17/05/1990", f"Sabrina {PERSON}"):
        seen, offset = [], 0
        while True:
            body = call(f"/households?q={query}&limit=1&offset={offset}").json()
            seen += [r["id"] for r in body["results"]]
            offset += 1
            if offset >= body["count"]:
                break
        assert world["household"].pk not in seen, query
        assert body["count"] == len(seen), query


def test_the_115_known_household_lookup_does_not_suggest_it(world, client):
    browser, _call = _client_for(world["m"]["other_call_handler"], type(client))
    html = browser.get(reverse("emergency:call"), {"q": PERSON}).content.decode()
    assert FIRST_NAME not in html


def test_duplicate_checks_do_not_reveal_it(world, client):
    browser, _call = _client_for(world["m"]["colleague"], type(client))
    data = {
        "territory": "93",
        "situation": "street",
        "situation_since": "2026-01-05",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-first_name": "Sabrina",
        "members-0-last_name": PERSON,
        "members-0-birth_date": "1990-05-17",
        "members-0-sex": "F",
        "members-0-relationship": "head",
    }
    response = browser.post(reverse("households:create"), data)
    # No duplicate is shown: the new file is opened (a protected file stays unknown to the colleague).
    assert response.status_code == 302
    copy = Household.objects.exclude(pk=world["household"].pk).get(people__last_name=PERSON)
    html = browser.get(reverse("households:merge", args=[copy.pk])).content.decode()
    assert f"/menages/{world['household'].pk}/" not in html
    before = Household.objects.get(pk=world["household"].pk).merged_into_id
    response = browser.post(reverse("households:merge", args=[copy.pk]), {"duplicate": world["household"].pk})
    assert response.status_code == 404
    assert Household.objects.get(pk=world["household"].pk).merged_into_id == before is None
    # The referent, named on it, is offered the merge.
    browser, _call = _client_for(world["m"]["referent"], type(client))
    html = browser.get(reverse("households:merge", args=[copy.pk])).content.decode()
    assert f'value="{world["household"].pk}"' in html


def test_a_workshop_list_names_a_protected_household_only_to_its_named_users(world, client):
    """A workshop of the referent's organization lists its enrolled households: a colleague who is
    not named on the protected file reads the row as out of their scope, never the name."""
    from parcours.support import services as support_services

    referent = as_member(world["m"]["referent"])
    workshop = support_services.workshop_create(actor=referent, title="Club de l'habitant", axis="daily_life")
    support_services.enrol(actor=referent, workshop=workshop, household=world["household"])
    url = reverse("support:workshop", args=[workshop.pk])
    browser, _call = _client_for(world["m"]["colleague"], type(client))
    page = browser.get(url).content.decode()
    assert page and PERSON not in page and FIRST_NAME not in page
    browser, _call = _client_for(world["m"]["referent"], type(client))
    assert FIRST_NAME in browser.get(url).content.decode()  # « Nadia Z. », as on every list


def test_the_commission_does_not_tie_a_protected_household_to_the_place_it_proposed(world, client):
    """The commission page and its minutes say a vacancy went to a protected household, not which
    request (the request leads to the household): only the named users read the request there."""
    from parcours.orientation import commissions

    referent, coordinator = as_member(world["m"]["referent"]), as_member(world["m"]["coordinator"])
    second = make_household(
        organization=world["association"],
        referent=referent,
        protected=True,
        people=[("Lina", "Haddad", None)],
    )
    second.protected_viewers.add(world["m"]["named"].user)
    insertion = orientation_services.request_create(
        actor=referent, household=second, wished_kinds=["logement_social"], wished_territories=["93"]
    )
    orientation_services.request_submit(actor=referent, insertion_request=insertion)
    orientation_services.request_validate(actor=coordinator, insertion_request=insertion)
    other_flat = Unit.objects.create(facility=world["flat"].facility, label="Bât. D porte 3", capacity=3)
    vacancy = Vacancy.objects.create(unit=other_flat, available_from=timezone.localdate())
    session = commissions.commission_create(
        actor=coordinator, territory=world["household"].territory, held_on=timezone.localdate()
    )
    line = commissions.line_add(actor=coordinator, commission=session, vacancy=vacancy)
    commissions.line_decide(actor=coordinator, line=line, decision="propose", request_for_vacancy=insertion)
    url = reverse("orientation:commission", args=[session.pk])
    tied = f"demande n° {insertion.pk}"
    browser, _call = _client_for(world["m"]["coordinator"], type(client))
    page = browser.get(url).content.decode()
    assert "Bât. D porte 3" in page and tied not in page and "(ménage protégé)" in page
    browser, _call = _client_for(world["m"]["named"], type(client))
    assert tied in browser.get(url).content.decode()
    session.refresh_from_db()
    closed = commissions.commission_close(actor=coordinator, commission=session, version=session.version)
    assert "Bât. D porte 3 : " in closed.minutes and "(ménage protégé)" in closed.minutes
    assert tied not in closed.minutes
