"""The offer: facilities, units and vacancies — permissions, pages, API, the one-open-vacancy rule,
the availability counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.offers import perms, services
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.offers.querysets import availability
from parcours.territories.models import Commune
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, as_member
from tests.perm_matrix import assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def network():
    """Two départements; an association, a landlord, the SIAO of 93, and one member per role."""
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    Commune.objects.create(code="93008", name="Bobigny", territory=t93)
    Commune.objects.create(code="75056", name="Paris", territory=t75)
    association = OrganizationFactory(name="Les Amarres")
    landlord = OrganizationFactory(name="Logis de la Plaine", landlord=True)
    siao = OrganizationFactory(name="SIAO 93", siao=True)
    other = OrganizationFactory(name="Association de Paris", territory=t75)
    facilities = {
        "own_chu": Facility.objects.create(name="CHU A", kind="chu", organization=association, territory=t93),
        "landlord_social": Facility.objects.create(
            name="Résidence L", kind="logement_social", organization=landlord, territory=t93
        ),
        "landlord_other": Facility.objects.create(
            name="RS L", kind="residence_sociale", organization=landlord, territory=t93
        ),
        "paris_chrs": Facility.objects.create(name="CHRS P", kind="chrs", organization=other, territory=t75),
    }
    members = {
        Role.FACILITY_MANAGER: MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        Role.LANDLORD: MembershipFactory(role=Role.LANDLORD, organization=landlord),
        Role.SIAO_COORDINATOR: MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        Role.CALL_HANDLER: MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        Role.SOCIAL_WORKER: MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        Role.OBSERVER: MembershipFactory(role=Role.OBSERVER),
        Role.NETWORK_ADMIN: MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    units = {key: Unit.objects.create(facility=f, label="U1", capacity=2) for key, f in facilities.items()}
    return {"facilities": facilities, "members": members, "units": units, "t93": t93, "t75": t75}


MANAGES = {
    Role.FACILITY_MANAGER: {"own_chu"},
    Role.LANDLORD: {"landlord_social"},
    Role.SIAO_COORDINATOR: {"own_chu", "landlord_social", "landlord_other"},
    Role.CALL_HANDLER: set(),
    Role.SOCIAL_WORKER: set(),
    Role.OBSERVER: set(),
    Role.NETWORK_ADMIN: {"own_chu", "landlord_social", "landlord_other", "paris_chrs"},
}
OBJECTS = ("own_chu", "landlord_social", "landlord_other", "paris_chrs")


def test_permission_matrix(network):
    expected = {}
    for role, managed in MANAGES.items():
        for obj in OBJECTS:
            expected[(role, obj, "view")] = True
            for action in ("manage", "declare_vacancy", "manage_unit"):
                expected[(role, obj, action)] = obj in managed

    def check(role, obj, action):
        user = as_member(network["members"][role])
        facility, unit = network["facilities"][obj], network["units"][obj]
        return {
            "view": perms.can_view_facility,
            "manage": perms.can_manage_facility,
            "declare_vacancy": lambda u, _f: perms.can_declare_vacancy(u, unit),
            "manage_unit": lambda u, _f: perms.can_manage_unit(u, unit),
        }[action](user, facility)

    assert_matrix(expected, check)


def test_querysets_agree_with_perms(network):
    for role, managed in MANAGES.items():
        user = as_member(network["members"][role])
        names = {k for k, f in network["facilities"].items() if f in Facility.objects.manageable_by(user)}
        assert names == managed, role
        assert Facility.objects.visible_to(user).count() == len(OBJECTS)


def test_pages_answer_404_on_what_one_may_not_edit(client, login, network):
    expected, pages = {}, {}
    for role, managed in MANAGES.items():
        for obj in OBJECTS:
            expected[(role, obj, "detail")] = True
            expected[(role, obj, "edit")] = obj in managed
            expected[(role, obj, "declare")] = obj in managed

    def check(role, obj, action):
        membership = network["members"][role]
        if pages.get("as") != role:
            client.logout()
            login(membership.user)
            pages["as"] = role
        url = {
            "detail": reverse("offers:facility_detail", args=[network["facilities"][obj].pk]),
            "edit": reverse("offers:facility_edit", args=[network["facilities"][obj].pk]),
            "declare": reverse("offers:vacancy_declare", args=[network["units"][obj].pk]),
        }[action]
        status = client.get(url).status_code
        assert status in (200, 404), (role, obj, action, status)
        return status == 200

    assert_matrix(expected, check)


def test_everyone_with_a_membership_sees_the_offer_in_the_menu(client, login, network):
    for membership in network["members"].values():
        client.logout()
        login(membership.user)
        html = client.get(reverse("core:home")).content.decode()
        assert reverse("offers:list") in html
        assert client.get(reverse("offers:list")).status_code == 200


def test_create_a_facility_then_units_and_a_vacancy_from_the_pages(client, login, network):
    manager = network["members"][Role.FACILITY_MANAGER]
    login(manager.user)
    response = client.post(
        reverse("offers:facility_create"),
        {
            "name": "Pension des Lilas",
            "kind": "pension_de_famille",
            "organization": manager.organization_id,
            "territory": "93",
            "commune": "93008",
            "min_age": "25",
            "accepted_sex": "any",
            "accepted_household": "single",
            "pets_accepted": "on",
        },
    )
    facility = Facility.objects.get(name="Pension des Lilas")
    assert response["Location"] == reverse("offers:facility_detail", args=[facility.pk])
    assert facility.commune.code == "93008" and facility.pets_accepted and not facility.emergency
    client.post(
        reverse("offers:unit_create", args=[facility.pk]),
        {"label": "Studio 1", "capacity": "1", "typology": "T1", "rent": "420.00", "charges": "60"},
    )
    unit = facility.units.get()
    assert unit.rent == Decimal("420.00")
    today = timezone.localdate().isoformat()
    response = client.post(reverse("offers:vacancy_declare", args=[unit.pk]), {"available_from": today})
    assert response.status_code == 302
    again = client.post(reverse("offers:vacancy_declare", args=[unit.pk]), {"available_from": today})
    assert again.status_code == 409 and "déjà une vacance à pourvoir" in again.content.decode()
    vacancy = Vacancy.objects.get()
    html = client.get(reverse("offers:facility_detail", args=[facility.pk])).content.decode()
    assert "Studio 1" in html and "libre le" in html
    home = client.get(reverse("core:home")).content.decode()
    assert "Pension des Lilas" in home and "Studio 1" in home
    client.post(reverse("offers:vacancy_withdraw", args=[vacancy.pk]))
    vacancy.refresh_from_db()
    assert vacancy.status == "withdrawn" and vacancy.withdrawn_at is not None
    actions = set(AuditEvent.objects.filter(actor=manager.user).values_list("action", flat=True))
    assert {
        "offers.facility.create",
        "offers.unit.create",
        "offers.vacancy.declare",
        "offers.vacancy.withdraw",
    } <= actions


def test_landlord_and_manager_cannot_create_for_others(client, login, network):
    landlord = network["members"][Role.LANDLORD]
    login(landlord.user)
    response = client.post(
        reverse("offers:facility_create"),
        {
            "name": "CHU du bailleur",
            "kind": "chu",
            "organization": landlord.organization_id,
            "territory": "93",
            "accepted_sex": "any",
            "accepted_household": "any",
        },
    )
    assert response.status_code == 400 and not Facility.objects.filter(name="CHU du bailleur").exists()


def test_commune_must_be_in_the_territory(network):
    admin = as_member(network["members"][Role.NETWORK_ADMIN])
    with pytest.raises(services.ValidationError) as exc:
        services.facility_create(
            actor=admin,
            name="X",
            kind="chu",
            organization=network["facilities"]["own_chu"].organization,
            territory="93",
            commune="75056",
        )
    assert "commune" in exc.value.message_dict


def test_version_conflict_on_facility_edit(client, login, network):
    manager = network["members"][Role.FACILITY_MANAGER]
    facility = network["facilities"]["own_chu"]
    login(manager.user)
    url = reverse("offers:facility_edit", args=[facility.pk])
    form = {
        "version": 1,
        "name": "CHU A rénové",
        "kind": "chu",
        "organization": facility.organization_id,
        "territory": "93",
        "accepted_sex": "any",
        "accepted_household": "any",
        "active": "on",
    }
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "name": "CHU A bis"})
    assert response.status_code == 409 and "Quelqu&#x27;un a modifié cette fiche" in response.content.decode()
    facility.refresh_from_db()
    assert facility.name == "CHU A rénové" and facility.version == 2


def test_one_open_vacancy_per_unit(network):
    manager = as_member(network["members"][Role.FACILITY_MANAGER])
    unit = network["units"]["own_chu"]
    today = timezone.localdate()
    first = services.vacancy_declare(actor=manager, unit=unit, available_from=today)
    with pytest.raises(services.VacancyConflict):
        services.vacancy_declare(actor=manager, unit=unit, available_from=today + timedelta(days=3))
    # The database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vacancy.objects.create(unit=unit, available_from=today)
    services.vacancy_withdraw(actor=manager, vacancy=first)
    with pytest.raises(services.VacancyConflict):
        services.vacancy_withdraw(actor=manager, vacancy=first)
    second = services.vacancy_declare(actor=manager, unit=unit, available_from=today)
    assert second.is_open and Vacancy.objects.filter(unit=unit).count() == 2


def test_vacancy_status_and_dates_are_consistent_in_the_database(network):
    unit = network["units"]["own_chu"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Vacancy.objects.create(unit=unit, available_from=timezone.localdate(), status="filled")


def test_unit_constraints(network):
    facility = network["facilities"]["own_chu"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(facility=facility, label="U1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(facility=facility, label="U0", capacity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(facility=facility, label="U9", rent=Decimal("-1"))


def test_availability_counts_on_a_hand_made_example(network):
    """93: CHU A has U1 (2 places) + 3 single rooms, one open vacancy and one withdrawn one;
    Résidence L has U1 (2) + a T3 (4 places, open vacancy) + an inactive unit (not counted);
    RS L has U1 (2); 75: CHRS P has U1 (2). An inactive facility's units are not counted."""
    f, t93 = network["facilities"], network["t93"]
    manager = as_member(network["members"][Role.NETWORK_ADMIN])
    rooms = [Unit.objects.create(facility=f["own_chu"], label=f"R{n}", capacity=1) for n in range(3)]
    t3 = Unit.objects.create(facility=f["landlord_social"], label="T3", capacity=4, typology="T3")
    Unit.objects.create(facility=f["landlord_social"], label="old", capacity=3, active=False)
    closed = Facility.objects.create(
        name="Fermé", kind="chu", organization=f["own_chu"].organization, territory=t93, active=False
    )
    Unit.objects.create(facility=closed, label="X", capacity=9)
    today = timezone.localdate()
    services.vacancy_declare(actor=manager, unit=rooms[0], available_from=today)
    withdrawn = services.vacancy_declare(actor=manager, unit=rooms[1], available_from=today)
    services.vacancy_withdraw(actor=manager, vacancy=withdrawn)
    services.vacancy_declare(actor=manager, unit=t3, available_from=today)

    rows = {
        (r["kind"], r["territory"]): (r["units"], r["places"], r["vacancies"])
        for r in availability(Facility.objects.all())
    }
    assert rows == {
        ("chu", "93"): (4, 5, 1),
        ("logement_social", "93"): (2, 6, 1),
        ("residence_sociale", "93"): (1, 2, 0),
        ("chrs", "75"): (1, 2, 0),
    }
    only_93 = availability(Facility.objects.filter(territory=t93, kind="chu"))
    assert only_93 == [{"kind": "chu", "territory": "93", "units": 4, "places": 5, "vacancies": 1}]


def test_list_page_filters_and_shows_the_availability_table(client, login, network):
    manager = as_member(network["members"][Role.FACILITY_MANAGER])
    services.vacancy_declare(
        actor=manager, unit=network["units"]["own_chu"], available_from=timezone.localdate()
    )
    login(network["members"][Role.OBSERVER].user)
    html = client.get(reverse("offers:list")).content.decode()
    assert "CHRS P" in html and 'data-kind="chu" data-territory="93"' in html
    html = client.get(reverse("offers:list"), {"with_vacancy": "on"}).content.decode()
    assert "CHU A" in html and "CHRS P" not in html
    html = client.get(reverse("offers:list"), {"emergency": "on", "territory": "93"}).content.decode()
    assert "CHU A" in html and "Résidence L" not in html
    assert "Nouvelle structure" not in html


def test_list_page_runs_a_bounded_number_of_queries(client, login, network, django_assert_max_num_queries):
    login(network["members"][Role.SIAO_COORDINATOR].user)
    url = reverse("offers:list")
    client.get(url)
    organization = network["facilities"]["own_chu"].organization
    for n in range(30):
        facility = Facility.objects.create(
            name=f"CHU {n}", kind="chu", organization=organization, territory=network["t93"]
        )
        for m in range(3):
            Unit.objects.create(facility=facility, label=f"R{m}")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("offers:facility_detail", args=[facility.pk])).status_code == 200


# API ----------------------------------------------------------------------------------------------

FACILITY = {"name": "CHU de l'API", "kind": "chu", "territory": "93", "commune": None}


def test_api_offer_contract(api):
    TerritoryFactory(code="93")
    call = api(Role.FACILITY_MANAGER)
    org = call.membership.organization_id
    response = call("post", "/facilities", {**FACILITY, "organization": org})
    assert response.status_code == 201, response.json()
    facility = response.json()
    assert facility["id"] and facility["kind"] == "chu" and facility["emergency"] is True
    assert facility["organization"] == org and facility["territory"] == "93" and facility["version"] == 1
    listing = call("get", "/facilities?kind=chu&limit=10").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == facility["id"]
    assert call("get", "/facilities?emergency=false").json() == {"count": 0, "results": []}

    unit_body = {
        "facility": facility["id"],
        "label": "Chambre 1",
        "capacity": 3,
        "typology": "room",
        "rent": "500.00",
        "charges": "100.00",
        "accessible": False,
    }
    response = call("post", "/units", unit_body)
    assert response.status_code == 201, response.json()
    unit = response.json()
    assert unit["rent"] == "500.00" and unit["capacity"] == 3 and unit["open_vacancy"] is None
    units = call("get", f"/units?facility={facility['id']}").json()
    assert units["count"] == 1 and units["results"][0]["label"] == "Chambre 1"

    today = timezone.localdate().isoformat()
    response = call("post", f"/units/{unit['id']}/vacancies", {"available_from": today})
    assert response.status_code == 201, response.json()
    vacancy = response.json()
    assert vacancy["id"] and vacancy["status"] == "open" and vacancy["unit"] == unit["id"]
    assert call("get", "/units").json()["results"][0]["open_vacancy"] == vacancy["id"]

    conflict = call("post", f"/units/{unit['id']}/vacancies", {"available_from": today})
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"
    assert "déjà une vacance" in conflict.json()["error"]["message"]
    duplicate = call("post", "/units", unit_body)
    assert duplicate.status_code == 400 and duplicate.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/facilities", {**FACILITY, "kind": "castle"}, 422),
        ("/facilities", {**FACILITY, "organization": 999999}, 400),
        ("/facilities", {**FACILITY, "territory": "00"}, 400),
        ("/facilities", {**FACILITY, "commune": "99999"}, 400),
        ("/facilities", {**FACILITY, "siret": "123"}, 400),
        ("/facilities", {**FACILITY, "min_age": 60, "max_age": 18}, 400),
        ("/facilities", {"name": "x"}, 422),
        ("/units", {"facility": 999999, "label": "A"}, 400),
        ("/units", {"label": "A", "capacity": 0}, 422),
        ("/units/999999/vacancies", {"available_from": "2026-01-01"}, 404),
        ("/units/1/vacancies", {"available_from": "not a date"}, 422),
    ],
)
def test_api_bad_input_is_never_a_500(api, path, body, status):
    call = api(Role.NETWORK_ADMIN)
    if path == "/facilities" and body.get("organization") is None:
        body = {**body, "organization": call.membership.organization_id}
    if path == "/units" and "facility" not in body:
        body = {**body, "facility": 1}
    response = call("post", path, body)
    assert response.status_code == status, response.json()
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_api_permissions(api):
    TerritoryFactory(code="93")
    manager = api(Role.FACILITY_MANAGER)
    facility = manager(
        "post", "/facilities", {**FACILITY, "organization": manager.membership.organization_id}
    ).json()
    unit = manager("post", "/units", {"facility": facility["id"], "label": "A"}).json()
    observer = api(Role.OBSERVER)
    assert observer("get", "/facilities").json()["count"] == 1
    assert observer("post", "/units", {"facility": facility["id"], "label": "B"}).status_code == 403
    other_manager = api(Role.FACILITY_MANAGER)
    forbidden = other_manager("post", f"/units/{unit['id']}/vacancies", {"available_from": "2026-11-23"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    foreign = other_manager(
        "post", "/facilities", {**FACILITY, "organization": manager.membership.organization_id}
    )
    assert foreign.status_code == 403
    landlord = api(Role.LANDLORD)
    own = {**FACILITY, "organization": landlord.membership.organization_id}
    assert landlord("post", "/facilities", own).status_code == 403
    assert landlord("post", "/facilities", {**own, "kind": "logement_social"}).status_code == 201
    assert api(Role.OBSERVER)("get", "/facilities?limit=0").status_code == 422


def test_demo_offer_is_seeded_once():
    import random

    from parcours.demo import network as demo_network
    from parcours.demo import offers as demo_offers

    TerritoryFactory(code="93")
    demo_network.seed(random.Random(2026))
    assert demo_offers.seed(random.Random(1)) >= 40
    counts = (Facility.objects.count(), Unit.objects.count(), Vacancy.objects.open().count())
    assert 500 <= counts[1] <= 750 and counts[2] >= 10
    kinds = set(Facility.objects.values_list("kind", flat=True))
    assert {"chu", "hotel", "halte_nuit", "chrs", "logement_social", "fjt", "iml"} <= kinds
    assert Facility.objects.filter(kind="logement_social").values("organization").distinct().count() == 4
    assert demo_offers.seed(random.Random(1)) == 0
    assert (Facility.objects.count(), Unit.objects.count(), Vacancy.objects.open().count()) == counts


def test_a_unit_taken_out_of_service_loses_its_open_vacancy(network):
    manager = as_member(network["members"][Role.FACILITY_MANAGER])
    unit = network["units"]["own_chu"]
    vacancy = services.vacancy_declare(actor=manager, unit=unit, available_from=timezone.localdate())
    services.unit_update(actor=manager, unit=unit, version=unit.version, active=False)
    vacancy.refresh_from_db()
    assert vacancy.status == "withdrawn"
    assert not perms.can_declare_vacancy(manager, unit)
    with pytest.raises(services.ValidationError):
        services.vacancy_declare(actor=manager, unit=unit, available_from=timezone.localdate())
