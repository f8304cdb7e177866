"""The households endpoints of api-v1.md, with the same rules as the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from tests.factories import OrganizationFactory, make_household

pytestmark = pytest.mark.django_db

BODY = {
    "members": [
        {
            "first_name": "Benoît",
            "last_name": "Lefèvre",
            "birth_date": "1984-07-03",
            "sex": "M",
            "relationship": "head",
        },
        {
            "first_name": "Léa",
            "last_name": "Lefèvre",
            "birth_date": "2019-02-11",
            "sex": "F",
            "relationship": "child",
        },
    ],
    "territory": "93",
    "protected": False,
    "monthly_resources": "1234.00",
    "situation": "hotel",
}


def test_create_then_read_a_household(api):
    call = api()
    response = call("post", "/households", BODY)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["territory"] == "93" and data["protected"] is False and data["version"] == 1
    assert data["monthly_resources"] == "1234.00" and data["situation"] == "hotel"
    assert [m["first_name"] for m in data["members"]] == ["Benoît", "Léa"]
    assert data["referent_organization"]["id"] == call.membership.organization_id
    again = call("get", f"/households/{data['id']}")
    assert again.status_code == 200 and again.json()["members"] == data["members"]
    reads = AuditEvent.objects.filter(
        kind="read", object_type="households.household", object_id=str(data["id"])
    )
    assert reads.count() == 2 and "composition" in reads.last().sections


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members": []}, "members"),
        ({"situation": "palace"}, "situation"),
        ({"territory": "99"}, "territory"),
        ({"monthly_resources": "-5"}, "monthly_resources"),
        ({"members": [{**BODY["members"][0], "relationship": "child"}]}, "members"),
        ({"members": [{**BODY["members"][0], "birth_date": "2999-01-01"}]}, "members"),
    ],
)
def test_bad_input_is_a_json_error_and_nothing_is_saved(api, change, field):
    from parcours.households.models import Household

    response = api()("post", "/households", {**BODY, **change})
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert error["message"] and any(field in key for key in error["fields"]) or field in error["message"]
    assert not Household.objects.exists()


def test_stale_version_gets_409_and_nothing_is_overwritten(api):
    call = api()
    household_id = call("post", "/households", BODY).json()["id"]
    first = call("patch", f"/households/{household_id}", {"version": 1, "sne_number": "093120000001"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = call("patch", f"/households/{household_id}", {"version": 1, "sne_number": "093120000002"})
    assert second.status_code == 409 and second.json()["error"]["code"] == "stale_version"
    assert call("get", f"/households/{household_id}").json()["identifiers"]["sne_number"] == "093120000001"


def test_situation_change_keeps_the_history(api):
    from parcours.households.models import SituationPeriod

    call = api()
    household_id = call("post", "/households", BODY).json()["id"]
    response = call("patch", f"/households/{household_id}", {"version": 1, "situation": "chu"})
    assert response.json()["situation"] == "chu"
    periods = SituationPeriod.objects.filter(household_id=household_id).order_by("pk")
    assert [(p.situation, p.ended_on is None) for p in periods] == [("hotel", False), ("chu", True)]


def test_someone_else_s_household_is_a_404(api):
    owner = api()
    household_id = owner("post", "/households", BODY).json()["id"]
    stranger = api(Role.SOCIAL_WORKER)
    assert stranger("get", f"/households/{household_id}").status_code == 404
    assert stranger("patch", f"/households/{household_id}", {"version": 1}).status_code == 404
    assert stranger("get", f"/households/{household_id}/access-log").status_code == 404


@pytest.mark.parametrize("query", ["benoit lefevre", "Benoit Lefevre 1984", "BENOÎT", "lefèvre 03/07/1984"])
def test_search_ignores_accents_and_case(api, query):
    call = api()
    household_id = call("post", "/households", BODY).json()["id"]
    make_household(organization=call.membership.organization, people=[("Marie", "Curie", None)])
    response = call("get", f"/households?q={query}")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [household_id]


def test_search_tolerates_a_typo_on_postgresql(api):
    if connection.vendor != "postgresql":
        pytest.skip("trigram search is PostgreSQL's; SQLite matches exact folded words")
    call = api()
    household_id = call("post", "/households", BODY).json()["id"]
    assert [r["id"] for r in call("get", "/households?q=benoir lefevre").json()["results"]] == [household_id]


def test_search_does_not_reveal_a_protected_file(api):
    worker = api()
    household_id = worker("post", "/households", {**BODY, "protected": True}).json()["id"]
    siao_org = OrganizationFactory(siao=True)
    siao = api(Role.CALL_HANDLER, organization=siao_org)
    assert siao("get", "/households?q=lefevre").json()["count"] == 0
    # The 115 can still open it by number for its mission, without its whereabouts.
    data = siao("get", f"/households/{household_id}").json()
    assert data["access"] == "full" and data["whereabouts"] is None


def test_consent_shares_the_sheet_and_revoking_stops_it(api):
    owner = api()
    household_id = owner("post", "/households", BODY).json()["id"]
    partner = api(Role.SOCIAL_WORKER)
    ends = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = owner(
        "post",
        f"/households/{household_id}/consents",
        {"organization": partner.membership.organization_id, "purpose": "support", "ends_on": ends},
    )
    assert response.status_code == 201 and response.json()["active"] is True
    consent_id = response.json()["id"]
    shared = partner("get", f"/households/{household_id}").json()
    assert shared["access"] == "shared" and shared["identifiers"] is None and shared["whereabouts"] is None
    assert (
        partner("patch", f"/households/{household_id}", {"version": 1, "phone": "0700000000"}).status_code
        == 403
    )
    assert owner("delete", f"/households/{household_id}/consents/{consent_id}").json()["active"] is False
    assert partner("get", f"/households/{household_id}").status_code == 404


def test_consent_in_the_past_is_refused(api):
    owner = api()
    household_id = owner("post", "/households", BODY).json()["id"]
    response = owner(
        "post",
        f"/households/{household_id}/consents",
        {"organization": owner.membership.organization_id, "purpose": "support", "ends_on": "2001-01-01"},
    )
    assert response.status_code == 400 and "ends_on" in response.json()["error"]["fields"]


def test_access_log_lists_who_read_the_file(api):
    owner = api()
    household_id = owner("post", "/households", BODY).json()["id"]
    siao = api(Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True))
    siao("get", f"/households/{household_id}")
    log = owner("get", f"/households/{household_id}/access-log").json()
    assert {entry["role"] for entry in log} >= {"siao_coordinator", "social_worker"}
    assert all(entry["sections"] for entry in log)


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.NETWORK_ADMIN, Role.LANDLORD, Role.FACILITY_MANAGER])
def test_roles_that_cannot_open_a_file(api, role):
    assert api(role)("post", "/households", BODY).status_code == 403
