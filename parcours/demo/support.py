"""The demo support and prevention: about two hundred measures at every stage (running, refused,
closed with their co-evaluation, reopened) with goals, steps, actions and reviews; landlords' alerts at
every stage; collective workshops; two supported-housing programmes. Created once, with bulk_create."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import Membership, Organization
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.households.models import Consent
from parcours.households.querysets import consent_last_day
from parcours.offers.models import Unit
from parcours.support.choices import (
    ActionKind,
    AlertCloseReason,
    AlertKind,
    AlertStatus,
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    FundingSource,
    Intensity,
    MeasureStatus,
)
from parcours.support.models import (
    AlertEvent,
    Attendance,
    ClosingEvaluation,
    GoalStep,
    IntensityChange,
    MeasureKind,
    MeasureReview,
    MeasureTransition,
    PreventionAlert,
    Programme,
    ProgrammeFunding,
    ProgrammeHousing,
    ProjectGoal,
    SupportAction,
    SupportMeasure,
    Workshop,
    WorkshopEnrolment,
    WorkshopSession,
)

from .audit_actions import DemoAction
from .households import demo_households
from .network import LANDLORDS, SIAO, TERRITORY

MEASURES = 200
ALERTS = 36
S = MeasureStatus
# stage → weight: running, refused, closed, closed then reopened (running again)
STAGES = [("open", 55), ("refused", 8), ("closed", 25), ("reopened", 12)]
KIND_WEIGHTS = [
    ("avdl", 30),
    ("asll", 25),
    ("accompagnement_global", 20),
    ("service_de_suite", 12),
    ("un_chez_soi_dabord", 5),
    ("hlm_accompagne", 8),
]
GOALS = {
    Axis.HOME: ["Trouver un logement adapté à la famille", "S'installer et s'approprier le logement"],
    Axis.ADMINISTRATIVE: [
        "Ouvrir les droits CAF et CPAM",
        "Constituer le dossier de demande de logement social",
    ],
    Axis.DAILY_LIFE: ["Tenir un budget mensuel", "Entretenir le logement et réduire les dépenses d'énergie"],
    Axis.HEALTH: ["Retrouver un médecin traitant", "Reprendre un suivi de soins régulier"],
    Axis.PARENTING: ["Inscrire les enfants à l'école et à la cantine", "Trouver un mode de garde"],
    Axis.MENTAL_HEALTH: ["Reprendre contact avec le CMP"],
    Axis.EMPLOYMENT: ["Préparer une formation qualifiante", "Reprendre contact avec France Travail"],
    Axis.CULTURE: ["Participer à une activité de quartier"],
}
STEPS = ["Premier rendez-vous", "Rassembler les pièces", "Déposer le dossier", "Faire le point ensemble"]
NOTES = [
    "Visite à domicile : logement bien tenu, la personne a rangé ses papiers par thème.",
    "Rendez-vous au CCAS pour le dossier FSL ; pièces complètes.",
    "Appel : la personne signale une facture d'énergie élevée, à revoir au prochain rendez-vous.",
    "Accompagnement à la visite du logement proposé par le bailleur.",
    "Point budget : échéancier respecté ce mois-ci.",
]
ALERT_DETAILS = {
    AlertKind.UNPAID_RENT: "Loyers impayés depuis plusieurs mois malgré deux relances amiables.",
    AlertKind.NEIGHBOUR_TROUBLE: "Plaintes de voisins pour du bruit tard le soir.",
    AlertKind.INSURANCE_LAPSE: "Attestation d'assurance habitation non fournie à l'échéance.",
    AlertKind.EMPTY_DWELLING: "Courrier non relevé et volets fermés depuis trois semaines.",
    AlertKind.OTHER: "Le gardien signale une personne qui semble isolée.",
}
WORKSHOPS = [
    (
        "Atelier logement — de la demande à l'attribution",
        Axis.HOME,
        ["La demande de logement social", "Visite de quartier", "Le budget du logement", "Droits et devoirs"],
    ),
    (
        "Club de l'habitant — Mon bailleur et moi",
        Axis.DAILY_LIFE,
        ["Mon bailleur et moi", "Économiser l'énergie", "Entretenir mon logement", "Bien vivre ensemble"],
    ),
    ("Atelier budget", Axis.ADMINISTRATIVE, ["Mes ressources", "Mes charges", "Prévenir les impayés"]),
]


def _weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def demo_measures():
    return SupportMeasure.objects.filter(household__in=demo_households())


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the demo support once; return how many measures were created (0 when already there)."""
    if demo_measures().exists():
        return 0
    kinds = {k.code: k for k in MeasureKind.objects.all()}
    households = list(
        demo_households().alive().filter(referent__isnull=False).select_related("referent").order_by("pk")
    )
    if not households or not kinds:
        return 0
    today = timezone.localdate()
    chosen = households[:MEASURES]
    measures, plans = [], []
    for n, household in enumerate(chosen):
        stage = STAGES[n][0] if n < len(STAGES) else _weighted(rng, STAGES)
        kind = kinds[_weighted(rng, KIND_WEIGHTS)]
        start = today - timedelta(days=rng.randint(40, 540))
        refused = stage == "refused"
        closed_on = start + timedelta(days=rng.randint(20, 30 + (today - start).days // 2))
        status = {"open": S.OPEN, "refused": S.REFUSED, "closed": S.CLOSED, "reopened": S.OPEN}[stage]
        review = None
        if status == S.OPEN:
            review = today + timedelta(days=rng.randint(-20, 45))  # some overdue: the home panel shows them
        measures.append(
            SupportMeasure(
                household=household,
                kind=kind,
                organization_id=household.referent_organization_id,
                referent=None if refused else household.referent,
                status=status,
                consent_given=not refused,
                consent_on=start,
                started_on=None if refused else start,
                ended_on=closed_on if stage == "closed" else None,
                next_review_on=review,
                created_by=household.referent,
                created_at=_at(start),
            )
        )
        plans.append((stage, start, closed_on, review))
    SupportMeasure.objects.bulk_create(measures)

    transitions, intensities, reviews, goals, actions = [], [], [], [], []
    closings = []
    for measure, (stage, start, closed_on, review) in zip(measures, plans, strict=True):
        actor = measure.household.referent
        if stage == "refused":
            transitions.append(
                MeasureTransition(measure=measure, to_status=S.REFUSED, actor=actor, at=_at(start))
            )
            continue
        transitions.append(MeasureTransition(measure=measure, to_status=S.OPEN, actor=actor, at=_at(start)))
        level = rng.choice([Intensity.REGULAR, Intensity.STRONG, Intensity.INTENSIVE])
        intensities.append(IntensityChange(measure=measure, level=level, from_date=start, set_by=actor))
        if (today - start).days > 90:
            intensities.append(
                IntensityChange(
                    measure=measure,
                    level=rng.choice([Intensity.LIGHT, Intensity.REGULAR]),
                    from_date=start + timedelta(days=rng.randint(60, 90)),
                    reason="Situation plus stable : rencontres espacées.",
                    set_by=actor,
                )
            )
        if stage in ("closed", "reopened"):
            closing = MeasureTransition(
                measure=measure,
                from_status=S.OPEN,
                to_status=S.CLOSED,
                actor=actor,
                at=_at(closed_on, 16),
                reason=rng.choice(
                    [CloseReason.GOALS_REACHED, CloseReason.PERSON_CHOICE, CloseReason.END_OF_FUNDING]
                ),
            )
            transitions.append(closing)
            closings.append((measure, closing))
            if stage == "reopened":
                reopened_on = min(today, closed_on + timedelta(days=rng.randint(15, 90)))
                transitions.append(
                    MeasureTransition(
                        measure=measure,
                        from_status=S.CLOSED,
                        to_status=S.OPEN,
                        actor=actor,
                        at=_at(reopened_on, 11),
                        comment="Nouvelle difficulté : la personne a demandé à reprendre.",
                    )
                )
        last = closed_on if stage == "closed" else today
        for k in range(1, 4):
            planned = start + timedelta(days=60 * k)
            if planned > last:
                break
            reviews.append(
                MeasureReview(
                    measure=measure,
                    planned_on=planned,
                    held_on=planned + timedelta(days=rng.randint(0, 5)),
                    summary="Point fait avec la personne : objectifs relus ensemble.",
                    held_by=actor,
                )
            )
        if review:
            reviews.append(MeasureReview(measure=measure, planned_on=review))
        for axis in rng.sample(list(GOALS), rng.randint(1, 3)):
            goal = ProjectGoal(measure=measure, axis=axis, title=rng.choice(GOALS[axis]), created_by=actor)
            goals.append((goal, rng.randint(1, 4), last, start))
        span = max(1, (last - start).days)
        for _k in range(rng.randint(2, 8)):
            actions.append(
                SupportAction(
                    measure=measure,
                    kind=rng.choice([k.value for k in ActionKind if k != ActionKind.WORKSHOP]),
                    happened_on=start + timedelta(days=rng.randint(0, span)),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                    author=actor,
                    organization_id=measure.organization_id,
                    note=rng.choice(NOTES),
                    confidentiality=_weighted(
                        rng,
                        [
                            (Confidentiality.SHARED, 6),
                            (Confidentiality.ORGANIZATION, 3),
                            (Confidentiality.AUTHOR, 1),
                        ],
                    ),
                )
            )
    MeasureTransition.objects.bulk_create(transitions)
    IntensityChange.objects.bulk_create(intensities)
    MeasureReview.objects.bulk_create(reviews)
    ProjectGoal.objects.bulk_create([g for g, _n, _last, _start in goals])
    steps = []
    for goal, count, last, start in goals:
        for label in STEPS[:count]:
            due = start + timedelta(days=rng.randint(10, 120))
            steps.append(
                GoalStep(
                    goal=goal,
                    label=label,
                    due_on=due,
                    done_on=due if due <= last and rng.random() < 0.6 else None,
                )
            )
    GoalStep.objects.bulk_create(steps)
    SupportAction.objects.bulk_create(actions)
    ClosingEvaluation.objects.bulk_create(
        ClosingEvaluation(
            measure=measure,
            closing=closing,
            perspective=perspective,
            outcome=rng.choice([EvaluationOutcome.REACHED, EvaluationOutcome.PARTLY]),
            comment=comment,
            recorded_by=measure.household.referent,
        )
        for measure, closing in closings
        for perspective, comment in (
            ("worker", "Objectifs du projet en grande partie atteints."),
            ("person", "Je me sens plus à l'aise pour faire mes démarches."),
            ("landlord", ""),
        )
    )
    alerts = _alerts(rng, households[MEASURES:], kinds, today)
    _workshops(rng, chosen, today)
    _programmes(rng, households[MEASURES + ALERTS :], kinds, today)
    audit.record_write(
        actor=None,
        action=DemoAction.SUPPORT_SEED,
        fields=["measures", "goals", "actions", "alerts", "workshops", "programmes"],
    )
    return len(measures) + alerts


def _alerts(rng, households, kinds, today) -> int:
    """Alerts from the demo landlord at every stage, on households that consented to prevention."""
    landlord = Organization.objects.filter(name=LANDLORDS[0], territory__code=TERRITORY).first()
    siao = Organization.objects.filter(name=SIAO, territory__code=TERRITORY).first()
    landlord_user = (
        Membership.objects.filter(organization=landlord, role=Role.LANDLORD, active=True)
        .order_by("pk")
        .first()
    )
    if landlord is None or landlord_user is None:
        return 0
    households = households[:ALERTS]
    Consent.objects.bulk_create(
        Consent(
            household=h,
            organization=landlord,
            purpose="prevention",
            starts_on=today - timedelta(days=200),
            # Within PARCOURS_CONSENT_MAX_MONTHS of its start, as consent_record would require.
            ends_on=min(today + timedelta(days=365), consent_last_day(today - timedelta(days=200))),
            recorded_by=h.referent,
        )
        for h in households
    )
    statuses = [AlertStatus.NEW, AlertStatus.TAKEN, AlertStatus.MEASURE, AlertStatus.CLOSED]
    alerts, plans = [], []
    for n, h in enumerate(households):
        status = statuses[n % 4]
        kind = rng.choice(list(AlertKind))
        raised = today - timedelta(days=rng.randint(2, 120))
        closed = status == AlertStatus.CLOSED
        reason = rng.choice(list(AlertCloseReason)) if closed else ""
        avoided = True if reason in ("settled", "payment_plan") else (False if reason == "evicted" else None)
        alerts.append(
            PreventionAlert(
                household=h,
                landlord=landlord,
                raised_by=landlord_user.user,
                kind=kind,
                detail=ALERT_DETAILS[kind],
                amount=Decimal(rng.randint(3, 40) * 100) if kind == AlertKind.UNPAID_RENT else None,
                months=rng.randint(1, 6) if kind == AlertKind.UNPAID_RENT else None,
                status=status,
                siao=siao,
                association_id=h.referent_organization_id,
                assigned_organization_id=None if status == AlertStatus.NEW else h.referent_organization_id,
                assigned_to=None if status == AlertStatus.NEW else h.referent,
                due_on=raised + timedelta(days=15) if status != AlertStatus.NEW else None,
                taken_at=None if status == AlertStatus.NEW else _at(raised + timedelta(days=1)),
                close_reason=reason,
                closed_at=_at(raised + timedelta(days=2)) if closed else None,
                eviction_avoided=avoided,
                created_at=_at(raised, 9),
            )
        )
        plans.append((status, raised, h))
    PreventionAlert.objects.bulk_create(alerts)
    events, measures = [], []
    for alert, (status, raised, h) in zip(alerts, plans, strict=True):
        events.append(
            AlertEvent(
                alert=alert,
                status=AlertStatus.NEW,
                actor=landlord_user.user,
                organization=landlord,
                at=_at(raised, 9),
            )
        )
        if status != AlertStatus.NEW:
            events.append(
                AlertEvent(
                    alert=alert,
                    status=AlertStatus.TAKEN,
                    actor=h.referent,
                    organization_id=h.referent_organization_id,
                    at=_at(raised + timedelta(days=1)),
                )
            )
        if status in (AlertStatus.MEASURE, AlertStatus.CLOSED):
            events.append(
                AlertEvent(
                    alert=alert,
                    status=status,
                    actor=h.referent,
                    organization_id=h.referent_organization_id,
                    at=_at(raised + timedelta(days=2)),
                )
            )
        if status == AlertStatus.MEASURE:
            start = raised + timedelta(days=2)
            measures.append(
                (
                    alert,
                    SupportMeasure(
                        household=h,
                        kind=kinds["avdl"],
                        organization_id=h.referent_organization_id,
                        referent=h.referent,
                        status=S.OPEN,
                        consent_given=True,
                        consent_on=start,
                        started_on=start,
                        next_review_on=start + timedelta(days=45),
                        source_alert=alert,
                        created_by=h.referent,
                        created_at=_at(start),
                    ),
                )
            )
    AlertEvent.objects.bulk_create(events)
    SupportMeasure.objects.bulk_create([m for _a, m in measures])
    MeasureTransition.objects.bulk_create(
        MeasureTransition(measure=m, to_status=S.OPEN, actor=m.referent, at=m.created_at)
        for _a, m in measures
    )
    IntensityChange.objects.bulk_create(
        IntensityChange(measure=m, level=Intensity.STRONG, from_date=m.started_on, set_by=m.referent)
        for _a, m in measures
    )
    MeasureReview.objects.bulk_create(
        MeasureReview(measure=m, planned_on=m.next_review_on) for _a, m in measures
    )
    for alert, measure in measures:
        PreventionAlert.objects.filter(pk=alert.pk).update(measure=measure)
    return len(alerts)


def _workshops(rng, households, today) -> None:
    by_org = {}
    for h in households:
        by_org.setdefault(h.referent_organization_id, []).append(h)
    organizers = sorted(by_org, key=lambda org: -len(by_org[org]))[: len(WORKSHOPS)]
    workshops, sessions, enrolments = [], [], []
    for org_id, (title, axis, topics) in zip(organizers, WORKSHOPS, strict=False):
        workshop = Workshop(
            title=title, organization_id=org_id, axis=axis, capacity=10, description=" ; ".join(topics)
        )
        workshops.append(workshop)
        first = today - timedelta(days=7 * (len(topics) // 2))
        for k, topic in enumerate(topics):
            sessions.append(
                WorkshopSession(
                    workshop=workshop, starts_at=_at(first + timedelta(days=7 * k), 14), topic=topic
                )
            )
        for h in by_org[org_id][:8]:
            enrolments.append(WorkshopEnrolment(workshop=workshop, household=h))
    Workshop.objects.bulk_create(workshops)
    WorkshopSession.objects.bulk_create(sessions)
    WorkshopEnrolment.objects.bulk_create(enrolments)
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(session=s, enrolment=e, present=rng.random() < 0.75)
        for s in sessions
        if s.starts_at < now
        for e in enrolments
        if e.workshop is s.workshop
    )


def _programmes(rng, households, kinds, today) -> None:
    """Two joint projects of a landlord and an association, with units, funding and housed households."""
    landlords = {
        o.name: o for o in Organization.objects.filter(name__in=LANDLORDS[:2], territory__code=TERRITORY)
    }
    by_org = {}
    for h in households:
        by_org.setdefault(h.referent_organization_id, []).append(h)
    associations = sorted(by_org, key=lambda org: -len(by_org[org]))[:2]
    specs = [
        (
            "HLM accompagnés — Canal de l'Ourcq",
            LANDLORDS[0],
            "2025-03-01",
            [("fnavdl", 2025, 42000), ("cglls", 2025, 18000), ("fnavdl", 2026, 38000)],
        ),
        (
            "Logement d'abord — Plaine de France",
            LANDLORDS[1],
            "2025-09-01",
            [("fnavdl", 2025, 24000), ("local_authority", 2026, 12000), ("landlord", 2026, 8000)],
        ),
    ]
    for (name, landlord_name, starts, fundings), association_id in zip(specs, associations, strict=False):
        landlord = landlords.get(landlord_name)
        units = (
            list(Unit.objects.filter(facility__organization=landlord, active=True).order_by("pk")[:10])
            if landlord
            else []
        )
        if not units:
            continue
        programme = Programme.objects.create(
            name=name,
            landlord=landlord,
            association_id=association_id,
            territory=landlord.territory,
            starts_on=starts,
            description="Projet commun bailleur et association : "
            "logement pérenne et accompagnement renforcé.",
        )
        programme.units.add(*units)
        ProgrammeFunding.objects.bulk_create(
            ProgrammeFunding(
                programme=programme, source=FundingSource(source), year=year, amount=Decimal(amount)
            )
            for source, year, amount in fundings
        )
        housed = by_org[association_id][:7]
        entries = [today - timedelta(days=rng.randint(30, 280)) for _h in housed]
        ProgrammeHousing.objects.bulk_create(
            ProgrammeHousing(programme=programme, household=h, unit=u, entered_on=e)
            for h, u, e in zip(housed, units, entries, strict=False)
        )
        measures = SupportMeasure.objects.bulk_create(
            SupportMeasure(
                household=h,
                kind=kinds["hlm_accompagne"],
                organization_id=association_id,
                referent=h.referent,
                status=S.OPEN,
                consent_given=True,
                consent_on=e,
                started_on=e,
                next_review_on=today + timedelta(days=rng.randint(5, 60)),
                programme=programme,
                created_by=h.referent,
                created_at=_at(e),
            )
            for h, e in zip(housed, entries, strict=False)
        )
        MeasureTransition.objects.bulk_create(
            MeasureTransition(measure=m, to_status=S.OPEN, actor=m.referent, at=m.created_at)
            for m in measures
        )
        IntensityChange.objects.bulk_create(
            IntensityChange(measure=m, level=Intensity.STRONG, from_date=m.started_on, set_by=m.referent)
            for m in measures
        )
        SupportAction.objects.bulk_create(
            SupportAction(
                measure=m,
                kind=ActionKind.HOME_VISIT,
                happened_on=m.started_on + timedelta(days=7 * k),
                duration_minutes=60,
                author=m.referent,
                organization_id=association_id,
                note="Visite à domicile dans le cadre du projet.",
            )
            for m in measures
            for k in range(1, 4)
            if m.started_on + timedelta(days=7 * k) <= today
        )
