"""Dormant files: demo households last seen two to five years ago, so that the retention run
(`parcours retention`) has something to anonymise on the demo, and a few of them still alive
(an open request or measure) that it must keep. Seeded once, in bulk, with their real old dates."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.models import AuditEvent
from parcours.core.text import fold
from parcours.demo import names
from parcours.demo.network import TERRITORY
from parcours.emergency.models import EmergencyCall, EmergencyRequest, UnmetDemand
from parcours.households.choices import SUGGESTED_FAMILY, Situation
from parcours.households.models import Consent, Household, Person, SituationPeriod
from parcours.households.querysets import consent_last_day
from parcours.orientation.models import InsertionRequest, RequestTransition
from parcours.support.models import (
    MeasureKind,
    MeasureReview,
    MeasureTransition,
    ProjectGoal,
    SupportAction,
    SupportMeasure,
)
from parcours.territories.models import Territory

from .audit_actions import DemoAction

DORMANT = 60  # past the limit, nothing alive: anonymised by the first retention run
ALIVE = 6  # past the limit but with an open insertion request or support measure: kept
MARK = DemoAction.DORMANT_SEED


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _referents():
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import Role
    from parcours.demo.network import ASSOCIATIONS

    return list(
        Membership.objects.filter(
            role=Role.SOCIAL_WORKER,
            active=True,
            organization__territory__code=TERRITORY,
            organization__name__in=ASSOCIATIONS,
        )
        .select_related("user", "organization")
        .order_by("organization_id", "user__username")
    )


@transaction.atomic
def seed(rng: random.Random) -> int:
    """Create the dormant files once; return how many households were created (0 when already there)."""
    if AuditEvent.objects.filter(action=MARK).exists():
        return 0
    territory = Territory.objects.filter(code=TERRITORY).first()
    referents = _referents()
    kind = MeasureKind.objects.filter(active=True).order_by("code").first()
    if territory is None or not referents or kind is None:
        return 0
    today = timezone.localdate()
    households, people, plans = [], [], []
    for n in range(DORMANT + ALIVE):
        membership = referents[n % len(referents)]
        last_seen = today - timedelta(days=rng.randint(26 * 31, 60 * 31))
        started = last_seen - timedelta(days=rng.randint(60, 400))
        origin = rng.choice(names.ORIGINS)
        last_name = rng.choice(origin.last)
        household = Household(
            territory=territory,
            referent_organization=membership.organization,
            referent=membership.user,
            address=f"{rng.randint(1, 120)} rue de la Gare, 93200 Saint-Denis" if rng.random() < 0.5 else "",
            phone=f"06{rng.randrange(10**8):08d}" if rng.random() < 0.7 else "",
            public_family_reason="Hébergé chez sa sœur jusqu'à la fin du mois." if n % 5 == 0 else "",
            sne_number=f"093{rng.randrange(10**15):015d}" if rng.random() < 0.4 else "",
            public_family=SUGGESTED_FAMILY.get(Situation.STREET),
            created_at=_at(started),
            last_contact_at=_at(last_seen),
        )
        sex = rng.choice(["F", "M"])
        first = rng.choice(origin.female if sex == "F" else origin.male)
        adults = [(first, sex, "head", date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28)))]
        if rng.random() < 0.4:
            child_sex = rng.choice(["F", "M"])
            child = rng.choice(origin.female if child_sex == "F" else origin.male)
            adults.append((child, child_sex, "child", started - timedelta(days=rng.randint(400, 5000))))
        households.append(household)
        plans.append((household, membership, started, last_seen, adults, last_name, n >= DORMANT))
    Household.objects.bulk_create(households)

    periods, consents, calls, requests, insertions, measures = [], [], [], [], [], []
    for household, membership, started, last_seen, members, last_name, alive in plans:
        for first, sex, relationship, born in members:
            people.append(
                Person(
                    household=household,
                    first_name=first,
                    last_name=last_name,
                    birth_date=born,
                    sex=sex,
                    relationship=relationship,
                    search_text=fold(f"{first} {last_name}"),
                    created_at=household.created_at,
                )
            )
        periods.append(
            SituationPeriod(
                household=household,
                # The last known situation stays current: nobody has had news since.
                situation=Situation.STREET,
                started_on=started,
                recorded_by=membership.user,
                created_at=_at(started),
            )
        )
        consents.append(
            Consent(
                household=household,
                organization=membership.organization,
                purpose="support",
                starts_on=started,
                ends_on=min(started + timedelta(days=365), consent_last_day(started)),
                recorded_by=membership.user,
                created_at=_at(started),
            )
        )
        if rng.random() < 0.6:
            at = _at(last_seen - timedelta(days=rng.randint(0, 30)), 21)
            call = EmergencyCall(
                received_at=at,
                created_at=at,
                territory=household.territory,
                handler=None,
                household=household,
                caller_phone=household.phone,
            )
            calls.append(call)
            requests.append(
                EmergencyRequest(
                    call=call,
                    household=household,
                    territory=household.territory,
                    night=at.date(),
                    persons=len(members),
                    children=sum(1 for m in members if m[2] == "child"),
                    facts=[],
                    suggested_priority="P3",
                    priority="P2",
                    priority_reason="Personne très fatiguée au téléphone, tousse beaucoup.",
                    status="unmet",
                    caller_phone=household.phone,
                    created_at=at,
                )
            )
        if alive or rng.random() < 0.4:
            insertions.append(
                (
                    InsertionRequest(
                        household=household,
                        status="validated" if alive and len(insertions) % 2 == 0 else "expired",
                        wished_kinds=["chrs"],
                        wished_territories=["93"],
                        seniority_date=started,
                        submitted_at=_at(started),
                        created_by=membership.user,
                        created_at=_at(started),
                    ),
                    membership,
                    started,
                    last_seen,
                )
            )
        if alive or rng.random() < 0.4:
            measures.append((household, membership, started, last_seen, alive))
    Person.objects.bulk_create(people)
    SituationPeriod.objects.bulk_create(periods)
    Consent.objects.bulk_create(consents)
    EmergencyCall.objects.bulk_create(calls)
    for request in requests:
        request.call_id = request.call.pk
    EmergencyRequest.objects.bulk_create(requests)
    UnmetDemand.objects.bulk_create(
        [UnmetDemand(request=r, reason="no_place", recorded_at=r.created_at) for r in requests]
    )
    _insertions(insertions)
    _measures(measures, kind, rng)
    _backdate(households)
    audit.record_write(actor=None, action=MARK, fields=["households"])
    return len(households)


def _insertions(insertions) -> None:
    InsertionRequest.objects.bulk_create([request for request, *_ in insertions])
    transitions = []
    for request, membership, started, last_seen in insertions:
        transitions.append(
            RequestTransition(
                request=request,
                from_status="draft",
                to_status="submitted",
                actor=membership.user,
                at=_at(started),
                reason="Monsieur souhaite rester près de l'école de sa fille.",
            )
        )
        if request.status == "expired":
            transitions.append(
                RequestTransition(
                    request=request,
                    from_status="submitted",
                    to_status="expired",
                    actor=membership.user,
                    at=_at(last_seen),
                )
            )
    RequestTransition.objects.bulk_create(transitions)


def _measures(plans, kind, rng: random.Random) -> None:
    measures = [
        SupportMeasure(
            household=household,
            kind=kind,
            organization=membership.organization,
            referent=membership.user,
            status="open" if alive else "closed",
            consent_given=True,
            consent_on=started,
            started_on=started,
            ended_on=None if alive else last_seen,
            created_by=membership.user,
            created_at=_at(started),
        )
        for household, membership, started, last_seen, alive in plans
    ]
    SupportMeasure.objects.bulk_create(measures)
    transitions, goals, actions, reviews = [], [], [], []
    for measure, (_h, membership, started, last_seen, alive) in zip(measures, plans, strict=True):
        user = membership.user
        transitions.append(MeasureTransition(measure=measure, to_status="open", actor=user, at=_at(started)))
        if not alive:
            transitions.append(
                MeasureTransition(
                    measure=measure,
                    from_status="open",
                    to_status="closed",
                    actor=user,
                    at=_at(last_seen),
                    reason="no_contact",
                    comment="Plus de nouvelles depuis son départ chez un cousin à Lyon.",
                )
            )
        goals.append(
            ProjectGoal(
                measure=measure, axis="home", title="Trouver un logement près de Saint-Ouen", created_by=user
            )
        )
        actions.append(
            SupportAction(
                measure=measure,
                kind="appointment",
                happened_on=last_seen,
                duration_minutes=45,
                author=user,
                organization=membership.organization,
                note="Entretien : dettes de loyer auprès de l'ancien bailleur, a peur de son ex-conjoint.",
            )
        )
        reviews.append(
            MeasureReview(
                measure=measure,
                planned_on=started + timedelta(days=60),
                held_on=started + timedelta(days=60),
                summary="Point d'étape avec Madame : dossier CAF en cours.",
                held_by=user,
            )
        )
    MeasureTransition.objects.bulk_create(transitions)
    ProjectGoal.objects.bulk_create(goals)
    for goal, measure in zip(goals, measures, strict=True):
        goal.created_at = measure.created_at
    SupportAction.objects.bulk_create(actions)
    MeasureReview.objects.bulk_create(reviews)


def _backdate(households) -> None:
    """bulk_create stamps `updated_at` with now: give every row its real old date back."""
    for household in households:
        when = household.last_contact_at
        pk = household.pk
        Household.objects.filter(pk=pk).update(updated_at=when)
        Person.objects.filter(household_id=pk).update(updated_at=when)
        SituationPeriod.objects.filter(household_id=pk).update(updated_at=when)
        Consent.objects.filter(household_id=pk).update(updated_at=when)
        EmergencyCall.objects.filter(household_id=pk).update(updated_at=when)
        EmergencyRequest.objects.filter(household_id=pk).update(updated_at=when)
        InsertionRequest.objects.filter(household_id=pk).update(updated_at=when)
        SupportMeasure.objects.filter(household_id=pk).update(updated_at=when)
        ProjectGoal.objects.filter(measure__household_id=pk).update(created_at=when, updated_at=when)
        SupportAction.objects.filter(measure__household_id=pk).update(created_at=when, updated_at=when)
        MeasureReview.objects.filter(measure__household_id=pk).update(created_at=when, updated_at=when)
