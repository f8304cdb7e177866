"""The 115: priorities, requests, allocation (no double booking), extensions, unmet demand, the board,
permissions for every role, pages, SMS and the nightly rollover."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core import sms
from parcours.core.models import AuditEvent
from parcours.emergency import board, perms, services
from parcours.emergency.choices import Fact, Priority, RequestStatus
from parcours.emergency.models import EmergencyCall, EmergencyRequest, NightAllocation, NightFigures
from parcours.emergency.nights import current_night
from parcours.emergency.priority import age_facts, suggest
from parcours.households.models import Household
from parcours.households.timeline import household_path
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_emergency_facility,
    make_household,
)
from tests.perm_matrix import assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def net():
    """The SIAO of 93 with one member per role, an association running a CHU of 3 single rooms and a
    family CHU, a women-only halte de nuit, and a CHU in 75."""
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    members = {
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        Role.SOCIAL_WORKER: MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        Role.FACILITY_MANAGER: MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    chu, singles = make_emergency_facility(organization=association, units=3, accepted_household="single")
    family_chu, families = make_emergency_facility(
        organization=association, units=2, capacity=4, accepted_household="family"
    )
    halte, beds = make_emergency_facility(
        organization=association, kind="halte_nuit", units=2, accepted_sex="F"
    )
    paris, paris_units = make_emergency_facility(organization=association, territory="75", units=1)
    paris_siao = OrganizationFactory(name="SIAO 75", siao=True, territory=t75)
    return {
        "siao": siao,
        "association": association,
        "members": members,
        "handler": as_member(members[Role.CALL_HANDLER]),
        "chu": chu,
        "singles": singles,
        "family_chu": family_chu,
        "families": families,
        "halte": halte,
        "beds": beds,
        "paris_units": paris_units,
        "paris_handler": as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=paris_siao)),
    }


def _request(net, **kwargs):
    kwargs.setdefault("night", current_night())
    kwargs.setdefault("persons", 1)
    return services.request_create(actor=net["handler"], **kwargs)


# --- vulnerability priority -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({Fact.INFANT}, "P1"),
        ({Fact.PREGNANCY, Fact.OVER_65}, "P1"),
        ({Fact.VIOLENCE_DANGER}, "P1"),
        ({Fact.TODDLER}, "P2"),
        ({Fact.YOUNG_ON_STREET}, "P2"),
        ({Fact.VIOLENCE, Fact.CHILDREN_OVER_3}, "P2"),
        ({Fact.HEALTH}, "P2"),
        ({Fact.OVER_65}, "P3"),
        ({Fact.STRONG_VULNERABILITY}, "P3"),
        ({Fact.CHILDREN_OVER_3}, "P3"),
        (set(), "P4"),
    ],
)
def test_priority_follows_the_unified_framework(facts, expected):
    assert suggest(facts) == expected


def test_age_facts_from_birth_dates():
    night = date(2026, 12, 3)
    assert age_facts([date(2026, 10, 1)], night) == {Fact.INFANT}
    assert age_facts([date(2025, 1, 1)], night) == {Fact.TODDLER}
    assert age_facts([date(2018, 1, 1), date(1990, 1, 1)], night) == {Fact.CHILDREN_OVER_3}
    assert age_facts([date(2004, 1, 1)], night) == {Fact.YOUNG_ON_STREET}
    assert age_facts([date(1950, 1, 1)], night) == {Fact.OVER_65}
    assert age_facts([None, date(1980, 1, 1)], night) == set()


# --- requests -------------------------------------------------------------------------------------


def test_anonymous_request_with_suggested_priority(net):
    req = _request(net, persons=2, children=1, facts=[Fact.TODDLER])
    assert req.household is None and req.status == RequestStatus.OPEN
    assert req.suggested_priority == req.priority == Priority.P2
    event = AuditEvent.objects.filter(action="emergency.request.create").get()
    assert event.object_id == str(req.pk) and "persons" in event.fields


def test_known_household_composition_and_ages_are_used(net):
    night = current_night()
    household = make_household(
        organization=net["siao"],
        people=[("Awa", "Traoré", date(1990, 5, 1)), ("Inès", "Traoré", night - timedelta(days=30))],
    )
    req = _request(net, household=household, persons=None)
    assert (req.persons, req.children) == (2, 1)
    assert Fact.INFANT in req.facts and req.priority == "P1"


def test_a_different_priority_needs_a_reason(net):
    with pytest.raises(ValidationError) as exc:
        _request(net, priority="P1")
    assert "priority_reason" in exc.value.message_dict
    req = _request(net, priority="P1", priority_reason="Personne très âgée, sortie d'hôpital.")
    assert (req.suggested_priority, req.priority) == ("P4", "P1")


def test_bad_request_input_is_refused_clearly(net):
    with pytest.raises(ValidationError, match="close"):
        _request(net, night=current_night() - timedelta(days=1))
    with pytest.raises(ValidationError, match="adulte"):
        _request(net, persons=2, children=2)
    with pytest.raises(ValidationError, match="inconnus"):
        _request(net, facts=["nationality"])
    with pytest.raises(ValidationError):
        _request(net, caller_phone="12")


def test_one_live_request_per_household_and_night(net):
    household = make_household(organization=net["siao"])
    _request(net, household=household, persons=None)
    with pytest.raises(services.Conflict, match="déjà une demande"):
        _request(net, household=household, persons=None)


def test_flash_assessment_goes_through_the_household_service(net):
    call, req = services.call_take(
        actor=net["handler"],
        flash=services.FlashData(first_name="Yacine", last_name="Benali"),
        night=current_night(),
        persons=1,
        caller_phone="06 12 34 56 78",
    )
    household = req.household
    assert household.referent_organization == net["siao"] and household.territory.code == "93"
    assert call.household == household and call.caller_phone == "0612345678"
    assert AuditEvent.objects.filter(action="households.household.create").count() == 1


def test_a_call_without_a_request(net):
    call, req = services.call_take(actor=net["handler"], outcome="information")
    assert req is None and call.outcome == "information" and EmergencyRequest.objects.count() == 0


# --- allocation -----------------------------------------------------------------------------------


def test_allocate_then_the_same_unit_is_refused(net):
    unit = net["singles"][0]
    first, second = _request(net), _request(net)
    allocation = services.allocate(actor=net["handler"], request=first, unit=unit)
    assert allocation.night == first.night
    first.refresh_from_db()
    assert first.status == RequestStatus.ALLOCATED
    with pytest.raises(services.PlaceTaken, match="vient d'être attribuée"):
        services.allocate(actor=net["handler"], request=second, unit=unit)
    second.refresh_from_db()
    assert second.status == RequestStatus.OPEN
    assert NightAllocation.objects.booked().filter(unit=unit).count() == 1
    event = AuditEvent.objects.get(action="emergency.allocation.create")
    assert event.fields == ["night", "unit"] and event.object_id == str(allocation.pk)


def test_an_answered_request_gets_no_second_place(net):
    req = _request(net)
    services.allocate(actor=net["handler"], request=req, unit=net["singles"][0])
    with pytest.raises(services.Conflict, match="déjà reçu une réponse"):
        services.allocate(actor=net["handler"], request=req, unit=net["singles"][1])


def test_an_allocation_is_one_claim_and_booking_then_its_audit_row(net):
    """Issue 18: every allocation holds the request's row and the unit's booking until its commit, so
    it sends few statements and reads nothing first: on PostgreSQL the claim and the booking (with the
    facility's declaration checked) are one statement, then the audit row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    req = _request(net)
    with CaptureQueriesContext(connection) as queries:
        allocation = services.allocate(actor=net["handler"], request=req, unit=net["singles"][0])
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == (2 if connection.vendor == "postgresql" else 3), sql
    assert sql[-1].startswith('INSERT INTO "core_auditevent"')
    req.refresh_from_db()
    assert req.status == RequestStatus.ALLOCATED and allocation.pk
    booked = NightAllocation.objects.get(pk=allocation.pk)
    assert (booked.request_id, booked.unit_id, booked.night, booked.status) == (
        req.pk,
        net["singles"][0].pk,
        req.night,
        "booked",
    )
    assert booked.allocated_by_id == net["handler"].pk


def test_the_shared_places_list_is_fresh_and_posts_to_its_own_request(net, client, login):
    """The places fitting a composition are rendered once for the 115 team (issue 18); each page gets
    its own request's address and the user's CSRF token, and a booking gives a new list at once."""
    first, second = _request(net), _request(net)
    login(net["handler"])
    page = client.get(reverse("emergency:request", args=[first.pk])).content.decode()
    unit = net["singles"][0]

    def offered(html):
        return f'name="unit" value="{unit.pk}"' in html or f'<option value="{unit.pk}">' in html

    assert offered(page)
    again = client.get(reverse("emergency:request", args=[second.pk])).content.decode()
    assert reverse("emergency:allocate", args=[second.pk]) in again
    assert reverse("emergency:allocate", args=[first.pk]) not in again
    assert "__parcours_" not in again and 'name="csrfmiddlewaretoken" value="' in again
    response = client.post(reverse("emergency:allocate", args=[first.pk]), {"unit": unit.pk})
    assert response.status_code == 302
    after = client.get(reverse("emergency:request", args=[second.pk])).content.decode()
    assert not offered(after) and offered(page)


def test_a_unit_that_is_not_one_is_not_found(net, client, login):
    """The unit chosen is read by its id put in a compiled SQL (issue 18): what is not an id, or no
    unit's, answers « Place introuvable. » and books nothing."""
    req = _request(net)
    login(net["handler"])
    url = reverse("emergency:allocate", args=[req.pk])
    for unit in ("abc", "-3", "99999999999999999999999", "0"):
        response = client.post(url, {"unit": unit}, follow=True)
        assert response.status_code == 200 and "Place introuvable." in response.content.decode()
    assert not NightAllocation.objects.filter(request=req).exists()


def test_unit_must_fit_the_request(net):
    with pytest.raises(ValidationError, match="places pour 3 personnes"):
        services.allocate(actor=net["handler"], request=_request(net, persons=3), unit=net["singles"][0])


def test_cancel_and_no_show_give_the_unit_back(net):
    unit = net["singles"][0]
    req = _request(net)
    allocation = services.allocate(actor=net["handler"], request=req, unit=unit)
    services.allocation_cancel(actor=net["handler"], allocation=allocation)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN
    other = _request(net)
    again = services.allocate(actor=net["handler"], request=other, unit=unit)
    services.allocation_no_show(actor=net["handler"], allocation=again)
    third = _request(net)
    services.allocate(actor=net["handler"], request=third, unit=unit)
    assert NightAllocation.objects.filter(unit=unit).count() == 3
    assert NightAllocation.objects.booked().filter(unit=unit).count() == 1


def test_extension_books_the_next_nights_or_nothing(net):
    unit = net["singles"][0]
    req = _request(net)
    allocation = services.allocate(actor=net["handler"], request=req, unit=unit)
    created = services.allocation_extend(actor=net["handler"], allocation=allocation, nights=2)
    assert [a.night for a in created] == [req.night + timedelta(days=1), req.night + timedelta(days=2)]
    assert all(a.extension for a in created)
    # Someone else holds the unit on the 4th night: extending by 2 more books nothing.
    blocker = _request(net, night=req.night + timedelta(days=4))
    services.allocate(actor=net["handler"], request=blocker, unit=unit)
    with pytest.raises(services.PlaceTaken):
        services.allocation_extend(actor=net["handler"], allocation=allocation, nights=2)
    assert NightAllocation.objects.filter(request=req).count() == 3


def test_a_declaration_narrows_the_units_offered(net):
    night = current_night()
    singles = net["singles"]
    before = set(board.free_units(night=night, persons=1).values_list("pk", flat=True))
    assert {u.pk for u in singles} <= before
    manager = as_member(net["members"][Role.FACILITY_MANAGER])
    services.places_declare(actor=manager, facility=net["chu"], night=night, units=[singles[1]])
    after = set(board.free_units(night=night, persons=1).values_list("pk", flat=True))
    assert singles[1].pk in after and singles[0].pk not in after
    refused = _request(net)
    with pytest.raises(ValidationError, match="pas déclaré"):
        services.allocate(actor=net["handler"], request=refused, unit=singles[0])
    # Nothing of the refused allocation is kept: the request still waits for a place.
    refused.refresh_from_db()
    assert refused.status == RequestStatus.OPEN and not refused.allocations.exists()
    with pytest.raises(ValidationError):
        services.places_declare(actor=manager, facility=net["chu"], night=night, units=[net["families"][0]])


def test_board_filters_by_size_composition_and_territory(net):
    night = current_night()
    t93 = net["siao"].territory_id

    def ids(**kw):
        return set(board.free_units(night=night, territory_id=t93, **kw).values_list("pk", flat=True))

    singles, families, beds = ({u.pk for u in net[k]} for k in ("singles", "families", "beds"))
    assert ids(persons=1) == singles  # a man alone: single CHU only (not families, not women-only)
    assert ids(persons=1, women_only=True) == singles | beds
    assert ids(persons=3, children=2) == families
    assert ids(persons=5, children=3) == set()
    assert {u.pk for u in net["paris_units"]}.isdisjoint(ids(persons=1))


def test_unmet_demand_with_a_coded_reason(net):
    req = _request(net)
    services.unmet_record(actor=net["handler"], request=req, reason="no_place")
    req.refresh_from_db()
    assert req.status == RequestStatus.UNMET and req.unmet.reason == "no_place"
    with pytest.raises(ValidationError):
        services.unmet_record(actor=net["handler"], request=_request(net), reason="nationality")
    with pytest.raises(services.Conflict):
        services.unmet_record(actor=net["handler"], request=req, reason="no_place")


# --- permissions ----------------------------------------------------------------------------------


def test_permission_matrix(net):
    req = _request(net)
    paris_req = services.request_create(actor=net["paris_handler"], night=current_night(), persons=1)
    expected = {}
    team = {Role.CALL_HANDLER, Role.SIAO_COORDINATOR}
    for role in Role.values:
        expected[(role, "-", "use_115")] = role in team
        expected[(role, "own", "view")] = role in team
        expected[(role, "own", "allocate")] = role in team
        expected[(role, "paris", "view")] = False
        expected[(role, "chu", "declare")] = role in {
            Role.FACILITY_MANAGER,
            Role.SIAO_COORDINATOR,
            Role.NETWORK_ADMIN,
        }
        expected[(role, "-", "dashboard")] = role in team | {Role.OBSERVER, Role.NETWORK_ADMIN}
    objects = {"own": req, "paris": paris_req, "chu": net["chu"], "-": None}
    checks = {
        "use_115": lambda u, o: perms.can_use_115(u),
        "view": perms.can_view_request,
        "allocate": perms.can_allocate,
        "declare": perms.can_declare_places,
        "dashboard": lambda u, o: perms.can_view_dashboard(u),
    }
    assert_matrix(
        expected,
        lambda role, key, action: checks[action](as_member(net["members"][role]), objects[key]),
    )


# --- pages ----------------------------------------------------------------------------------------


def test_pages_are_for_the_115_team_only(net, login, client):
    for role, membership in net["members"].items():
        client.logout()
        login(membership.user)
        code = client.get(reverse("emergency:board")).status_code
        assert code == (200 if role in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR) else 404), role
    paris_req = services.request_create(actor=net["paris_handler"], night=current_night(), persons=1)
    client.logout()
    login(net["handler"])
    assert client.get(reverse("emergency:request", args=[paris_req.pk])).status_code == 404


def test_call_page_anonymous_request_then_allocation(net, login, client):
    login(net["handler"])
    response = client.post(
        reverse("emergency:call"),
        {"outcome": "request", "night": current_night().isoformat(), "persons": "1", "facts": ["health"]},
    )
    req = EmergencyRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("emergency:request", args=[req.pk])
    assert req.priority == "P2"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Chambre 1" in page.content.decode()
    allocated = client.post(reverse("emergency:allocate", args=[req.pk]), {"unit": net["singles"][0].pk})
    assert allocated.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.ALLOCATED


def test_call_page_refuses_bad_input_without_a_500(net, login, client):
    login(net["handler"])
    response = client.post(reverse("emergency:call"), {"outcome": "request", "night": "2026-13-45"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Indiquez le nombre de personnes" in body
    assert EmergencyCall.objects.count() == 0


def test_place_just_taken_refreshes_the_places_with_htmx(net, login, client):
    first, second = _request(net), _request(net)
    unit = net["singles"][0]
    services.allocate(actor=net["handler"], request=first, unit=unit)
    login(net["handler"])
    response = client.post(
        reverse("emergency:allocate", args=[second.pk]), {"unit": unit.pk}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert "vient d&#x27;être attribuée" in body
    # The refreshed list no longer offers the unit taken (the facility's other rooms are in its list).
    assert f'value="{unit.pk}"' not in body
    assert f'<option value="{net["singles"][1].pk}">' in body


def test_search_in_the_call_page_reads_are_audited(net, login, client):
    household = make_household(organization=net["siao"], people=[("Benoît", "Lefèvre", date(1984, 7, 3))])
    login(net["handler"])
    response = client.get(reverse("emergency:call"), {"q": "lefevre"})
    assert f"?household={household.pk}" in response.content.decode()
    assert AuditEvent.objects.filter(
        kind="read", object_id=str(household.pk), purpose="emergency_call"
    ).exists()
    chosen = client.get(reverse("emergency:call"), {"household": household.pk})
    assert "Benoît Lefèvre" in chosen.content.decode()
    # The empty form's fields come from the cache (issue 18), per household chosen: the file chosen is
    # the one posted, and without one the évaluation flash is offered again.
    assert f'name="household" value="{household.pk}"' in chosen.content.decode()
    assert "Évaluation flash" not in chosen.content.decode()
    blank = client.get(reverse("emergency:call")).content.decode()
    assert "Évaluation flash" in blank and f'name="household" value="{household.pk}"' not in blank


def test_declaration_page_for_the_facility_manager(net, login, client):
    manager = net["members"][Role.FACILITY_MANAGER].user
    login(manager)
    url = reverse("emergency:declare", args=[net["chu"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"night": current_night().isoformat(), "units": [net["singles"][2].pk]})
    assert response.status_code == 302
    free = board.free_units(night=current_night(), persons=1)
    assert net["singles"][0] not in free and net["singles"][2] in free
    client.logout()
    login(net["members"][Role.LANDLORD].user)
    assert client.get(url).status_code == 404


def test_priority_override_page_and_stale_version(net, login, client):
    req = _request(net)
    login(net["handler"])
    url = reverse("emergency:priority", args=[req.pk])
    client.post(url, {"version": req.version, "priority": "P2", "reason": "Sortie d'hôpital ce soir."})
    req.refresh_from_db()
    assert req.priority == "P2" and req.version == 2
    stale = client.post(url, {"version": 1, "priority": "P1", "reason": "x"}, follow=True)
    assert "modifiée entre-temps" in stale.content.decode()
    req.refresh_from_db()
    assert req.priority == "P2"


def test_the_request_pages_forms_follow_its_priority_and_version(net, login, client):
    import re

    req = _request(net)
    login(net["handler"])
    page = reverse("emergency:request", args=[req.pk])

    def shown():
        html = client.get(page).content.decode()
        version = re.search(r'<input type="hidden" name="version" value="(\d+)"', html).group(1)
        selected = re.search(r'<option value="(P\d)" selected>', html).group(1)
        assert 'name="reason"' in html and 'id="id_reason"' in html  # the unmet and priority reasons
        return int(version), selected

    # The form's fields come from the cache (one rendering per priority and language), the version live.
    assert shown() == (req.version, req.priority) == shown()
    url = reverse("emergency:priority", args=[req.pk])
    client.post(url, {"version": req.version, "priority": "P2", "reason": "Sortie d'hôpital ce soir."})
    req.refresh_from_db()
    assert shown() == (req.version, "P2")


def test_home_panels_of_the_call_handler(net, login, client):
    _request(net, facts=[Fact.INFANT], persons=2, children=1)
    login(net["handler"])
    body = client.get(reverse("core:home")).content.decode()
    assert "Appelants en attente" in body and "2 personnes dont 1 enfant" in body
    assert "Places libres ce soir" in body


def test_household_path_shows_the_place_only_to_who_may_see_whereabouts(net):
    household = make_household(organization=net["association"], protected=True)
    coordinator = as_member(net["members"][Role.SIAO_COORDINATOR])
    req = services.request_create(actor=coordinator, household=household, night=current_night())
    services.allocate(actor=coordinator, request=req, unit=net["singles"][0])
    steps = [s for s in household_path(coordinator, household) if s.domain == "emergency"]
    assert len(steps) == 1 and "place attribuée" in steps[0].label
    assert net["chu"].name not in steps[0].label  # protected: the SIAO is not named on it
    Household.objects.filter(pk=household.pk).update(protected=False)
    household.refresh_from_db()
    steps = [s for s in household_path(coordinator, household) if s.domain == "emergency"]
    assert net["chu"].name in steps[0].label and steps[0].url


# --- SMS ------------------------------------------------------------------------------------------


def test_sms_with_the_address_of_the_place(net):
    sms.outbox.clear()
    req = _request(net, caller_phone="0612345678")
    allocation = services.allocate(actor=net["handler"], request=req, unit=net["singles"][0])
    services.allocation_send_sms(actor=net["handler"], allocation=allocation)
    assert sms.outbox == [{"to": "0612345678", "text": sms.outbox[0]["text"]}]
    assert net["chu"].name in sms.outbox[0]["text"] and "Chambre 1" in sms.outbox[0]["text"]
    event = AuditEvent.objects.get(action="emergency.allocation.sms")
    assert "0612345678" not in str(event.fields)


def test_sms_without_a_number_is_refused(net):
    allocation = services.allocate(actor=net["handler"], request=_request(net), unit=net["singles"][0])
    with pytest.raises(ValidationError, match="Aucun numéro"):
        services.allocation_send_sms(actor=net["handler"], allocation=allocation)


def test_brevo_request_is_built_without_network(settings):
    import json

    settings.SMS_BREVO_API_KEY = "k"
    settings.SMS_SENDER = "SIAO93"
    built = sms.BrevoBackend().build_request(to="+33612345678", text="Bonjour")
    assert built.full_url == sms.BrevoBackend.DEFAULT_URL and built.get_method() == "POST"
    assert json.loads(built.data) == {
        "sender": "SIAO93",
        "recipient": "33612345678",
        "content": "Bonjour",
        "type": "transactional",
    }
    settings.SMS_BREVO_URL = "http://insecure.invalid/"
    with pytest.raises(sms.SmsError):
        sms.BrevoBackend().build_request(to="1", text="x")


# --- rollover -------------------------------------------------------------------------------------


def test_rollover_dry_run_then_wet_run(net, capsys):
    yesterday = current_night() - timedelta(days=1)
    waiting = EmergencyRequest.objects.create(
        territory=net["siao"].territory,
        night=yesterday,
        persons=1,
        suggested_priority="P4",
        priority="P4",
        caller_phone="0612345678",
    )
    answered = EmergencyRequest.objects.create(
        territory=net["siao"].territory,
        night=yesterday,
        persons=3,
        children=1,
        suggested_priority="P3",
        priority="P3",
        status="allocated",
    )
    NightAllocation.objects.create(request=answered, unit=net["families"][0], night=yesterday)
    tonight = _request(net)
    extended = NightAllocation.objects.create(
        request=answered, unit=net["families"][0], night=current_night(), extension=True
    )
    old_call = EmergencyCall.objects.create(
        territory=net["siao"].territory,
        handler=net["handler"],
        caller_phone="0698765432",
        received_at=timezone.now() - timedelta(days=2),
    )
    call_command("emergency_rollover")
    assert "simulation" in capsys.readouterr().out
    waiting.refresh_from_db()
    assert waiting.status == "open" and waiting.caller_phone and not NightFigures.objects.exists()

    call_command("emergency_rollover", "--wet-run")
    out = capsys.readouterr().out
    assert "Prolongations reportées sur la nuit en cours : 1" in out
    waiting.refresh_from_db()
    assert waiting.status == "unmet" and waiting.unmet.reason == "night_closed" and waiting.caller_phone == ""
    old_call.refresh_from_db()
    assert old_call.caller_phone == ""
    figures = NightFigures.objects.get(night=yesterday)
    assert (figures.requests, figures.allocated, figures.unmet, figures.persons, figures.children) == (
        2,
        1,
        1,
        4,
        1,
    )
    tonight.refresh_from_db()
    assert tonight.status == "open" and extended.status == "booked"
    call_command("emergency_rollover", "--wet-run")
    assert NightFigures.objects.count() == 1


def test_a_provider_failure_is_a_clear_message_not_a_500(net, settings, login, client):
    # The SMS leaves after the commit (parcours.core.outbox): the provider's refusal, once every try
    # failed, is said in French on the request page, where the call handler is.
    settings.SMS_BACKEND = "parcours.core.sms.BrevoBackend"
    settings.SMS_BREVO_API_KEY = "k"
    settings.SMS_BREVO_URL = "https://127.0.0.1:9/"  # nothing listens there: refused at once
    settings.SMS_HTTP_TIMEOUT = 2
    req = _request(net, caller_phone="0612345678")
    allocation = services.allocate(actor=net["handler"], request=req, unit=net["singles"][0])
    services.allocation_send_sms(actor=net["handler"], allocation=allocation)
    allocation.refresh_from_db()
    assert allocation.sms_sent_at is None
    login(net["handler"])
    response = client.get(reverse("emergency:request", args=[req.pk]))
    assert response.status_code == 200
    refused = "Le SMS n'a pas pu être envoyé : réessayez ou donnez l'adresse oralement."
    assert refused in response.content.decode()


def test_board_and_request_pages_do_not_grow_with_the_places(
    net, login, client, django_assert_max_num_queries
):
    from parcours.offers.models import Unit

    Unit.objects.bulk_create([Unit(facility=net["chu"], label=f"Lit {n}", capacity=1) for n in range(60)])
    for _ in range(15):
        _request(net)
    req = _request(net)
    login(net["handler"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("emergency:board")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("emergency:request", args=[req.pk])).status_code == 200


def test_board_page_filters_by_territory_and_size(net, login, client):
    login(net["handler"])
    body = client.get(reverse("emergency:board"), {"persons": 3, "children": 2}).content.decode()
    assert net["family_chu"].name in body and net["chu"].name not in body
    paris = client.get(reverse("emergency:board"), {"territory": "75"}).content.decode()
    assert "CHU 4" in paris and net["chu"].name not in paris
    assert client.get(reverse("emergency:board"), {"territory": "ZZ"}).status_code == 200


def test_facility_manager_home_says_what_is_declared_tonight(net, login, client):
    manager = net["members"][Role.FACILITY_MANAGER]
    login(manager.user)
    body = client.get(reverse("core:home")).content.decode()
    assert "Places libres pour le 115 ce soir" in body and "à déclarer" in body
    services.places_declare(
        actor=as_member(manager), facility=net["chu"], night=current_night(), units=net["singles"][:2]
    )
    body = client.get(reverse("core:home")).content.decode()
    assert "2 places déclarées libres pour le 115" in body
    assert reverse("emergency:declare", args=[net["chu"].pk]) in body


def test_priority_preview_follows_the_facts_and_the_household(net, login, client):
    login(net["handler"])
    url = reverse("emergency:priority_preview")
    assert 'data-suggested="P4"' in client.get(url).content.decode()
    assert 'data-suggested="P1"' in client.get(url, {"facts": ["health", "pregnancy"]}).content.decode()
    assert 'data-suggested="P4"' in client.get(url, {"facts": ["nationality"]}).content.decode()
    night = current_night()
    household = make_household(
        organization=net["siao"],
        people=[("Awa", "Sow", date(1990, 1, 1)), ("Ali", "Sow", night - timedelta(days=400))],
    )
    assert 'data-suggested="P2"' in client.get(url, {"household": household.pk}).content.decode()
    client.logout()
    login(net["members"][Role.SOCIAL_WORKER].user)
    assert client.get(url).status_code == 404


def test_the_referent_social_worker_sees_the_115_steps_without_a_link(net):
    worker = as_member(net["members"][Role.SOCIAL_WORKER])
    household = make_household(organization=net["association"], referent=worker.active_membership.user)
    coordinator = as_member(net["members"][Role.SIAO_COORDINATOR])
    req = services.request_create(actor=coordinator, household=household, night=current_night())
    services.unmet_record(actor=coordinator, request=req, reason="no_place")
    steps = [s for s in household_path(worker, household) if s.domain == "emergency"]
    assert [s.label for s in steps] == [f"115 : demande non pourvue pour la nuit du {req.night:%d/%m/%Y}"]
    assert steps[0].url == ""


def test_allocation_with_htmx_changes_the_page_in_place_with_its_message(net, login, client):
    req = _request(net)
    login(net["handler"])
    response = client.post(
        reverse("emergency:allocate", args=[req.pk]),
        {"unit": net["singles"][0].pk},
        headers={"HX-Request": "true"},
    )
    # No second page load: the request's part of the page is swapped, message and place included.
    assert response["HX-Retarget"] == "#request-main" and "HX-Redirect" not in response
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="request-main"') and "<html" not in body
    assert "Place attribuée" in body and 'data-status="allocated"' in body and "Chambre 1" in body


def test_the_board_refreshes_itself_as_a_fragment(net, login, client):
    login(net["handler"])
    fragment = client.get(reverse("emergency:board"), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="board"') and "<html" not in fragment
    assert 'hx-trigger="every 30s' in fragment


def test_an_answered_request_keeps_its_priority(net):
    req = _request(net)
    services.unmet_record(actor=net["handler"], request=req, reason="no_place")
    with pytest.raises(services.Conflict, match="ne change plus"):
        services.request_set_priority(actor=net["handler"], request=req, version=1, priority="P1", reason="x")
    req.refresh_from_db()
    assert req.priority == "P4"


# The waiting list's row as emergency/_board.html drew it with template tags before `waiting_row`.
_TEMPLATE_ROWS = (
    "{% load i18n visibility_tags %}{% for req in waiting %}\n"
    '        <li class="list-group-item" data-request="{{ req.pk }}">\n'
    '          <div class="d-flex gap-2 align-items-baseline">\n'
    '            <span class="badge prc-priority-{{ req.priority|lower }} {% if req.priority =='
    " 'P1' %}text-bg-danger{% elif req.priority == 'P2' %}text-bg-warning{% else %}"
    "text-bg-secondary{% endif %}"
    '" title="{{ req.get_priority_display }}">{{ req.priority }}</span>\n'
    '            <a id="req-{{ req.pk }}" class="fw-semibold" href="{% url \'emergency:request\' '
    'req.pk %}">{% if req.household %}{% household_name req.household %}'
    "{% elif req.caller_name %}"
    '{{ req.caller_name }} <span class="text-body-secondary small">({% translate "sans dossier"'
    ' %})</span>{% else %}{% translate "Appelant·e anonyme" %}{% endif %}</a>\n'
    "          </div>\n"
    '          <div class="small">\n'
    "            {{ req.called_label }} · <strong data-waited>{{ req.waited }}</strong> ·\n"
    "            {{ req.persons_label }}{% if req.women_only %}"
    ' · {% translate "femme seule ou avec enfants" %}{% endif %}\n'
    "          </div>\n"
    "        </li>\n"
    "      {% endfor %}"
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_waiting_rows_are_the_templates_html(net, login, client, language):
    """`{% waiting_row %}` draws the board's rows as the template did, byte for byte: names shown and
    hidden, a caller without a file, an anonymous one, every priority, children, women only."""
    from django.template import RequestContext, Template
    from django.utils import translation

    shown = make_household(organization=net["siao"], people=[("Awa", "Diallo <b>", date(1990, 1, 2))])
    hidden = make_household(organization=net["association"], people=[("Paul", "Martin", date(1980, 5, 6))])
    family = make_household(
        organization=net["siao"],
        people=[("Inès", "Robert", date(1988, 3, 4)), ("Léo", "Robert", date(2020, 6, 7))],
    )
    _request(net, household=shown, priority="P1", priority_reason="danger")
    _request(net, household=hidden, priority="P2", priority_reason="santé", women_only=True)
    _request(net, household=family, persons=2, children=1, priority="P3", priority_reason="enfant")
    _request(net, caller_name="Jo <i>&", persons=3, children=2, women_only=True)
    _request(net)
    # The file moved to Paris since the call: the 93 handler no longer reads its names.
    Household.objects.filter(pk=hidden.pk).update(territory=TerritoryFactory(code="75"))
    login(net["handler"])
    with translation.override(language):
        response = client.get(reverse("emergency:board"), HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        rows = Template(_TEMPLATE_ROWS).render(
            RequestContext(response.wsgi_request, {"waiting": response.context["waiting"]})
        )
    assert len(response.context["waiting"]) == 5
    drawn = body.split('<ol class="list-group mb-3" data-waiting>\n      ', 1)[1].split("</ol>", 1)[0]
    assert drawn == rows + "\n      "
    assert rows.count('<span class="household-name">') == 2
    assert f'{hidden.pk} <span class="text-body-secondary small">(' in rows  # the number, why hidden
    assert "Jo &lt;i&gt;&amp;" in rows and "text-bg-danger" in rows and "text-bg-warning" in rows


# A household found while taking a call, as emergency/call.html drew it before `call_result_row`.
_TEMPLATE_RESULTS = (
    "{% load i18n visibility_tags %}{% for h in results %}"
    '<li><a href="?household={{ h.pk }}">{% translate "Choisir" %} {% household_name h %}</a>'
    '{% may_read h "first_name" "person" as names_shown %}'
    '{% may_read h "birth_date" "person" as years_shown %}'
    "{% if names_shown %} — {% for p in h.members %}{{ p.first_name }} {{ p.last_name }}"
    '{% if years_shown and p.birth_date %} ({{ p.birth_date|date:"Y" }}){% endif %}'
    "{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}</li>{% endfor %}"
)


def test_the_call_results_rows_are_the_templates_html(net, login, client, rf):
    """`{% call_result_row %}` draws the households found as the template did, byte for byte: the
    members with their birth year (or none known), escaped; names hidden from a user without access."""
    from django.template import RequestContext, Template

    make_household(
        organization=net["siao"],
        people=[("Inès", "Robert <b>", date(1988, 3, 4)), ("Léo", "Robert <b>", None)],
    )
    make_household(organization=net["association"], people=[("Ana", "Robert <b>", date(1970, 1, 2))])
    login(net["handler"])
    response = client.get(reverse("emergency:call"), {"q": "robert"})
    results = response.context["results"]
    assert len(results) == 2
    expected = Template(_TEMPLATE_RESULTS).render(RequestContext(response.wsgi_request, {"results": results}))
    assert expected in response.content.decode().replace("\n    ", "")
    assert "Robert &lt;b&gt; (1988), Léo Robert &lt;b&gt;</li>" in expected
    # Someone who may not read these files: the number and why, no members.
    stranger = rf.get("/")
    stranger.user = as_member(MembershipFactory(role=Role.SOCIAL_WORKER))
    drawn = Template("{% load emergency_tags %}{% for h in results %}{% call_result_row h %}{% endfor %}")
    hidden = Template(_TEMPLATE_RESULTS).render(RequestContext(stranger, {"results": results}))
    assert drawn.render(RequestContext(stranger, {"results": results})) == hidden
    assert "Robert" not in hidden and "(identit" in hidden


# --- a request's lookup compiled once per team (core.lookup's compiled_as, issue 18) -----------------


def test_a_request_compiled_for_one_team_stays_out_of_reach_of_another(net, client, login):
    """The lookup's SQL is kept per process and team département: after a handler of 93 opened a
    request (compiling it), a handler of 75 still finds no such request, and opens their own."""
    ours = _request(net)
    theirs = services.request_create(actor=net["paris_handler"], night=current_night(), persons=1)
    login(net["handler"])
    url = reverse("emergency:request", args=[ours.pk])
    assert client.get(url).status_code == 200
    login(net["paris_handler"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("emergency:request", args=[theirs.pk])).status_code == 200
    login(net["handler"])
    assert client.get(reverse("emergency:request", args=[theirs.pk])).status_code == 404
    login(net["members"][Role.SOCIAL_WORKER].user)
    assert client.get(url).status_code == 404


def test_a_request_number_too_large_for_any_key_is_not_found(net, client, login):
    login(net["handler"])
    assert client.get(reverse("emergency:request", args=[2**63])).status_code == 404
    assert client.get(reverse("emergency:request", args=[10**30])).status_code == 404


def test_the_compiled_lookup_gives_what_the_orm_gives(net, django_assert_num_queries):
    from parcours.core.lookup import get_visible_or_404
    from parcours.emergency.views import REQUESTS, REQUESTS_SQL

    household = make_household(organization=net["association"])
    req = _request(net, household=household)
    user = net["handler"]
    found = get_visible_or_404(REQUESTS, req.pk, user, compiled_as=REQUESTS_SQL)
    again = get_visible_or_404(REQUESTS, req.pk, user, compiled_as=REQUESTS_SQL)
    plain = get_visible_or_404(REQUESTS, req.pk, user)
    for field in EmergencyRequest._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(plain, field.attname) == getattr(again, field.attname)
    with django_assert_num_queries(0):  # the household and its people come with it
        assert found.household == household and [p.pk for p in found.household.members] == [
            p.pk for p in plain.household.members
        ]
