"""Orientation, proposals: a household proposed for a vacancy, the answer with a coded refusal, the
seniority rule, parking, admission and exit, who may do what, the API, partner links, renewal and
expiry, transfers, and the household's path."""

import datetime as dt

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.households import perms as household_perms
from parcours.households import services as household_services
from parcours.households.timeline import household_path
from parcours.offers.models import Vacancy
from parcours.orientation import perms, proposals, services
from parcours.orientation.choices import ProposalStatus, RequestStatus, TransitionKind
from parcours.orientation.daily import run_daily
from parcours.orientation.models import InsertionRequest, Parking, PartnerLink, Proposal, RequestTransition
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    api_for,
    as_member,
    make_household,
    make_orientation_places,
)
from tests.perm_matrix import assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


P = ProposalStatus
S = RequestStatus


@pytest.fixture
def world():
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    other = OrganizationFactory(name="Autre association", territory=t93)
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    siao75 = OrganizationFactory(name="SIAO 75", siao=True, territory=t75)
    landlord = OrganizationFactory(name="Logis de la Plaine", landlord=True, territory=t93)
    chrs_org = OrganizationFactory(name="Association du Canal", territory=t93)
    referent = UserFactory(username="referente", email="referente@example.org")
    m = {
        "worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association, user=referent),
        "other_worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=other),
        "coordinator": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        "coordinator75": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao75),
        "call_handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "landlord": MembershipFactory(role=Role.LANDLORD, organization=landlord),
        "facility": MembershipFactory(role=Role.FACILITY_MANAGER, organization=chrs_org),
        "observer": MembershipFactory(role=Role.OBSERVER),
        "admin": MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
    }
    flat, flat2, room = make_orientation_places(landlord=landlord, chrs_org=chrs_org, territory=t93)
    household = make_household(organization=association, referent=referent)
    worker = as_member(m["worker"])
    req = services.request_create(
        actor=worker, household=household, wished_kinds=["logement_social", "chrs"], wished_territories=["93"]
    )
    services.request_submit(actor=worker, insertion_request=req)
    services.request_validate(actor=as_member(m["coordinator"]), insertion_request=req)
    InsertionRequest.objects.filter(pk=req.pk).update(seniority_date=dt.date(2025, 3, 1))
    req.refresh_from_db()
    return {
        "m": m,
        "household": household,
        "request": req,
        "vacancy": Vacancy.objects.create(unit=flat, available_from=timezone.localdate()),
        "vacancy2": Vacancy.objects.create(unit=flat2, available_from=timezone.localdate()),
        "room_vacancy": Vacancy.objects.create(unit=room, available_from=timezone.localdate()),
        "landlord_org": landlord,
        "chrs_org": chrs_org,
        "t75": t75,
    }


def _u(world, key):
    return as_member(world["m"][key])


def _propose(world, vacancy="vacancy"):
    return proposals.proposal_create(
        actor=_u(world, "coordinator"), insertion_request=world["request"], vacancy=world[vacancy]
    )


def _consent(world, organization):
    return household_services.consent_record(
        actor=_u(world, "worker"),
        household=world["household"],
        organization=organization,
        purpose="orientation",
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )


# The life of a proposal -------------------------------------------------------------------------


def test_proposal_to_admission_and_exit(world):
    proposal = _propose(world)
    world["request"].refresh_from_db()
    assert proposal.status == P.PENDING and world["request"].status == S.PROPOSED
    landlord = _u(world, "landlord")
    proposal = proposals.proposal_decide(actor=landlord, proposal=proposal, decision="accepted")
    assert proposal.status == P.ACCEPTED
    proposal = proposals.proposal_admit(actor=landlord, proposal=proposal, entered_on=timezone.localdate())
    world["request"].refresh_from_db()
    world["vacancy"].refresh_from_db()
    assert proposal.status == P.ADMITTED
    assert world["request"].status == S.ADMITTED
    assert world["vacancy"].status == "filled"
    assert world["household"].current_situation.situation == "own_housing"
    proposal = proposals.proposal_exit(
        actor=landlord, proposal=proposal, exited_on=timezone.localdate(), destination="street"
    )
    assert proposal.status == P.EXITED and proposal.exit_destination == "street"
    assert [e.to_status for e in proposal.events.order_by("at", "pk")] == [
        P.PENDING,
        P.ACCEPTED,
        P.ADMITTED,
        P.EXITED,
    ]
    actions = set(
        AuditEvent.objects.filter(object_type="orientation.proposal").values_list("action", flat=True)
    )
    assert {
        "orientation.proposal.create",
        "orientation.proposal.admit",
        "orientation.proposal.exit",
    } <= actions


def test_unjustified_household_refusal_resets_seniority(world):
    proposal = _propose(world)
    proposals.proposal_decide(
        actor=_u(world, "worker"),
        proposal=proposal,
        decision="refused",
        side="household",
        reason="hh_no_reason",
    )
    world["request"].refresh_from_db()
    assert world["request"].status == S.VALIDATED
    assert world["request"].seniority_date == timezone.localdate()
    assert RequestTransition.objects.filter(
        request=world["request"], kind=TransitionKind.SENIORITY_RESET
    ).exists()


def test_justified_household_refusal_keeps_seniority(world):
    proposal = _propose(world)
    proposals.proposal_decide(
        actor=_u(world, "worker"),
        proposal=proposal,
        decision="refused",
        side="household",
        reason="hh_location",
    )
    world["request"].refresh_from_db()
    assert world["request"].status == S.VALIDATED
    assert world["request"].seniority_date == dt.date(2025, 3, 1)
    assert not RequestTransition.objects.filter(
        request=world["request"], kind=TransitionKind.SENIORITY_RESET
    ).exists()


def test_facility_refusal_keeps_seniority_and_parks_the_household(world, settings):
    settings.PARCOURS_PARKING_DAYS = 30
    proposal = _propose(world)
    proposals.proposal_decide(
        actor=_u(world, "landlord"),
        proposal=proposal,
        decision="refused",
        side="facility",
        reason="fac_resources",
    )
    world["request"].refresh_from_db()
    assert world["request"].seniority_date == dt.date(2025, 3, 1)
    parking = Parking.objects.get(household=world["household"])
    assert parking.until == timezone.localdate() + dt.timedelta(days=30)
    # Not proposed again to the same facility (another unit of it either) while parked…
    with pytest.raises(services.TransitionConflict, match="pas proposé à nouveau"):
        _propose(world, "vacancy2")
    # …but to another facility, yes.
    assert _propose(world, "room_vacancy").status == P.PENDING


def test_a_refusal_needs_a_coded_reason_of_the_right_side(world):
    proposal = _propose(world)
    landlord = _u(world, "landlord")
    with pytest.raises(ValidationError):
        proposals.proposal_decide(
            actor=landlord, proposal=proposal, decision="refused", side="facility", reason=""
        )
    with pytest.raises(ValidationError):
        proposals.proposal_decide(
            actor=landlord, proposal=proposal, decision="refused", side="facility", reason="hh_no_reason"
        )
    proposal.refresh_from_db()
    assert proposal.status == P.PENDING


def test_impossible_proposal_moves_are_refused(world):
    proposal = _propose(world)
    landlord = _u(world, "landlord")
    with pytest.raises(services.TransitionConflict):
        proposals.proposal_admit(actor=landlord, proposal=proposal, entered_on=timezone.localdate())
    with pytest.raises(services.TransitionConflict):
        proposals.proposal_exit(
            actor=landlord, proposal=proposal, exited_on=timezone.localdate(), destination="street"
        )
    proposals.proposal_decide(
        actor=landlord, proposal=proposal, decision="refused", side="facility", reason="fac_other"
    )
    with pytest.raises(services.TransitionConflict):
        proposals.proposal_decide(actor=landlord, proposal=proposal, decision="accepted")


def test_one_proposal_at_a_time_per_vacancy_and_per_household(world):
    _propose(world)
    with pytest.raises(services.TransitionConflict):
        _propose(world)  # the same vacancy, and the request is no longer validated
    other = make_household(
        organization=world["household"].referent_organization, people=[("Ana", "Rossi", None)]
    )
    worker, coordinator = _u(world, "worker"), _u(world, "coordinator")
    req2 = services.request_create(
        actor=worker, household=other, wished_kinds=["logement_social"], wished_territories=["93"]
    )
    services.request_submit(actor=worker, insertion_request=req2)
    services.request_validate(actor=coordinator, insertion_request=req2)
    with pytest.raises(services.TransitionConflict, match="déjà l'objet"):
        proposals.proposal_create(actor=coordinator, insertion_request=req2, vacancy=world["vacancy"])


def test_withdrawal_returns_the_request_to_the_pool_without_parking(world):
    proposal = _propose(world)
    proposals.proposal_withdraw(actor=_u(world, "coordinator"), proposal=proposal, reason="Logement retiré")
    world["request"].refresh_from_db()
    assert world["request"].status == S.VALIDATED
    assert not Parking.objects.exists()


# Who may do what --------------------------------------------------------------------------------

ROLES = [
    "worker",
    "other_worker",
    "coordinator",
    "coordinator75",
    "call_handler",
    "landlord",
    "facility",
    "observer",
    "admin",
]


def test_permission_matrix(world):
    proposal = _propose(world)
    expected = {
        "worker": {"view", "answer_household"},
        "other_worker": set(),
        "coordinator": {"view", "propose", "answer_household", "answer_facility", "stay", "withdraw", "link"},
        "coordinator75": set(),
        "call_handler": set(),
        "landlord": {"view", "answer_household", "answer_facility", "stay"},
        "facility": set(),  # another organization's facility
        "observer": set(),
        "admin": set(),
    }

    def check(role, obj, action):
        user = _u(world, role)
        return {
            "view": lambda: perms.can_view_proposal(user, obj),
            "propose": lambda: perms.can_propose(user, obj.request),
            "answer_household": lambda: perms.can_answer(user, obj, "household"),
            "answer_facility": lambda: perms.can_answer(user, obj, "facility"),
            "stay": lambda: perms.can_record_stay(user, obj),
            "withdraw": lambda: perms.can_withdraw_proposal(user, obj),
            "link": lambda: perms.can_send_partner_link(user, obj),
        }[action]()

    assert_matrix(
        {
            (role, proposal, action): action in expected[role]
            for role in ROLES
            for action in (
                "view",
                "propose",
                "answer_household",
                "answer_facility",
                "stay",
                "withdraw",
                "link",
            )
        },
        check,
    )


def test_a_social_worker_cannot_answer_for_the_facility(world):
    proposal = _propose(world)
    with pytest.raises(PermissionDenied):
        proposals.proposal_decide(
            actor=_u(world, "worker"),
            proposal=proposal,
            decision="refused",
            side="facility",
            reason="fac_other",
        )


def test_the_proposal_opens_the_shared_sheet_to_the_landlord_only_with_consent(world):
    landlord = _u(world, "landlord")
    household = world["household"]
    assert household_perms.access(landlord, household) == household_perms.Access.NONE
    proposal = _propose(world)
    household.refresh_from_db()
    assert household_perms.access(landlord, household) == household_perms.Access.NONE  # no consent yet
    _consent(world, world["landlord_org"])
    household = type(household).objects.get(pk=household.pk)
    assert household_perms.access(landlord, household) == household_perms.Access.SHARED
    assert household_perms.sections_for(landlord, household) == household_perms.SHARED_SECTIONS
    proposals.proposal_decide(
        actor=landlord, proposal=proposal, decision="refused", side="facility", reason="fac_other"
    )
    household = type(household).objects.get(pk=household.pk)
    assert household_perms.access(landlord, household) == household_perms.Access.NONE


# Pages ------------------------------------------------------------------------------------------


def test_landlord_answers_from_the_page(world, client, login):
    proposal = _propose(world)
    login(world["m"]["landlord"].user)
    page = client.get(reverse("orientation:proposal", args=[proposal.pk]))
    assert page.status_code == 200
    assert "Réponse à la proposition" in page.content.decode()
    bad = client.post(
        reverse("orientation:proposal_decide", args=[proposal.pk]),
        {"decision": "refused", "side": "facility"},
    )
    assert bad.status_code == 400
    assert "Choisissez un motif de refus" in bad.content.decode()
    ok = client.post(
        reverse("orientation:proposal_decide", args=[proposal.pk]),
        {"decision": "refused", "side": "facility", "reason": "fac_composition"},
    )
    assert ok.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == P.REFUSED and proposal.refusal_reason.code == "fac_composition"


def test_another_facility_gets_404_on_the_proposal(world, client, login):
    proposal = _propose(world)
    login(world["m"]["facility"].user)
    assert client.get(reverse("orientation:proposal", args=[proposal.pk])).status_code == 404


def test_coordinator_proposes_from_the_vacancy(world, client, login):
    login(world["m"]["coordinator"].user)
    url = reverse("orientation:propose", args=[world["vacancy"].pk])
    assert world["request"].pk in [r.pk for r in client.get(url).context["form"].fields["request"].queryset]
    response = client.post(url, {"request": world["request"].pk})
    assert response.status_code == 302
    assert Proposal.objects.get().vacancy == world["vacancy"]
    # The landlord's staff are told, with a link and no name.
    message = mail.outbox[-1]
    assert message.to == [world["m"]["landlord"].user.email]
    assert "Lefèvre" not in message.body and "/orientation/propositions/" in message.body


# API --------------------------------------------------------------------------------------------


def test_api_refusal_reasons_are_coded(world, client):
    reasons = api_for(client, world["m"]["landlord"])("get", "/refusal-reasons").json()
    by_code = {r["code"]: r for r in reasons}
    assert by_code["hh_no_reason"] == {
        "code": "hh_no_reason",
        "label": "Refus sans motif légitime",
        "side": "household",
        "justified": False,
    }
    assert {r["side"] for r in reasons} == {"household", "facility"}


def test_api_proposal_and_decision(world, client):
    siao = api_for(client, world["m"]["coordinator"])
    landlord = api_for(client, world["m"]["landlord"])
    created = siao("post", f"/vacancies/{world['vacancy'].pk}/proposals", {"request": world["request"].pk})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["status"] == "pending"
    again = siao("post", f"/vacancies/{world['vacancy'].pk}/proposals", {"request": world["request"].pk})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert (
        landlord("post", f"/proposals/{pid}/admission", {"entered_on": str(timezone.localdate())}).status_code
        == 409
    )
    bad = landlord(
        "post", f"/proposals/{pid}/decision", {"decision": "refused", "side": "facility", "reason": "nope"}
    )
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    worker = api_for(client, world["m"]["worker"])
    assert (
        worker(
            "post",
            f"/proposals/{pid}/decision",
            {"decision": "refused", "side": "facility", "reason": "fac_other"},
        ).status_code
        == 403
    )
    ok = landlord(
        "post",
        f"/proposals/{pid}/decision",
        {"decision": "refused", "side": "household", "reason": "hh_no_show"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "refused"
    assert siao("get", f"/insertion-requests/{world['request'].pk}").json()["seniority_date"] == str(
        timezone.localdate()
    )
    outsider = api_for(client, world["m"]["facility"])
    assert outsider("get", f"/proposals/{pid}").status_code == 404
    assert landlord("get", "/proposals").json()["count"] == 1
    assert outsider("get", "/proposals").json()["count"] == 0


# Partner links ----------------------------------------------------------------------------------


def test_partner_link_needs_consent_shows_the_shared_sheet_is_audited_and_expires(world, client, settings):
    proposal = _propose(world)
    coordinator = _u(world, "coordinator")
    with pytest.raises(ValidationError, match="consenti"):
        proposals.partner_link_create(actor=coordinator, proposal=proposal, recipient="accueil@canal.example")
    _consent(world, world["landlord_org"])
    link, token = proposals.partner_link_create(
        actor=coordinator, proposal=proposal, recipient="accueil@canal.example"
    )
    assert mail.outbox[-1].to == ["accueil@canal.example"]
    assert token in mail.outbox[-1].body and "Lefèvre" not in mail.outbox[-1].body
    url = reverse("orientation:partner", args=[token])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lefèvre" in html and "Fiche de liaison" in html
    assert "12 rue de l'Exemple" not in html and "0600000000" not in html  # never whereabouts
    read = AuditEvent.objects.filter(kind="read", purpose=f"partner_link:{link.pk}").get()
    assert read.object_id == str(world["household"].pk)
    answered = client.post(url, {"decision": "refused", "side": "facility", "reason": "fac_needs"})
    assert answered.status_code == 200 and "Votre réponse est enregistrée" in answered.content.decode()
    assert "Lefèvre" not in answered.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == P.REFUSED
    assert proposal.events.filter(via_link=link).exists()
    # A tampered token, a revoked link and an expired one are all refused.
    assert client.get(reverse("orientation:partner", args=[token + "x"])).status_code == 404
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 404
    forged = signing.dumps({"link": link.pk}, salt="another-salt")
    assert client.get(reverse("orientation:partner", args=[forged])).status_code == 404


# Renewal and expiry -----------------------------------------------------------------------------


def test_daily_round_reminds_then_expires_and_a_dry_run_writes_nothing(world, settings):
    settings.PARCOURS_REQUEST_VALIDITY_MONTHS = 3
    settings.PARCOURS_EXPIRY_REMINDER_DAYS = 15
    req = world["request"]
    validated = dt.datetime(2026, 1, 10, 10, 0, tzinfo=timezone.get_current_timezone())
    InsertionRequest.objects.filter(pk=req.pk).update(validated_at=validated, renewed_at=None)
    req.refresh_from_db()
    assert req.valid_until == dt.date(2026, 4, 10)
    assert run_daily(today=dt.date(2026, 3, 20), wet=True) == {
        "Demandes relancées avant expiration": 0,
        "Demandes expirées": 0,
        "Propositions relancées": 0,
    }
    counts = run_daily(today=dt.date(2026, 3, 27), wet=False)
    assert counts["Demandes relancées avant expiration"] == 1
    req.refresh_from_db()
    assert req.expiry_reminded_at is None and not mail.outbox
    run_daily(today=dt.date(2026, 3, 27), wet=True)
    assert mail.outbox[-1].to == ["referente@example.org"]
    assert run_daily(today=dt.date(2026, 3, 28), wet=True)["Demandes relancées avant expiration"] == 0
    assert run_daily(today=dt.date(2026, 4, 10), wet=True)["Demandes expirées"] == 1
    req.refresh_from_db()
    assert req.status == S.EXPIRED


def test_renewal_restarts_the_validity(world):
    req = world["request"]
    InsertionRequest.objects.filter(pk=req.pk).update(validated_at=timezone.now() - dt.timedelta(days=80))
    req.refresh_from_db()
    before = req.valid_until
    services.request_renew(actor=_u(world, "worker"), insertion_request=req)
    assert req.valid_until > before
    assert req.transitions.filter(kind=TransitionKind.RENEWAL).exists()
    with pytest.raises(PermissionDenied):
        services.request_renew(actor=_u(world, "other_worker"), insertion_request=req)


def test_unanswered_proposal_is_chased_once(world, settings):
    settings.PARCOURS_PROPOSAL_REMINDER_DAYS = 7
    proposal = _propose(world)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    mail.outbox.clear()
    assert run_daily(wet=True)["Propositions relancées"] == 1
    assert mail.outbox[-1].to == [world["m"]["landlord"].user.email]
    assert run_daily(wet=True)["Propositions relancées"] == 0


# Transfers --------------------------------------------------------------------------------------


def test_transfer_to_another_departement_hands_the_file_over(world):
    req = world["request"]
    coordinator, coordinator75 = _u(world, "coordinator"), _u(world, "coordinator75")
    with pytest.raises(PermissionDenied):
        services.request_transfer_territory(
            actor=_u(world, "worker"), insertion_request=req, territory="75", reason="x"
        )
    services.request_transfer_territory(
        actor=coordinator, insertion_request=req, territory="75", reason="Emploi trouvé à Paris"
    )
    household = type(world["household"]).objects.get(pk=world["household"].pk)
    assert household.territory.code == "75"
    assert not household_perms.can_view_household(coordinator, household)
    assert household_perms.can_edit_household(coordinator75, household)
    req.refresh_from_db()
    assert req.wished_territories[0] == "75"
    assert req.transitions.filter(kind=TransitionKind.TERRITORY_TRANSFER).exists()


def test_transfer_to_another_referent(world):
    new_org = world["m"]["other_worker"].organization
    services.request_transfer_referent(
        actor=_u(world, "worker"),
        insertion_request=world["request"],
        organization=new_org,
        reason="Déménagement",
    )
    household = type(world["household"]).objects.get(pk=world["household"].pk)
    assert household.referent_organization == new_org and household.referent is None
    assert household_perms.can_edit_household(_u(world, "other_worker"), household)
    assert not household_perms.can_view_household(_u(world, "worker"), household)
    with pytest.raises(ValidationError):
        services.request_transfer_referent(
            actor=_u(world, "coordinator"),
            insertion_request=world["request"],
            organization=world["landlord_org"],
            reason="Non",
        )


# The household's path ---------------------------------------------------------------------------


def test_household_path_shows_request_and_proposal_steps(world, client, login):
    proposal = _propose(world)
    proposals.proposal_decide(actor=_u(world, "landlord"), proposal=proposal, decision="accepted")
    labels = [s.label for s in household_path(_u(world, "worker"), world["household"])]
    assert "Ouverture du dossier" in labels
    assert f"Demande d'insertion n° {world['request'].pk} : validée" in labels
    assert "Proposition sur Résidence du Parc : acceptée" in labels
    login(world["m"]["worker"].user)
    html = client.get(reverse("households:detail", args=[world["household"].pk])).content.decode()
    assert "Proposition sur Résidence du Parc : acceptée" in html


ALL_PROPOSAL_PAIRS = [(a, b) for a in P.values for b in P.values if a != b]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PROPOSAL_PAIRS)
def test_proposal_transition_table(world, from_status, to_status):
    from parcours.core import workflow
    from parcours.orientation.choices import PROPOSAL_TRANSITIONS
    from parcours.orientation.models import RefusalReason

    proposal = _propose(world)
    coded = {"refusal_side": "facility", "refusal_reason": RefusalReason.objects.get(code="fac_other")}
    Proposal.objects.filter(pk=proposal.pk).update(
        status=from_status, **(coded if from_status == P.REFUSED else {})
    )
    allowed = to_status in PROPOSAL_TRANSITIONS[from_status]
    from django.db import transaction

    if allowed:
        with transaction.atomic():
            done = workflow.transition(
                proposal, to_status, actor=None, action=None, **(coded if to_status == P.REFUSED else {})
            )
        moved, previous = done.obj, done.source
        assert (previous, moved.status) == (from_status, to_status)
    else:
        with pytest.raises(services.TransitionConflict, match="Impossible de passer une proposition"):
            workflow.transition(proposal, to_status, actor=None, action=None)
        proposal.refresh_from_db()
        assert proposal.status == from_status


def test_proposal_table_is_the_specified_one():
    from parcours.orientation.choices import PROPOSAL_TRANSITIONS

    assert {
        P.PENDING: {P.ACCEPTED, P.REFUSED, P.WITHDRAWN},
        P.ACCEPTED: {P.ADMITTED, P.REFUSED, P.WITHDRAWN},
        P.ADMITTED: {P.EXITED},
        P.REFUSED: set(),
        P.WITHDRAWN: set(),
        P.EXITED: set(),
    } == PROPOSAL_TRANSITIONS


def test_an_impossible_move_from_the_page_says_why(world, client, login):
    proposal = _propose(world)
    proposals.proposal_decide(actor=_u(world, "landlord"), proposal=proposal, decision="accepted")
    proposals.proposal_admit(actor=_u(world, "landlord"), proposal=proposal, entered_on=timezone.localdate())
    login(world["m"]["landlord"].user)
    response = client.post(
        reverse("orientation:proposal_admit", args=[proposal.pk]),
        {"entered_on": str(timezone.localdate())},
        follow=True,
    )
    assert (
        "Impossible de passer une proposition « entrée » à l'état « entrée »" in response.content.decode()
        or ("Impossible de passer une proposition" in response.content.decode())
    )
    proposal.refresh_from_db()
    assert proposal.status == P.ADMITTED


def test_the_engine_snapshot_is_stored_and_the_engine_sees_parking_and_pending(world):
    from parcours.matching import loaders

    proposal = _propose(world)
    snapshot = proposal.snapshot
    assert snapshot is not None
    assert str(world["request"].pk) in str(snapshot)  # the proposed request, whatever its place
    assert world["request"].pk in loaders.pending_proposal_requests(InsertionRequest.objects.all())
    proposals.proposal_decide(
        actor=_u(world, "landlord"),
        proposal=proposal,
        decision="refused",
        side="facility",
        reason="fac_other",
    )
    parked = loaders.parked_households([world["household"].pk], timezone.localdate())
    assert parked == {world["vacancy"].unit.facility_id: [world["household"].pk]}
    assert loaders.pending_proposal_requests(InsertionRequest.objects.all()) == set()


def test_automatic_steps_show_on_the_pages(world, client, login, settings):
    """An expiry or a reminder has no actor: the history says Parcours did it (no template error)."""
    settings.PARCOURS_PROPOSAL_REMINDER_DAYS = 7
    proposal = _propose(world)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    run_daily(wet=True)
    services.log_event(world["request"], kind=TransitionKind.REMINDER, actor=None, reason="Relance")
    login(world["m"]["coordinator"].user)
    for url in (
        reverse("orientation:detail", args=[world["request"].pk]),
        reverse("orientation:proposal", args=[proposal.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and "Parcours (automatique)" in page.content.decode()
