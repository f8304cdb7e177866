"""The 115's continuity mode (docs/continuite.md): calls noted in a browser without network are
replayed once, through the same services; a provisional place taken meanwhile becomes a task for the
team, never a double booking (concurrent tests on PostgreSQL)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.emergency import replay, services
from parcours.emergency.models import EmergencyCall, EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from parcours.offers.models import Unit
from tests.concurrency import race
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_emergency_facility,
)
from tests.home_page import read_home

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def net():
    t93 = TerritoryFactory(code="93")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    facility, units = make_emergency_facility(organization=association, units=2)
    return {
        "handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "colleague": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        "facility": facility,
        "units": units,
    }


def _record(**more) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "recorded_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
        "outcome": "request",
        "night": current_night().isoformat(),
        "persons": 1,
        "caller_name": "Momo",
        "note": "attend devant la gare",
        **more,
    }


def _replay(user, record: dict, unit=None):
    return replay.replay_call(
        actor=user,
        client_id=uuid.UUID(record["client_id"]),
        recorded_at=timezone.datetime.fromisoformat(record["recorded_at"]),
        night=current_night(),
        persons=record.get("persons", 1),
        caller_name=record.get("caller_name", ""),
        note=record.get("note", ""),
        unit=unit,
    )


def test_a_call_replayed_twice_is_recorded_once_at_the_time_it_was_noted(net):
    user = as_member(net["handler"])
    record = _record()
    first = _replay(user, record)
    again = _replay(user, record)
    assert (first.status, again.status) == ("recorded", "already")
    call = EmergencyCall.objects.get()
    assert call.client_id == uuid.UUID(record["client_id"]) and call.recorded_offline
    assert call.received_at == timezone.datetime.fromisoformat(record["recorded_at"])
    assert again.request == first.request
    assert EmergencyRequest.objects.get().caller_name == "Momo"
    assert AuditEvent.objects.filter(action="emergency.call.record").count() == 1


def test_a_provisional_place_still_free_is_booked_by_the_allocation_service(net):
    user = as_member(net["handler"])
    result = _replay(user, _record(), unit=net["units"][0])
    assert result.status == "allocated"
    allocation = NightAllocation.objects.get()
    assert (allocation.unit, allocation.request.status) == (net["units"][0], "allocated")
    assert AuditEvent.objects.filter(action="emergency.allocation.create").count() == 1


def test_a_place_taken_meanwhile_becomes_a_task_and_the_request_stays_open(net, client, login):
    user = as_member(net["handler"])
    colleague = as_member(net["colleague"])
    unit = net["units"][0]
    online = services.request_create(actor=colleague, night=current_night(), persons=1)
    services.allocate(actor=colleague, request=online, unit=unit)

    result = _replay(user, _record(), unit=unit)
    assert result.status == "task"
    assert NightAllocation.objects.filter(unit=unit, night=current_night()).count() == 1
    waiting = result.request
    waiting.refresh_from_db()
    assert (waiting.status, waiting.replay_task, waiting.provisional_unit) == ("open", "place_taken", unit)
    assert AuditEvent.objects.filter(action="emergency.replay.task").count() == 1

    # The team sees it first on its home page, and the request's page says what happened.
    home = read_home(login(user).get(reverse("core:home")).content.decode())
    panel = home["Appels hors ligne à reprendre"]
    assert "Appel hors ligne à reprendre : place prise entre-temps" in panel.rows[0].text
    assert panel.rows[0].href == reverse("emergency:request", args=[waiting.pk])
    page = client.get(reverse("emergency:request", args=[waiting.pk]))
    assert "data-replay-task" in page.content.decode()
    # Once answered, the task leaves the list.
    services.allocate(actor=user, request=waiting, unit=net["units"][1])
    home = read_home(client.get(reverse("core:home")).content.decode())
    assert "Appels hors ligne à reprendre" not in home


def test_a_call_older_than_the_keeping_time_is_refused_and_nothing_is_written(net):
    user = as_member(net["handler"])
    record = _record(recorded_at=(timezone.now() - timedelta(hours=13)).isoformat())
    with pytest.raises(ValidationError):
        _replay(user, record)
    assert not EmergencyCall.objects.exists()


def test_only_the_115_team_replays_and_nothing_is_written_when_refused(net, client, login):
    worker = as_member(net["worker"])
    with pytest.raises(Exception) as refused:
        _replay(worker, _record())
    assert getattr(refused.value, "code", "") == "forbidden"
    login(worker)
    answer = client.post(
        reverse("emergency:offline_replay"),
        json.dumps({"records": [_record()]}),
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert client.get(reverse("emergency:offline")).status_code == 404
    assert not EmergencyCall.objects.exists()


def test_another_sessions_client_id_is_not_read_back(net):
    record = _record()
    _replay(as_member(net["handler"]), record)
    with pytest.raises(services.Conflict):
        _replay(as_member(net["colleague"]), record)
    assert EmergencyCall.objects.count() == 1


def test_web_replay_answers_each_record_and_refuses_a_bad_one_without_writing_it(net, client, login):
    login(as_member(net["handler"]))
    good, taken_unit = _record(unit=net["units"][0].pk), net["units"][0]
    bad = _record(persons=None, outcome="request")
    bad.pop("persons")
    answer = client.post(
        reverse("emergency:offline_replay"),
        json.dumps({"records": [good, bad]}),
        content_type="application/json",
    )
    assert answer.status_code == 200
    results = {r["client_id"]: r for r in answer.json()["results"]}
    assert results[good["client_id"]]["status"] == "allocated"
    assert results[good["client_id"]]["url"].startswith("/115/demandes/")
    assert results[bad["client_id"]]["status"] == "refused"
    assert "personnes" in results[bad["client_id"]]["message"]
    assert NightAllocation.objects.get().unit == taken_unit
    assert EmergencyCall.objects.count() == 1
    # Sent again (the answer was lost on the way back): nothing new.
    again = client.post(
        reverse("emergency:offline_replay"), json.dumps({"records": [good]}), content_type="application/json"
    )
    assert again.json()["results"][0]["status"] == "already"
    assert EmergencyCall.objects.count() == 1
    unreadable = client.post(reverse("emergency:offline_replay"), "nope", content_type="application/json")
    assert unreadable.status_code == 400 and unreadable.json()["error"]["code"] == "invalid"


def test_web_replay_needs_the_csrf_token(net, login):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    login(as_member(net["handler"]), browser)
    answer = browser.post(
        reverse("emergency:offline_replay"),
        json.dumps({"records": [_record()]}),
        content_type="application/json",
    )
    assert answer.status_code == 403
    token = browser.get(reverse("emergency:offline_snapshot")).json()["csrf"]
    answer = browser.post(
        reverse("emergency:offline_replay"),
        json.dumps({"records": [_record()]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "recorded"


def test_snapshot_lists_tonights_free_places_and_nobody(net, client, login):
    user = as_member(net["handler"])
    request = services.request_create(actor=user, night=current_night(), persons=1, caller_name="Momo")
    services.allocate(actor=user, request=request, unit=net["units"][0])
    login(user)
    body = client.get(reverse("emergency:offline_snapshot")).json()
    assert body["night"] == current_night().isoformat() and body["taken_at"]
    assert [u["id"] for f in body["facilities"] for u in f["units"]] == [net["units"][1].pk]
    assert "Momo" not in json.dumps(body)
    page = client.get(reverse("emergency:offline"))
    assert page.status_code == 200 and "data-offline-form" in page.content.decode()


def test_service_worker_and_manifest_are_served_from_the_root_without_login(client, net):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    text = worker.content.decode()
    assert "/115/hors-ligne/tableau.json" in text and "js/offline/queue" in text and "https://" not in text
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert {i["sizes"] for i in manifest.json()["icons"]} >= {"192x192", "512x512"}


def test_api_replay_is_idempotent_and_turns_a_taken_place_into_a_task(net, client):
    from tests.factories import api_for

    call = api_for(client, net["handler"])
    colleague = as_member(net["colleague"])
    unit = net["units"][0]
    body = {
        "client_id": str(uuid.uuid4()),
        "recorded_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "night": current_night().isoformat(),
        "persons": 1,
        "allocation": {"unit": unit.pk, "night": current_night().isoformat()},
    }
    online = services.request_create(actor=colleague, night=current_night(), persons=1)
    services.allocate(actor=colleague, request=online, unit=unit)
    first = call("post", "/emergency/replay", body)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "task" and first.json()["allocation"] is None
    again = call("post", "/emergency/replay", body)
    assert again.status_code == 200 and again.json()["status"] == "already"
    assert again.json()["request"] == first.json()["request"]
    assert NightAllocation.objects.filter(unit=unit).count() == 1

    free = {
        **body,
        "client_id": str(uuid.uuid4()),
        "allocation": {"unit": net["units"][1].pk, "night": body["night"]},
    }
    allocated = call("post", "/emergency/replay", free)
    assert allocated.status_code == 201 and allocated.json()["allocation"]["unit"] == net["units"][1].pk

    wrong = call("post", "/emergency/replay", {**body, "client_id": "not-a-uuid"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid"
    worker = api_for(client, net["worker"])
    assert worker("post", "/emergency/replay", {**body, "client_id": str(uuid.uuid4())}).status_code == 403


# Real races on PostgreSQL: each client on its own connection.


def _pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent unique checks are measured on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_the_same_call_sent_at_the_same_instant_by_eight_connections_is_recorded_once(net):
    _pg_only()
    record = _record()

    def attempt():
        user = as_member(net["handler"])
        return _replay(
            user, record, unit=Unit.objects.select_related("facility").get(pk=net["units"][0].pk)
        ).status

    results = race([attempt] * 8)
    assert sorted(results) == ["allocated"] + ["already"] * 7, results
    assert EmergencyCall.objects.count() == 1
    assert NightAllocation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_replays_and_online_allocations_racing_for_one_place_never_double_book(net):
    _pg_only()
    unit_id = net["units"][0].pk
    colleague = as_member(net["colleague"])
    online = [services.request_create(actor=colleague, night=current_night(), persons=1) for _ in range(5)]

    def online_attempt(request_id):
        def run():
            user = as_member(net["colleague"])
            unit = Unit.objects.select_related("facility").get(pk=unit_id)
            try:
                services.allocate(actor=user, request=EmergencyRequest.objects.get(pk=request_id), unit=unit)
            except services.PlaceTaken:
                return "taken"
            return "allocated"

        return run

    def replay_attempt():
        user = as_member(net["handler"])
        unit = Unit.objects.select_related("facility").get(pk=unit_id)
        return _replay(user, _record(), unit=unit).status

    results = race([online_attempt(r.pk) for r in online] + [replay_attempt] * 5)
    assert not [r for r in results if r.startswith("error")], results
    assert results.count("allocated") == 1, results
    assert results.count("taken") + results.count("task") == 9
    assert NightAllocation.objects.filter(unit_id=unit_id, status="booked").count() == 1
    # Every replayed call is recorded, and those that lost the place wait as tasks.
    assert EmergencyCall.objects.filter(recorded_offline=True).count() == 5
    assert EmergencyRequest.objects.filter(status="open", replay_task="place_taken").count() == results.count(
        "task"
    )
