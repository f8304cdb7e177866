"""API v1 of the 115, as api-v1.md writes it: availability, requests, allocate (409), unmet; and the
added endpoints (list, cancel, no-show, extend, priority, free-places declaration)."""

from datetime import timedelta

import pytest

from parcours.accounts.roles import Role
from parcours.emergency.models import EmergencyRequest
from parcours.emergency.nights import current_night
from tests.factories import OrganizationFactory, TerritoryFactory, make_emergency_facility, make_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def setup(api):
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=TerritoryFactory(code="93"))
    association = OrganizationFactory(name="Les Amarres")
    facility, units = make_emergency_facility(organization=association, units=2, capacity=2)
    return {
        "handler": api(Role.CALL_HANDLER, organization=siao),
        "manager": api(Role.FACILITY_MANAGER, organization=association),
        "worker": api(Role.SOCIAL_WORKER, organization=association),
        "siao": siao,
        "facility": facility,
        "units": units,
        "night": current_night().isoformat(),
    }


def test_contract_availability_request_allocate_conflict_unmet(setup):
    call, night, units = setup["handler"], setup["night"], setup["units"]
    free = call("get", f"/emergency/availability?night={night}&territory=93&persons=2")
    assert free.status_code == 200
    assert [row["unit"] for row in free.json()] == [u.pk for u in units]
    assert set(free.json()[0]) >= {"unit", "facility", "capacity", "kind", "commune"}
    assert call("get", f"/emergency/availability?night={night}&persons=3").json() == []

    created = call(
        "post",
        "/emergency/requests",
        {
            "household": None,
            "night": night,
            "persons": 2,
            "vulnerability": "P4",
            "caller_phone": "0612345678",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "open"
    first = created.json()["id"]
    allocated = call("post", f"/emergency/requests/{first}/allocate", {"unit": units[0].pk})
    assert allocated.status_code == 201 and allocated.json()["unit"] == units[0].pk

    second = call(
        "post", "/emergency/requests", {"night": night, "persons": 1, "vulnerability": "P4"}
    ).json()["id"]
    taken = call("post", f"/emergency/requests/{second}/allocate", {"unit": units[0].pk})
    assert taken.status_code == 409
    assert (
        taken.json()["error"]["code"] == "place_taken"
        and "vient d'être attribuée" in taken.json()["error"]["message"]
    )
    assert [row["unit"] for row in call("get", f"/emergency/availability?night={night}").json()] == [
        units[1].pk
    ]

    unmet = call("post", f"/emergency/requests/{second}/unmet", {"reason": "refused_by_person"})
    assert unmet.status_code == 200 and unmet.json()["status"] == "unmet"
    again = call("post", f"/emergency/requests/{second}/unmet", {"reason": "no_place"})
    assert again.status_code == 409
    detail = call("get", f"/emergency/requests/{second}").json()
    assert detail["unmet_reason"] == "refused_by_person"
    listed = call("get", f"/emergency/requests?night={night}").json()
    assert listed["count"] == 2 and {r["id"] for r in listed["results"]} == {first, second}


def test_bad_input_gets_json_errors_never_a_500(setup):
    call, night = setup["handler"], setup["night"]
    assert call("post", "/emergency/requests", {"night": night, "persons": 0}).status_code == 422
    bad = call("post", "/emergency/requests", {"night": night, "persons": 2, "children": 2})
    assert bad.status_code == 400 and "adulte" in bad.json()["error"]["message"]
    override = call("post", "/emergency/requests", {"night": night, "persons": 1, "vulnerability": "P1"})
    assert override.status_code == 400 and "priority_reason" in override.json()["error"]["fields"]
    closed = (current_night() - timedelta(days=1)).isoformat()
    assert call("post", "/emergency/requests", {"night": closed, "persons": 1}).status_code == 400
    assert call("get", "/emergency/availability?territory=ZZ").status_code == 400
    assert call("post", "/emergency/requests/999999/allocate", {"unit": 1}).status_code == 404
    assert call("post", "/emergency/requests", {"night": "hier", "persons": 1}).status_code == 422
    rid = call("post", "/emergency/requests", {"night": night, "persons": 1}).json()["id"]
    assert call("post", f"/emergency/requests/{rid}/allocate", {"unit": 999999}).status_code == 404
    assert call("post", f"/emergency/requests/{rid}/unmet", {"reason": "nationality"}).status_code == 422


def test_other_roles_and_territories_get_403_or_404(setup, api):
    night = setup["night"]
    rid = setup["handler"]("post", "/emergency/requests", {"night": night, "persons": 1}).json()["id"]
    worker = setup["worker"]
    assert worker("post", "/emergency/requests", {"night": night, "persons": 1}).status_code == 403
    assert worker("get", f"/emergency/requests/{rid}").status_code == 404
    paris = api(
        Role.CALL_HANDLER, organization=OrganizationFactory(siao=True, territory=TerritoryFactory(code="75"))
    )
    assert paris("get", f"/emergency/requests/{rid}").status_code == 404
    assert (
        paris("post", f"/emergency/requests/{rid}/allocate", {"unit": setup["units"][0].pk}).status_code
        == 404
    )


def test_known_household_request_and_extension_cancel_no_show(setup):
    call, night, units = setup["handler"], setup["night"], setup["units"]
    household = make_household(organization=setup["siao"])
    created = call("post", "/emergency/requests", {"household": household.pk, "night": night})
    assert created.status_code == 201
    rid = created.json()["id"]
    assert EmergencyRequest.objects.get(pk=rid).persons == 1
    duplicate = call("post", "/emergency/requests", {"household": household.pk, "night": night})
    assert duplicate.status_code == 409
    allocation = call("post", f"/emergency/requests/{rid}/allocate", {"unit": units[1].pk}).json()
    extended = call("post", f"/emergency/allocations/{allocation['id']}/extend", {"nights": 2})
    assert extended.status_code == 201 and len(extended.json()) == 2
    no_show = call("post", f"/emergency/allocations/{allocation['id']}/no-show")
    assert no_show.status_code == 200 and no_show.json()["status"] == "no_show"
    assert call("post", f"/emergency/allocations/{allocation['id']}/cancel").status_code == 409
    nxt = extended.json()[0]["id"]
    cancelled = call("post", f"/emergency/allocations/{nxt}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_priority_with_version_and_free_places_declaration(setup):
    call, night, units = setup["handler"], setup["night"], setup["units"]
    rid = call("post", "/emergency/requests", {"night": night, "persons": 1}).json()["id"]
    ok = call(
        "post", f"/emergency/requests/{rid}/priority", {"version": 1, "vulnerability": "P2", "reason": "Âgé."}
    )
    assert ok.status_code == 200 and ok.json()["vulnerability"] == "P2" and ok.json()["version"] == 2
    stale = call(
        "post", f"/emergency/requests/{rid}/priority", {"version": 1, "vulnerability": "P3", "reason": "x"}
    )
    assert stale.status_code == 409

    path = f"/emergency/facilities/{setup['facility'].pk}/free-places"
    declared = setup["manager"]("put", path, {"night": night, "units": [units[1].pk]})
    assert declared.status_code == 200 and declared.json()["units"] == [units[1].pk]
    assert [r["unit"] for r in call("get", f"/emergency/availability?night={night}").json()] == [units[1].pk]
    assert setup["worker"]("put", path, {"night": night, "units": []}).status_code == 403
