"""Orientation: insertion requests — the state machine, permissions per role, the API contract, the
one-live-request rule, the seniority date, history and audit, the list page."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.orientation import perms, services
from parcours.orientation.choices import TRANSITIONS, RequestStatus
from parcours.orientation.models import InsertionRequest, RequestTransition
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)
from tests.perm_matrix import assert_matrix

pytestmark = pytest.mark.django_db
S = RequestStatus


@pytest.fixture
def network():
    t93, _t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    association = OrganizationFactory(name="Les Amarres")
    other = OrganizationFactory(name="Autre association")
    siao = OrganizationFactory(name="SIAO 93", siao=True)
    siao75 = OrganizationFactory(name="SIAO 75", siao=True, territory=_t75)
    members = {
        "worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        "other_worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=other),
        "coordinator": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        "coordinator75": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao75),
        "call_handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "facility": MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        "observer": MembershipFactory(role=Role.OBSERVER),
        "admin": MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    household = make_household(organization=association)
    return {"members": members, "household": household, "t93": t93, "association": association}


def _user(network, key):
    return as_member(network["members"][key])


def _create(network, **kwargs):
    return services.request_create(
        actor=_user(network, "worker"),
        household=kwargs.pop("household", network["household"]),
        wished_kinds=kwargs.pop("wished_kinds", ["logement_social"]),
        wished_territories=kwargs.pop("wished_territories", ["93", "75"]),
        **kwargs,
    )


def _force(req, status):
    InsertionRequest.objects.filter(pk=req.pk).update(status=status)
    req.refresh_from_db()
    return req


ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_transition_table(network, from_status, to_status):
    req = _force(_create(network), from_status)
    actor = _user(network, "coordinator")
    allowed = to_status in TRANSITIONS[from_status]
    # Moves into "proposed" and "admitted" follow a proposal (orientation/invariants.py): without
    # one, the table allows them but the invariant refuses them (tests/security/test_workflow_invariants).
    if allowed and to_status in (S.PROPOSED, S.ADMITTED):
        with pytest.raises(services.TransitionConflict, match="proposition"):
            services.transition(req, to_status, actor=actor, action="test")
        req.refresh_from_db()
        assert req.status == from_status
    elif allowed:
        services.transition(req, to_status, actor=actor, action="test")
        assert req.status == to_status
        assert RequestTransition.objects.filter(request=req, to_status=to_status).exists()
    else:
        with pytest.raises(services.TransitionConflict):
            services.transition(req, to_status, actor=actor, action="test")
        req.refresh_from_db()
        assert req.status == from_status


def test_table_is_the_specified_one():
    assert {
        S.DRAFT: {S.SUBMITTED, S.CANCELLED},
        S.SUBMITTED: {S.TO_COMPLETE, S.VALIDATED, S.CANCELLED},
        S.TO_COMPLETE: {S.SUBMITTED, S.CANCELLED},
        S.VALIDATED: {S.PROPOSED, S.CANCELLED, S.EXPIRED},
        S.PROPOSED: {S.VALIDATED, S.ADMITTED, S.CANCELLED},
        S.ADMITTED: set(),
        S.CANCELLED: {S.DRAFT},
        S.EXPIRED: {S.DRAFT},
    } == TRANSITIONS


ROLE_ACTIONS = {
    "worker": {"view", "create", "submit", "cancel", "reactivate"},
    "other_worker": set(),
    "coordinator": {"view", "create", "submit", "cancel", "reactivate", "ask_completion", "validate"},
    "coordinator75": set(),
    "call_handler": {"view", "create", "submit", "cancel", "reactivate"},
    "facility": set(),
    "observer": set(),
    "admin": set(),
}


def test_permission_matrix(network):
    req = _create(network)

    def check(role, obj, action):
        user = _user(network, role)
        if action == "view":
            return perms.can_view_request(user, req)
        if action == "create":
            return perms.can_create_request(user, req.household)
        return perms.may(user, req, action)

    expected = {
        (role, "request", action): action in allowed
        for role, allowed in ROLE_ACTIONS.items()
        for action in ("view", "create", *perms.ACTIONS)
    }
    assert_matrix(expected, check)


def test_services_refuse_forbidden_roles(network):
    req = _create(network)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.request_submit(actor=_user(network, "other_worker"), insertion_request=req)
    services.request_submit(actor=_user(network, "worker"), insertion_request=req)
    with pytest.raises(PermissionDenied):
        services.request_validate(actor=_user(network, "worker"), insertion_request=req)


def test_one_live_request_per_household(network):
    req = _create(network)
    with pytest.raises(services.TransitionConflict):
        _create(network)
    with pytest.raises(IntegrityError), transaction.atomic():
        InsertionRequest.objects.create(
            household=network["household"], wished_kinds=["chu"], wished_territories=["93"]
        )
    services.request_cancel(actor=_user(network, "worker"), insertion_request=req, reason="Erreur")
    second = _create(network)
    assert second.status == S.DRAFT
    with pytest.raises(services.TransitionConflict):
        services.request_reactivate(actor=_user(network, "worker"), insertion_request=req)


def test_validation_of_wishes(network):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _create(network, wished_kinds=[])
    with pytest.raises(ValidationError):
        _create(network, wished_kinds=["castle"])
    with pytest.raises(ValidationError):
        _create(network, wished_territories=["99"])


def test_seniority_kept_on_resubmission_and_history_and_audit(network):
    worker, coordinator = _user(network, "worker"), _user(network, "coordinator")
    req = _create(network)
    services.request_submit(actor=worker, insertion_request=req)
    first = req.seniority_date
    assert first is not None
    InsertionRequest.objects.filter(pk=req.pk).update(seniority_date="2025-01-02")
    services.request_ask_completion(actor=coordinator, insertion_request=req, reason="Pièces manquantes")
    services.request_submit(actor=worker, insertion_request=req)
    assert str(req.seniority_date) == "2025-01-02"
    services.request_validate(actor=coordinator, insertion_request=req)
    assert req.validated_at is not None
    history = list(req.transitions.values_list("from_status", "to_status", "reason"))
    assert history == [
        ("", S.DRAFT, ""),
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.TO_COMPLETE, "Pièces manquantes"),
        (S.TO_COMPLETE, S.SUBMITTED, ""),
        (S.SUBMITTED, S.VALIDATED, ""),
    ]
    events = AuditEvent.objects.for_object("orientation.insertionrequest", req.pk)
    actions = list(events.values_list("action", flat=True))
    assert actions == [
        "orientation.request.create",
        "orientation.request.submit",
        "orientation.request.ask_completion",
        "orientation.request.submit",
        "orientation.request.validate",
    ]
    for fields in events.values_list("fields", flat=True):
        assert "Pièces manquantes" not in fields


def test_reason_required(network):
    from django.core.exceptions import ValidationError

    req = _create(network)
    with pytest.raises(ValidationError):
        services.request_cancel(actor=_user(network, "worker"), insertion_request=req, reason=" ")


# API


@pytest.fixture
def api_network(api):
    association = OrganizationFactory(name="Asso API")
    TerritoryFactory(code="75")
    worker = api(Role.SOCIAL_WORKER, organization=association)
    coordinator = api(Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True))
    stranger = api(Role.SOCIAL_WORKER)
    household = make_household(organization=association)
    return worker, coordinator, stranger, household


def test_api_contract(api_network):
    worker, coordinator, stranger, household = api_network
    path = f"/households/{household.pk}/insertion-requests"
    body = {"wished_kinds": ["logement_social"], "wished_territories": ["93", "75"]}
    r = worker("post", path, body)
    assert r.status_code == 201, r.content
    assert r.json() == {"id": r.json()["id"], "status": "draft"}
    rid = r.json()["id"]
    assert worker("post", path, body).status_code == 409
    assert worker("post", path, {"wished_kinds": [], "wished_territories": ["93"]}).status_code == 422
    assert worker("post", path, {"wished_kinds": ["x"], "wished_territories": ["93"]}).status_code == 422
    assert stranger("post", path, body).status_code == 404
    assert stranger("get", f"/insertion-requests/{rid}").status_code == 404
    assert stranger("post", f"/insertion-requests/{rid}/submit").status_code == 404
    assert worker("get", f"/insertion-requests/{rid}").json()["status"] == "draft"
    assert len(worker("get", path).json()) == 1
    # validate before submission: the worker may not (403); the coordinator meets the state machine (409)
    assert worker("post", f"/insertion-requests/{rid}/validate").status_code == 403
    r = coordinator("post", f"/insertion-requests/{rid}/validate")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = worker("post", f"/insertion-requests/{rid}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert worker("post", f"/insertion-requests/{rid}/submit").status_code == 409
    r = coordinator("post", f"/insertion-requests/{rid}/validate")
    assert r.status_code == 200 and r.json()["status"] == "validated"
    r = worker("post", f"/insertion-requests/{rid}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert worker("post", f"/insertion-requests/{rid}/cancel").status_code == 409
    r = worker("post", f"/insertion-requests/{rid}/reactivate")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    detail = worker("get", f"/insertion-requests/{rid}").json()
    assert [t["to_status"] for t in detail["transitions"]] == [
        "draft",
        "submitted",
        "validated",
        "cancelled",
        "draft",
    ]
    assert worker("get", "/insertion-requests/999999").status_code == 404
    assert worker("post", "/households/999999/insertion-requests", body).status_code == 404


# Pages


def test_pages_and_transitions(network, login):
    worker = network["members"]["worker"].user
    client = login(worker)
    url = reverse("orientation:create", args=[network["household"].pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"wished_kinds": ["logement_social"], "wished_territories": "93, 75"})
    assert r.status_code == 302
    req = InsertionRequest.objects.get()
    assert req.wished_territories == ["93", "75"]
    assert client.post(url, {"wished_kinds": ["chu"], "wished_territories": "93"}).status_code == 409
    detail = client.get(reverse("orientation:detail", args=[req.pk]))
    assert detail.status_code == 200 and "Transmettre au SIAO" in detail.content.decode()
    client.post(reverse("orientation:transition", args=[req.pk, "submit"]))
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    assert client.post(reverse("orientation:transition", args=[req.pk, "validate"])).status_code == 404
    outsider = login(network["members"]["other_worker"].user)
    assert outsider.get(reverse("orientation:detail", args=[req.pk])).status_code == 404


def test_list_page_query_count(network, login, django_assert_max_num_queries):
    coordinator = network["members"]["coordinator"].user
    for _n in range(12):
        household = make_household(organization=network["association"])
        req = _create(network, household=household)
        services.request_submit(actor=_user(network, "worker"), insertion_request=req)
    client = login(coordinator)
    with django_assert_max_num_queries(25):
        r = client.get(reverse("orientation:list"))
    assert r.status_code == 200
    assert r.content.decode().count('data-status="submitted"') == 12
    home = client.get(reverse("core:home"))
    assert home.content.decode().count("/orientation/demandes/") >= 8
    assert (
        client.get(reverse("orientation:list") + "?status=draft").content.decode().count("data-status=") == 0
    )
