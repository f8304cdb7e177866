"""Support and prevention: permissions for every role, consent (given, refused, shared with co-workers),
notes' confidentiality (a landlord never reads them), history kept, API errors, pages, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.core.versioning import StaleVersionError
from parcours.households.models import Consent
from parcours.households.timeline import household_path
from parcours.offers.models import Facility, Unit
from parcours.support import perms, services
from parcours.support.models import MeasureKind, MeasureReview, PreventionAlert, SupportMeasure
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)
from tests.perm_matrix import assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("fr"):
        yield


TODAY = dt.date.today
ROLES = [r.value for r in Role]


def _consent(household, organization, purpose, by):
    return Consent.objects.create(
        household=household,
        organization=organization,
        purpose=purpose,
        ends_on=timezone.localdate() + dt.timedelta(days=365),
        recorded_by=by,
    )


def ensure_kinds():
    """The reference kinds of the data migration (a transactional test's flush removes them)."""
    import importlib

    for code, label, description in importlib.import_module(
        "parcours.support.migrations.0002_measure_kinds"
    ).KINDS:
        MeasureKind.objects.get_or_create(code=code, defaults={"label": label, "description": description})


@pytest.fixture
def net():
    ensure_kinds()
    TerritoryFactory(code="93")
    association = OrganizationFactory(name="Les Amarres")
    partner = OrganizationFactory(name="CCAS partenaire", partner=True)
    other = OrganizationFactory(name="Autre association")
    siao = OrganizationFactory(name="SIAO 93", siao=True)
    landlord_org = OrganizationFactory(name="Habitat Est", landlord=True)
    m = {
        "social_worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=association),
        "call_handler": MembershipFactory(role=Role.CALL_HANDLER, organization=siao),
        "siao_coordinator": MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao),
        "facility_manager": MembershipFactory(role=Role.FACILITY_MANAGER, organization=association),
        "landlord": MembershipFactory(role=Role.LANDLORD, organization=landlord_org),
        "observer": MembershipFactory(role=Role.OBSERVER),
        "network_admin": MembershipFactory(role=Role.NETWORK_ADMIN, organization=siao),
        "coworker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=partner),
        "other_worker": MembershipFactory(role=Role.SOCIAL_WORKER, organization=other),
    }
    worker = as_member(m["social_worker"])
    household = make_household(organization=association, referent=worker, situation="own_housing")
    _consent(household, partner, "support", worker)
    _consent(household, landlord_org, "prevention", worker)
    return {
        "m": m,
        "household": household,
        "association": association,
        "partner": partner,
        "siao": siao,
        "landlord": landlord_org,
        "kind": MeasureKind.objects.get(code="avdl"),
    }


def user(net, key):
    return as_member(net["m"][key])


def open_measure(net, **kwargs):
    return services.measure_create(
        actor=user(net, "social_worker"),
        household=kwargs.pop("household", net["household"]),
        kind=net["kind"],
        consent_given=kwargs.pop("consent_given", True),
        **kwargs,
    )


def with_coworker(net):
    measure = open_measure(net)
    services.coworker_add(actor=user(net, "social_worker"), measure=measure, organization=net["partner"])
    return measure


# Permissions, every role


MEASURE_RIGHTS = {
    "social_worker": {"view", "details", "manage", "log", "open"},
    "coworker": {"view", "details", "log", "open"},
    "other_worker": set(),
    "call_handler": set(),
    "siao_coordinator": {"view"},
    "facility_manager": set(),
    "landlord": set(),
    "observer": set(),
    "network_admin": set(),
}


def test_measure_permission_matrix(net):
    measure = with_coworker(net)

    def check(role, _obj, action):
        u = user(net, role)
        return (
            {
                "view": perms.can_view_measure,
                "details": perms.can_view_measure_details,
                "manage": perms.can_manage_measure,
                "log": perms.can_log_action,
            }[action](u, measure)
            if action != "open"
            else perms.can_open_measure(u, measure.household)
        )

    assert_matrix(
        {
            (role, "measure", action): action in allowed
            for role, allowed in MEASURE_RIGHTS.items()
            for action in ("view", "details", "manage", "log", "open")
        },
        check,
    )
    assert set(ROLES) <= set(MEASURE_RIGHTS)


ALERT_RIGHTS = {
    "social_worker": {"list", "view", "triage", "measure"},
    "coworker": set(),
    "other_worker": set(),
    "call_handler": set(),
    "siao_coordinator": {"list", "view", "triage"},
    "facility_manager": set(),
    "landlord": {"list", "view", "raise"},
    "observer": set(),
    "network_admin": set(),
}


def test_alert_permission_matrix(net):
    alert = services.alert_raise(
        actor=user(net, "landlord"), household=net["household"], kind="neighbour_trouble", detail="Bruit"
    )

    def check(role, _obj, action):
        u = user(net, role)
        if action == "list":
            return (
                perms.can_list_alerts(u)
                and PreventionAlert.objects.visible_to(u).filter(pk=alert.pk).exists()
            )
        if action == "raise":
            return perms.can_raise_alert(u, net["household"])
        return {
            "view": perms.can_view_alert,
            "triage": perms.can_triage_alert,
            "measure": perms.can_open_measure_from_alert,
        }[action](u, alert)

    assert_matrix(
        {
            (role, "alert", action): action in allowed
            for role, allowed in ALERT_RIGHTS.items()
            for action in ("list", "view", "raise", "triage", "measure")
        },
        check,
    )


def test_programme_permission_matrix(net):
    programme = services.programme_create(
        actor=user(net, "landlord"),
        name="HLM accompagnés Bobigny",
        landlord=net["landlord"],
        association=net["association"],
        starts_on=dt.date(2026, 1, 1),
    )
    expected = {
        "social_worker": {"view", "manage"},
        "coworker": set(),
        "other_worker": set(),
        "call_handler": set(),
        "siao_coordinator": {"view"},
        "facility_manager": {"view"},
        "landlord": {"view", "manage"},
        "observer": {"view"},
        "network_admin": {"view", "manage"},
    }

    def check(role, _obj, action):
        u = user(net, role)
        return (perms.can_view_programme if action == "view" else perms.can_manage_programme)(u, programme)

    assert_matrix(
        {(r, "programme", a): a in allowed for r, allowed in expected.items() for a in ("view", "manage")},
        check,
    )


# Consent


def test_a_refusal_is_recorded_and_respected(net):
    measure = open_measure(net, consent_given=False)
    assert measure.status == "refused" and measure.started_on is None and measure.referent is None
    assert list(measure.transitions.values_list("to_status", flat=True)) == ["refused"]
    assert not perms.can_log_action(user(net, "social_worker"), measure)
    with pytest.raises(PermissionDenied):
        services.action_log(
            actor=user(net, "social_worker"),
            measure=measure,
            kind="call",
            happened_on=timezone.localdate(),
            duration_minutes=10,
        )
    with pytest.raises(services.Conflict):
        services.measure_reopen(actor=user(net, "social_worker"), measure=measure, version=measure.version)
    # The database itself refuses an open measure without the person's agreement.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportMeasure.objects.filter(pk=measure.pk).update(status="open", started_on=timezone.localdate())


def test_a_coworker_needs_the_persons_consent_and_loses_access_when_it_is_revoked(net):
    measure = open_measure(net)
    other = OrganizationFactory(name="Sans consentement")
    with pytest.raises(ValidationError) as exc:
        services.coworker_add(actor=user(net, "social_worker"), measure=measure, organization=other)
    assert "organization" in exc.value.message_dict
    services.coworker_add(actor=user(net, "social_worker"), measure=measure, organization=net["partner"])
    coworker = user(net, "coworker")
    assert perms.can_view_measure_details(coworker, measure)
    Consent.objects.filter(household=net["household"], organization=net["partner"]).update(
        revoked_at=timezone.now()
    )
    assert not perms.can_view_measure(coworker, measure)


# Notes: confidentiality, and a landlord never reads them


def _log(net, who, note, level):
    return services.action_log(
        actor=user(net, who),
        measure=SupportMeasure.objects.get(household=net["household"]),
        kind="home_visit",
        happened_on=timezone.localdate(),
        duration_minutes=45,
        note=note,
        confidentiality=level,
    )


def test_note_levels(net):
    with_coworker(net)
    shared = _log(net, "social_worker", "Note partagée", "shared")
    org_only = _log(net, "social_worker", "Note de l'association", "organization")
    author_only = _log(net, "coworker", "Note de l'auteure", "author")
    reads = {
        who: {a.note for a in (shared, org_only, author_only) if perms.can_read_note(user(net, who), a)}
        for who in MEASURE_RIGHTS
    }
    assert reads["social_worker"] == {
        "Note partagée",
        "Note de l'association",
        "Note de l'auteure",
    }  # referent
    assert reads["coworker"] == {"Note partagée", "Note de l'auteure"}
    for who in (
        "landlord",
        "siao_coordinator",
        "call_handler",
        "facility_manager",
        "observer",
        "network_admin",
    ):
        assert reads[who] == set(), who


def test_a_landlord_never_sees_support_notes(net, api, client, login):
    measure = with_coworker(net)
    _log(net, "social_worker", "Secret de l'accompagnement", "shared")
    alert = services.alert_raise(
        actor=user(net, "landlord"), household=net["household"], kind="unpaid_rent", months=2
    )
    PreventionAlert.objects.filter(pk=alert.pk).update(measure=measure, status="measure")
    call = api(Role.LANDLORD, organization=net["landlord"])
    assert call("get", f"/support/measures/{measure.pk}").status_code == 404
    assert call("get", f"/support/measures/{measure.pk}/actions").status_code == 404
    assert call("get", "/support/measures").json()["count"] == 0
    body = call("get", f"/prevention-alerts/{alert.pk}").content.decode()
    assert "Secret" not in body
    page_client = login(user(net, "landlord"))
    assert page_client.get(f"/accompagnement/mesures/{measure.pk}/").status_code == 404
    page = page_client.get(f"/accompagnement/alertes/{alert.pk}/")
    assert page.status_code == 200
    assert "Secret" not in page.content.decode()
    assert all("Secret" not in step.label for step in household_path(user(net, "landlord"), net["household"]))
    # The social worker reads it, on the page and through the API.
    worker_page = login(user(net, "social_worker")).get(f"/accompagnement/mesures/{measure.pk}/")
    assert "Secret de l&#x27;accompagnement" in worker_page.content.decode()


# History: intensity, closing, reopening


def test_intensity_history_is_never_overwritten(net):
    measure = open_measure(net, intensity="strong", started_on=timezone.localdate() - dt.timedelta(days=30))
    services.measure_set_intensity(
        actor=user(net, "social_worker"), measure=measure, level="light", reason="Situation stabilisée"
    )
    assert list(measure.intensities.values_list("level", flat=True)) == ["strong", "light"]


def test_closing_needs_the_worker_and_the_person_and_a_stale_version_is_refused(net):
    measure = open_measure(net)
    worker = user(net, "social_worker")
    with pytest.raises(ValidationError):
        services.measure_close(
            actor=worker,
            measure=measure,
            version=measure.version,
            reason="goals_reached",
            evaluations={"worker": ("reached", ""), "landlord": ("reached", "")},
        )
    with pytest.raises(StaleVersionError):
        services.measure_close(
            actor=worker,
            measure=measure,
            version=measure.version - 1 if measure.version > 1 else 99,
            reason="goals_reached",
            evaluations={"worker": ("reached", ""), "person": ("partly", "")},
        )
    measure.refresh_from_db()
    assert measure.status == "open"


def test_reopen_twice_keeps_each_co_evaluation(net):
    measure = open_measure(net)
    worker = user(net, "social_worker")
    for n in range(2):
        services.measure_close(
            actor=worker,
            measure=measure,
            version=measure.version,
            reason="person_choice",
            evaluations={"worker": ("partly", f"tour {n}"), "person": ("reached", "")},
        )
        services.measure_reopen(actor=worker, measure=measure, version=measure.version)
    assert measure.evaluations.count() == 4
    assert list(measure.transitions.values_list("to_status", flat=True)) == [
        "open",
        "closed",
        "open",
        "closed",
        "open",
    ]


def test_audit_rows_hold_field_names_not_values(net):
    measure = open_measure(net)
    _log(net, "social_worker", "Une note très personnelle", "shared")
    rows = AuditEvent.objects.for_object("support.supportmeasure", measure.pk)
    assert "support.action.log" in set(rows.values_list("action", flat=True))
    for fields in rows.values_list("fields", flat=True):
        assert "Une note très personnelle" not in " ".join(fields)


# Prevention alerts


def test_which_households_a_landlord_may_raise_an_alert_on(net):
    landlord = user(net, "landlord")
    stranger = make_household(organization=net["association"], people=[("Awa", "Sow", dt.date(1990, 1, 1))])
    assert not perms.can_raise_alert(landlord, stranger)
    # Housed in a unit of a programme of the landlord: linked, no consent needed to raise an alert.
    facility = Facility.objects.create(
        name="Résidence du Canal",
        kind="logement_social",
        organization=net["landlord"],
        territory=TerritoryFactory(code="93"),
    )
    unit = Unit.objects.create(facility=facility, label="A12", capacity=3)
    programme = services.programme_create(
        actor=landlord,
        name="P",
        landlord=net["landlord"],
        association=net["association"],
        starts_on=dt.date(2026, 1, 1),
    )
    services.programme_add_unit(actor=landlord, programme=programme, unit=unit)
    services.housing_add(
        actor=user(net, "social_worker"),
        programme=programme,
        household=stranger,
        unit=unit,
        entered_on=dt.date(2026, 2, 1),
    )
    assert perms.can_raise_alert(landlord, stranger)
    other_landlord = MembershipFactory(role=Role.LANDLORD)
    assert not perms.can_raise_alert(as_member(other_landlord), stranger)


def test_alert_api_errors_are_clear(net, api):
    call = api(Role.LANDLORD, organization=net["landlord"])
    missing = call("post", "/prevention-alerts", {"household": net["household"].pk, "kind": "unpaid_rent"})
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"]["amount"]
    assert "montant" in missing.json()["error"]["message"]
    bad_kind = call("post", "/prevention-alerts", {"household": net["household"].pk, "kind": "noise"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["code"] == "invalid"
    negative = call(
        "post", "/prevention-alerts", {"household": net["household"].pk, "kind": "other", "amount": "-3"}
    )
    assert negative.status_code == 422
    stranger = make_household(organization=net["association"], people=[("Awa", "Sow", dt.date(1990, 1, 1))])
    assert call("post", "/prevention-alerts", {"household": stranger.pk, "kind": "other"}).status_code == 404
    assert PreventionAlert.objects.count() == 0
    worker = api(Role.SOCIAL_WORKER, organization=net["association"])
    assert (
        worker("post", "/prevention-alerts", {"household": net["household"].pk, "kind": "other"}).status_code
        == 404
    )


def test_alert_closed_with_a_coded_reason_counts_evictions_avoided(net):
    coordinator = user(net, "siao_coordinator")
    raised = [
        services.alert_raise(
            actor=user(net, "landlord"), household=net["household"], kind="unpaid_rent", amount=Decimal(900)
        )
        for _ in range(3)
    ]
    outcomes = ["payment_plan", "evicted", "no_contact"]
    for alert, reason in zip(raised, outcomes, strict=True):
        services.alert_close(actor=coordinator, alert=alert, version=alert.version, reason=reason)
    assert list(PreventionAlert.objects.order_by("pk").values_list("eviction_avoided", flat=True)) == [
        True,
        False,
        None,
    ]
    with pytest.raises(services.Conflict):
        services.alert_close(actor=coordinator, alert=raised[0], version=None, reason="settled")


def test_a_refusal_from_an_alert_closes_it_for_that_reason(net):
    alert = services.alert_raise(
        actor=user(net, "landlord"), household=net["household"], kind="insurance_lapse"
    )
    measure = services.alert_open_measure(
        actor=user(net, "social_worker"),
        alert=alert,
        version=alert.version,
        kind=net["kind"],
        consent_given=False,
    )
    alert.refresh_from_db()
    assert measure.status == "refused"
    assert alert.status == "closed" and alert.close_reason == "support_refused"
    # The landlord learns that its alert is closed, never that the tenant refused support.
    landlord = user(net, "landlord")
    labels = [step.label for step in household_path(landlord, net["household"])]
    assert "Alerte de prévention close" in labels
    assert not any("refus" in label for label in labels)
    assert "refus" in " ".join(
        step.label for step in household_path(user(net, "social_worker"), net["household"])
    )


def test_the_landlord_never_learns_of_a_refusal(net, api, login):
    alert = services.alert_raise(actor=user(net, "landlord"), household=net["household"], kind="other")
    services.alert_open_measure(
        actor=user(net, "social_worker"),
        alert=alert,
        version=alert.version,
        kind=net["kind"],
        consent_given=False,
    )
    body = api(Role.LANDLORD, organization=net["landlord"])("get", f"/prevention-alerts/{alert.pk}").json()
    assert body["status"] == "closed" and body["close_reason"] == ""
    worker_body = api(Role.SOCIAL_WORKER, organization=net["association"])(
        "get", f"/prevention-alerts/{alert.pk}"
    )
    assert worker_body.json()["close_reason"] == "support_refused"
    client = login(user(net, "landlord"))
    for url in (f"/accompagnement/alertes/{alert.pk}/", "/accompagnement/alertes/"):
        assert "refusé" not in client.get(url).content.decode()


# Reminders


def test_remind_reviews_is_a_dry_run_by_default(net, capsys):
    measure = open_measure(
        net,
        started_on=timezone.localdate() - dt.timedelta(days=60),
        next_review_on=timezone.localdate() - dt.timedelta(days=2),
    )
    assert list(SupportMeasure.objects.review_overdue()) == [measure]
    call_command("remind_reviews")
    assert "1 pour 1 référent" in capsys.readouterr().out
    assert mail.outbox == []
    assert MeasureReview.objects.get().reminded_at is None
    call_command("remind_reviews", "--wet-run")
    assert len(mail.outbox) == 1
    assert f"Mesure n° {measure.pk}" in mail.outbox[0].body
    assert "Lefèvre" not in mail.outbox[0].body
    assert MeasureReview.objects.get().reminded_at is not None
    call_command("remind_reviews", "--wet-run")
    assert len(mail.outbox) == 1  # not recalled twice the same week


# Workshops


def test_workshop_enrolment_attendance_and_goal(net):
    worker = user(net, "social_worker")
    measure = open_measure(net)
    goal = services.goal_create(
        actor=worker, measure=measure, axis="home", title="Trouver un logement adapté"
    )
    workshop = services.workshop_create(actor=worker, title="Atelier logement", axis="home", capacity=1)
    session = services.session_add(
        actor=worker, workshop=workshop, starts_at=timezone.now(), topic="De la demande à l'attribution"
    )
    enrolment = services.enrol(actor=worker, workshop=workshop, household=net["household"], goal=goal)
    with pytest.raises(services.Conflict):
        services.enrol(actor=worker, workshop=workshop, household=net["household"])
    assert (
        services.attendance_record(actor=worker, session=session, present_enrolment_ids=[enrolment.pk]) == 1
    )
    with pytest.raises(PermissionDenied):
        services.enrol(actor=user(net, "landlord"), workshop=workshop, household=net["household"])


# Goals and progress


def test_goal_progress_follows_its_steps(net):
    worker = user(net, "social_worker")
    goal = services.goal_create(
        actor=worker, measure=open_measure(net), axis="administrative", title="Ouvrir ses droits"
    )
    steps = [
        services.step_add(actor=worker, goal=goal, label=label)
        for label in ("CAF", "CPAM", "Banque", "Impôts")
    ]
    services.step_done(actor=worker, step=steps[0])
    assert goal.progress == 25
    services.goal_set_status(actor=worker, goal=goal, status="reached")
    assert goal.progress == 100


def test_one_running_measure_of_a_kind_per_organization(net, api):
    first = open_measure(net)
    with pytest.raises(services.Conflict):
        open_measure(net)
    open_measure(net, consent_given=False)  # a refusal is always recorded
    call = api(Role.SOCIAL_WORKER, organization=net["association"])
    again = call(
        "post", "/support/measures", {"household": net["household"].pk, "kind": "avdl", "consent": "accepted"}
    )
    assert again.status_code == 409 and "déjà une mesure" in again.json()["error"]["message"]
    worker = user(net, "social_worker")
    services.measure_close(
        actor=worker,
        measure=first,
        version=first.version,
        reason="goals_reached",
        evaluations={"worker": ("reached", ""), "person": ("reached", "")},
    )
    second = open_measure(net)
    with pytest.raises(services.Conflict):
        services.measure_reopen(actor=worker, measure=first, version=first.version)
    assert second.status == "open"
