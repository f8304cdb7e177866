"""Outreach's services: who may record, open and close rounds, turn an encounter into a 115 request,
triage, assign and handle signalements — a refusal writes nothing (audit included); the reporter
is told through the outbox and their contact forgotten; each step of a signalement is counted."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core import errors
from parcours.core.models import AuditEvent, Delivery
from parcours.emergency.models import EmergencyRequest
from parcours.outreach import services
from parcours.outreach.models import Encounter, Round, Signalement, SignalementEvent
from tests.factories import EncounterFactory, HouseholdFactory, RoundFactory, SignalementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

ROLES = [
    Role.CALL_HANDLER,
    Role.SIAO_COORDINATOR,
    Role.FACILITY_MANAGER,
    Role.LANDLORD,
    Role.OBSERVER,
    Role.NETWORK_ADMIN,
]


def _user(outreach, who):
    return getattr(outreach, who) if isinstance(who, str) and hasattr(outreach, who) else outreach.users[who]


def _unchanged(action):
    before = (
        Encounter.objects.count(),
        Round.objects.count(),
        SignalementEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(errors.Forbidden):
        action()
    after = (
        Encounter.objects.count(),
        Round.objects.count(),
        SignalementEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    assert before == after


@pytest.mark.parametrize("who", ["outsider", "other_worker", *ROLES])
def test_only_a_team_member_records_an_encounter_for_that_team(outreach, who):
    user = _user(outreach, who)
    _unchanged(lambda: services.encounter_record(actor=user, commune=outreach.bobigny, team=outreach.maraude))


def test_a_member_records_once_per_client_id_with_an_audit_row(outreach):
    client_id = uuid.uuid4()
    first, created = services.encounter_record(actor=outreach.worker, client_id=client_id, commune="93008")
    again, created_again = services.encounter_record(
        actor=outreach.worker, client_id=client_id, commune="93066"
    )
    assert created and not created_again and first.pk == again.pk and again.commune.code == "93008"
    assert AuditEvent.objects.filter(action="outreach.encounter.record").count() == 1
    assert first.territory.code == "93" and first.round == outreach.round


def test_a_protected_household_is_linked_only_by_who_may_open_it(outreach):
    foreign = HouseholdFactory(territory=outreach.net.siao.territory)
    _unchanged(lambda: services.encounter_record(actor=outreach.worker, commune="93008", household=foreign))


@pytest.mark.parametrize(
    "who", ["outsider", "other_worker", Role.FACILITY_MANAGER, Role.OBSERVER, Role.NETWORK_ADMIN]
)
def test_the_115_request_is_refused_to_who_does_not_see_the_encounter(outreach, who):
    encounter = EncounterFactory(team=outreach.maraude, commune=outreach.bobigny)
    _unchanged(lambda: services.encounter_to_115(actor=_user(outreach, who), encounter=encounter))
    assert not EmergencyRequest.objects.exists()


def test_the_siao_may_turn_an_encounter_into_a_115_request_too(outreach):
    encounter = EncounterFactory(team=outreach.maraude, commune=outreach.bobigny, family=True)
    request = services.encounter_to_115(actor=outreach.users[Role.CALL_HANDLER], encounter=encounter)
    assert (request.persons, request.children, request.facts, request.priority) == (3, 2, ["toddler"], "P2")
    encounter.refresh_from_db()
    assert encounter.emergency_request == request and request.outreach_encounter == encounter


def test_a_known_household_keeps_its_file_in_the_115_request(outreach):
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    encounter, _ = services.encounter_record(actor=outreach.worker, commune="93008", household=own, persons=1)
    request = services.encounter_to_115(actor=outreach.worker, encounter=encounter)
    assert request.household == own and request.caller_name == ""


@pytest.mark.parametrize("who", ["outsider", "other_worker", Role.SIAO_COORDINATOR, Role.OBSERVER])
def test_rounds_are_opened_and_closed_by_the_team(outreach, who):
    user = _user(outreach, who)
    _unchanged(
        lambda: services.round_open(
            actor=user, team=outreach.maraude, date=timezone.localdate(), communes=["93008"]
        )
    )
    _unchanged(lambda: services.round_close(actor=user, round_=outreach.round, summary="x"))


def test_a_round_closes_once_with_its_summary(outreach):
    round_ = services.round_open(
        actor=outreach.worker, team=outreach.maraude, date=timezone.localdate(), communes=["93008"]
    )
    services.round_close(actor=outreach.worker, round_=round_, summary="Calme.")
    with pytest.raises(errors.Conflict):
        services.round_close(actor=outreach.worker, round_=round_, summary="Encore")
    round_.refresh_from_db()
    assert round_.summary == "Calme." and round_.closed_at is not None


def _report(contact=""):
    return services.report_receive(
        commune="93008",
        place="Sous le pont",
        seen_at=timezone.now() - dt.timedelta(hours=1),
        description="Une femme et un bébé.",
        contact=contact,
    )


@pytest.mark.parametrize(
    "who", ["worker", "outsider", "other_worker", Role.FACILITY_MANAGER, Role.OBSERVER, Role.NETWORK_ADMIN]
)
def test_only_the_siao_triages_a_signalement(outreach, who):
    report = _report()
    _unchanged(
        lambda: services.report_triage(actor=_user(outreach, who), report=report, team=outreach.maraude)
    )
    _unchanged(lambda: services.report_close(actor=_user(outreach, who), report=report, note="doublon"))


def test_a_signalement_goes_its_path_and_the_reporter_is_told_once_by_sms(outreach):
    report = _report(contact="06 12 34 56 78")
    assert report.contact == "0612345678" and report.reference.startswith("S-")
    siao = outreach.users[Role.SIAO_COORDINATOR]
    report = services.report_triage(actor=siao, report=report, team=outreach.maraude, round_=outreach.round)
    assert report.status == "assigned" and report.round == outreach.round
    with pytest.raises(errors.Forbidden):  # another team may not say it went
        services.report_handle(actor=outreach.other_worker, report=report)
    report = services.report_handle(
        actor=outreach.worker, report=report, note="Personne orientée vers l'accueil de jour"
    )
    assert report.status == "handled" and report.contact == "" and report.reporter_told_at is not None
    sms = Delivery.objects.get(purpose="outreach.report_told")
    assert sms.kind == "sms" and "0612345678" not in sms.recipient
    path = list(SignalementEvent.objects.filter(signalement=report).values_list("to_status", flat=True))
    assert path == ["received", "triaged", "assigned", "handled"]
    with pytest.raises(errors.Conflict):
        services.report_close(actor=siao, report=report, note="trop tard")


def test_a_closed_signalement_tells_the_reporter_by_email_and_needs_a_reason(outreach):
    report = _report(contact="voisin@example.org")
    siao = outreach.users[Role.SIAO_COORDINATOR]
    with pytest.raises(errors.Invalid):
        services.report_close(actor=siao, report=report, note="")
    report = services.report_close(actor=siao, report=report, note="Doublon du signalement précédent")
    assert report.status == "closed" and report.contact == ""
    assert Delivery.objects.get(purpose="outreach.report_told").kind == "email"


def test_a_team_of_another_departement_cannot_be_given_the_signalement(outreach):
    from tests.factories import OrganizationFactory, OutreachTeamFactory, TerritoryFactory

    paris = OutreachTeamFactory(organization=OrganizationFactory(territory=TerritoryFactory(code="75")))
    with pytest.raises(errors.Invalid):
        services.report_triage(actor=outreach.users[Role.SIAO_COORDINATOR], report=_report(), team=paris)
    assert Signalement.objects.get().status == "received"


def test_a_round_of_another_team_is_refused_when_assigning(outreach):
    siao = outreach.users[Role.SIAO_COORDINATOR]
    report = services.report_triage(actor=siao, report=_report(), team=outreach.maraude)
    theirs = RoundFactory(team=outreach.other_team)
    with pytest.raises(errors.Invalid):
        services.report_assign(actor=siao, report=report, round_=theirs)
    assert Signalement.objects.get().status == "triaged"


def test_the_purge_erases_old_free_texts_without_a_file_and_only_with_wet_run(outreach):
    from io import StringIO

    from django.core.management import call_command

    old = timezone.now() - dt.timedelta(days=400)
    anonymous = EncounterFactory(team=outreach.maraude, met_at=old, note="dort sous le pont")
    recent = EncounterFactory(team=outreach.maraude)
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    known = EncounterFactory(team=outreach.maraude, met_at=old, household=own, alias="")
    report = SignalementFactory(contact="0612345678", created_at=old)
    out = StringIO()
    call_command("outreach_purge", stdout=out)
    assert "Simulation" in out.getvalue() and "Rencontres sans dossier à effacer : 1" in out.getvalue()
    anonymous.refresh_from_db()
    assert anonymous.alias  # a dry run writes nothing
    call_command("outreach_purge", "--wet-run", stdout=StringIO())
    anonymous.refresh_from_db()
    report.refresh_from_db()
    assert (anonymous.alias, anonymous.place, anonymous.note) == ("", "", "")
    assert anonymous.needs == ["shelter"] and anonymous.persons == 1  # the figures stay
    assert report.contact == "" and report.description == "[anonymisé]"
    recent.refresh_from_db()
    known.refresh_from_db()
    assert recent.alias and known.place  # too recent, or following its household's retention
