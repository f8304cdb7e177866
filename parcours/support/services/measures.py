"""Writes of support measures: kinds, opening, intensity, reviews, co-workers, goals, actions, closing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organization
from parcours.assessments.models import Perspective
from parcours.core import audit, versioning, workflow
from parcours.core.errors import require
from parcours.households.models import Consent

from .. import perms
from ..audit_actions import SupportAuditAction as A
from ..choices import (
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    GoalStatus,
    Intensity,
    MeasureStatus,
)
from ..models import (
    ClosingEvaluation,
    GoalStep,
    IntensityChange,
    MeasureCoworker,
    MeasureKind,
    MeasureReview,
    PreventionAlert,
    Programme,
    ProjectGoal,
    SupportAction,
    SupportMeasure,
)
from ._common import Conflict, _membership, _user

# Kinds of measure


@transaction.atomic
def measure_kind_create(*, actor, code: str, label: str, description: str = "") -> MeasureKind:
    """Extend the network's reference list of kinds of measure (network administrators)."""
    require(perms.can_manage_kinds(actor))
    code, label = (code or "").strip(), (label or "").strip()
    if not code or not label:
        raise ValidationError({"label": _("Indiquez un code et un libellé.")})
    if MeasureKind.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Ce code est déjà utilisé par un autre type de mesure.")})
    kind = MeasureKind.objects.create(code=code, label=label, description=description.strip())
    audit.record_write(actor=actor, action=A.KIND_CREATE, obj=kind, fields=["code", "label", "description"])
    return kind


# Measures


def _running_message() -> str:
    return _("Ce ménage a déjà une mesure de ce type en cours dans votre organisation.")


@transaction.atomic
def measure_create(
    *,
    actor,
    household,
    kind: MeasureKind,
    consent_given: bool,
    informed_how: str = "orally",
    started_on: dt.date | None = None,
    referent=None,
    intensity: str = Intensity.REGULAR,
    next_review_on: dt.date | None = None,
    programme: Programme | None = None,
    source_alert: PreventionAlert | None = None,
    comment: str = "",
) -> SupportMeasure:
    """Record a measure proposed to the household and the person's answer. Support is never imposed:
    with a refusal the measure is recorded as refused, and nothing more can be added to it."""
    require(perms.can_open_measure(actor, household))
    if not kind.active:
        raise ValidationError({"kind": _("Ce type de mesure n'est plus proposé.")})
    if intensity not in Intensity.values:
        raise ValidationError({"intensity": _("Intensité inconnue.")})
    today = timezone.localdate()
    started_on = started_on or today
    if next_review_on is not None and next_review_on < started_on:
        raise ValidationError(
            {"next_review_on": _("Le point d'étape ne peut précéder le début de la mesure.")}
        )
    membership = _membership(actor)
    if referent is None and consent_given:
        referent = actor
    running = SupportMeasure.objects.open().filter(
        household=household, kind=kind, organization_id=membership.organization_id
    )
    if consent_given and running.exists():
        raise Conflict(_running_message())
    try:
        # measure_one_running_per_kind decides between two workers opening it at the same time.
        with transaction.atomic():
            measure = SupportMeasure.objects.create(
                household=household,
                kind=kind,
                organization_id=membership.organization_id,
                referent=referent if consent_given else None,
                status=MeasureStatus.OPEN if consent_given else MeasureStatus.REFUSED,
                consent_given=consent_given,
                consent_on=today,
                consent_informed_how=informed_how,
                started_on=started_on if consent_given else None,
                next_review_on=next_review_on if consent_given else None,
                programme=programme,
                source_alert=source_alert,
                created_by=_user(actor),
            )
    except IntegrityError as exc:
        raise Conflict(_running_message()) from exc
    workflow.created(measure, actor=actor, note=comment)
    if consent_given:
        IntensityChange.objects.create(
            measure=measure, level=intensity, from_date=started_on, set_by=_user(actor)
        )
        if next_review_on:
            MeasureReview.objects.create(measure=measure, planned_on=next_review_on)
    audit.record_write(
        actor=actor,
        action=A.MEASURE_CREATE if consent_given else A.MEASURE_REFUSED,
        obj=measure,
        fields=["household", "kind", "consent_given", "started_on", "intensity", "next_review_on"],
    )
    return measure


def _require_open(measure: SupportMeasure) -> None:
    if measure.status != MeasureStatus.OPEN:
        raise Conflict(_("La mesure n'est pas en cours : rouvrez-la d'abord."))


@transaction.atomic
def measure_set_intensity(
    *, actor, measure: SupportMeasure, level: str, from_date: dt.date | None = None, reason: str = ""
) -> IntensityChange:
    """A new intensity from a date; the previous ones stay in the history."""
    require(perms.can_manage_measure(actor, measure))
    locked = versioning.lock(measure)
    _require_open(locked)
    if level not in Intensity.values:
        raise ValidationError({"level": _("Intensité inconnue.")})
    from_date = from_date or timezone.localdate()
    if from_date < locked.started_on:
        raise ValidationError({"from_date": _("La date ne peut précéder le début de la mesure.")})
    change = IntensityChange.objects.create(
        measure=locked, level=level, from_date=from_date, reason=reason.strip(), set_by=_user(actor)
    )
    versioning.bump(SupportMeasure, locked.pk)
    audit.record_write(actor=actor, action=A.MEASURE_INTENSITY, obj=locked, fields=["intensity"])
    return change


def _refresh_next_review(measure_id: int) -> None:
    next_one = (
        MeasureReview.objects.filter(measure_id=measure_id, held_on__isnull=True)
        .order_by("planned_on")
        .values_list("planned_on", flat=True)
        .first()
    )
    versioning.bump(SupportMeasure, measure_id, next_review_on=next_one)


@transaction.atomic
def review_plan(*, actor, measure: SupportMeasure, planned_on: dt.date) -> MeasureReview:
    """Plan a review (point d'étape) of a running measure."""
    require(perms.can_manage_measure(actor, measure))
    locked = versioning.lock(measure)
    _require_open(locked)
    if planned_on < locked.started_on:
        raise ValidationError({"planned_on": _("Le point d'étape ne peut précéder le début de la mesure.")})
    review = MeasureReview.objects.create(measure=locked, planned_on=planned_on)
    _refresh_next_review(locked.pk)
    audit.record_write(actor=actor, action=A.REVIEW_PLAN, obj=locked, fields=["planned_on"])
    return review


@transaction.atomic
def review_hold(
    *, actor, review: MeasureReview, held_on: dt.date | None = None, summary: str = ""
) -> MeasureReview:
    """Record that a planned review was held (with a summary written with the person)."""
    require(perms.can_manage_measure(actor, review.measure))
    if review.held_on is not None:
        raise Conflict(_("Ce point d'étape est déjà tenu."))
    held_on = held_on or timezone.localdate()
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Un point d'étape tenu a une date passée ou du jour.")})
    MeasureReview.objects.filter(pk=review.pk).update(
        held_on=held_on, summary=summary.strip(), held_by=_user(actor), updated_at=timezone.now()
    )
    _refresh_next_review(review.measure_id)
    review.refresh_from_db()
    audit.record_write(actor=actor, action=A.REVIEW_HOLD, obj=review.measure, fields=["held_on", "summary"])
    return review


@transaction.atomic
def coworker_add(
    *, actor, measure: SupportMeasure, organization: Organization, role: str = ""
) -> MeasureCoworker:
    """Another organization joins the support, only if the person consented to share their file with it
    for support (households Consent, active today)."""
    require(perms.can_manage_measure(actor, measure))
    _require_open(measure)
    if organization.pk == measure.organization_id:
        raise ValidationError({"organization": _("Cette organisation porte déjà la mesure.")})
    consented = (
        Consent.objects.active()
        .filter(household_id=measure.household_id, organization=organization, purpose="support")
        .exists()
    )
    if not consented:
        raise ValidationError(
            {
                "organization": _(
                    "La personne n'a pas donné son accord pour partager son accompagnement avec cette "
                    "organisation : enregistrez d'abord son consentement (finalité « Accompagnement »)."
                )
            }
        )
    try:
        with transaction.atomic():
            coworker = MeasureCoworker.objects.create(
                measure=measure, organization=organization, role=role.strip(), added_by=_user(actor)
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"organization": _("Cette organisation intervient déjà dans la mesure.")}
        ) from exc
    audit.record_write(actor=actor, action=A.COWORKER_ADD, obj=measure, fields=["coworkers"])
    return coworker


@transaction.atomic
def coworker_end(*, actor, coworker: MeasureCoworker) -> None:
    require(perms.can_manage_measure(actor, coworker.measure))
    MeasureCoworker.objects.filter(pk=coworker.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    audit.record_write(actor=actor, action=A.COWORKER_END, obj=coworker.measure, fields=["coworkers"])


@transaction.atomic
def goal_create(
    *, actor, measure: SupportMeasure, axis: str, title: str, written_with_person: bool = True
) -> ProjectGoal:
    """A goal of the personal project, on one of the axes of the AFFIL principles."""
    require(perms.can_manage_measure(actor, measure))
    _require_open(measure)
    if axis not in Axis.values:
        raise ValidationError({"axis": _("Axe inconnu.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Décrivez l'objectif.")})
    goal = ProjectGoal.objects.create(
        measure=measure,
        axis=axis,
        title=title.strip(),
        written_with_person=written_with_person,
        created_by=_user(actor),
    )
    audit.record_write(actor=actor, action=A.GOAL_CREATE, obj=measure, fields=["axis", "title"])
    return goal


@transaction.atomic
def goal_set_status(*, actor, goal: ProjectGoal, status: str) -> ProjectGoal:
    require(perms.can_manage_measure(actor, goal.measure))
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("État d'objectif inconnu.")})
    ProjectGoal.objects.filter(pk=goal.pk).update(status=status, updated_at=timezone.now())
    goal.status = status
    audit.record_write(actor=actor, action=A.GOAL_STATUS, obj=goal.measure, fields=["status"])
    return goal


@transaction.atomic
def step_add(*, actor, goal: ProjectGoal, label: str, due_on: dt.date | None = None) -> GoalStep:
    require(perms.can_manage_measure(actor, goal.measure))
    _require_open(goal.measure)
    if not (label or "").strip():
        raise ValidationError({"label": _("Décrivez l'étape.")})
    step = GoalStep.objects.create(goal=goal, label=label.strip(), due_on=due_on)
    audit.record_write(actor=actor, action=A.STEP_ADD, obj=goal.measure, fields=["label", "due_on"])
    return step


@transaction.atomic
def step_done(*, actor, step: GoalStep, done_on: dt.date | None = None) -> GoalStep:
    require(perms.can_manage_measure(actor, step.goal.measure))
    done_on = done_on or timezone.localdate()
    GoalStep.objects.filter(pk=step.pk).update(done_on=done_on, updated_at=timezone.now())
    step.done_on = done_on
    audit.record_write(actor=actor, action=A.STEP_DONE, obj=step.goal.measure, fields=["done_on"])
    return step


@transaction.atomic
def action_log(
    *,
    actor,
    measure: SupportMeasure,
    kind: str,
    happened_on: dt.date,
    duration_minutes: int,
    note: str = "",
    confidentiality: str = Confidentiality.SHARED,
    goal: ProjectGoal | None = None,
) -> SupportAction:
    """Log one action of the support (who, when, how long) with its note and the note's level."""
    require(perms.can_log_action(actor, measure))
    errors = {}
    if happened_on > timezone.localdate():
        errors["happened_on"] = _("Une action se note une fois faite : la date ne peut être future.")
    elif measure.started_on and happened_on < measure.started_on:
        errors["happened_on"] = _("La date ne peut précéder le début de la mesure.")
    if not 1 <= int(duration_minutes) <= 24 * 60:
        errors["duration_minutes"] = _("La durée est comprise entre 1 minute et 24 heures.")
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = _("Niveau de confidentialité inconnu.")
    if goal is not None and goal.measure_id != measure.pk:
        errors["goal"] = _("Cet objectif n'appartient pas à cette mesure.")
    if errors:
        raise ValidationError(errors)
    action = SupportAction.objects.create(
        measure=measure,
        kind=kind,
        happened_on=happened_on,
        duration_minutes=duration_minutes,
        author=actor,
        organization_id=_membership(actor).organization_id,
        goal=goal,
        note=note.strip(),
        confidentiality=confidentiality,
    )
    audit.record_write(
        actor=actor,
        action=A.ACTION_LOG,
        obj=measure,
        fields=["kind", "happened_on", "duration_minutes", *(["note"] if note.strip() else [])],
    )
    return action


REQUIRED_PERSPECTIVES = (Perspective.WORKER, Perspective.PERSON)


@transaction.atomic
def measure_close(
    *,
    actor,
    measure: SupportMeasure,
    version: int | None,
    reason: str,
    evaluations: dict[str, tuple[str, str]],
    ended_on: dt.date | None = None,
    comment: str = "",
    eviction_avoided: bool | None = None,
) -> SupportMeasure:
    """Close a running measure with its co-evaluation: the worker's and the person's views are
    required, the landlord's is added when given. When the measure came from a prevention alert, the
    alert records whether the eviction was avoided."""
    require(perms.can_manage_measure(actor, measure))
    ended_on = ended_on or timezone.localdate()

    def check(locked: SupportMeasure) -> None:
        errors = {}
        if reason not in CloseReason.values:
            errors["reason"] = _("Choisissez le motif de clôture.")
        missing = [p for p in REQUIRED_PERSPECTIVES if p not in evaluations]
        if missing:
            errors["evaluations"] = _(
                "La co-évaluation demande au moins l'avis du/de la travailleur·se social·e "
                "et celui de la personne."
            )
        for perspective, (outcome, _comment) in evaluations.items():
            if perspective not in Perspective.values or outcome not in EvaluationOutcome.values:
                errors["evaluations"] = _("Point de vue ou appréciation inconnus.")
        if ended_on < locked.started_on:
            errors["ended_on"] = _("La fin ne peut précéder le début de la mesure.")
        if errors:
            raise ValidationError(errors)

    closing = workflow.transition(
        measure,
        MeasureStatus.CLOSED,
        actor=actor,
        action=A.MEASURE_CLOSE,
        expected_version=version,
        refused=_("Seule une mesure en cours peut être clôturée."),
        prepare=check,
        reason=reason,
        note=comment,
        audit_fields=[
            "status",
            "ended_on",
            "reason",
            "evaluations",
            *(["eviction_avoided"] if eviction_avoided is not None else []),
        ],
        ended_on=ended_on,
        next_review_on=None,
    )
    locked = closing.obj
    ClosingEvaluation.objects.bulk_create(
        ClosingEvaluation(
            measure=locked,
            closing=closing.log,
            perspective=perspective,
            outcome=outcome,
            comment=(text or "").strip(),
            recorded_by=_user(actor),
        )
        for perspective, (outcome, text) in evaluations.items()
    )
    if locked.source_alert_id and eviction_avoided is not None:
        versioning.bump(PreventionAlert, locked.source_alert_id, eviction_avoided=eviction_avoided)
    measure.refresh_from_db()
    return measure


@transaction.atomic
def measure_reopen(
    *,
    actor,
    measure: SupportMeasure,
    version: int | None,
    comment: str = "",
    next_review_on: dt.date | None = None,
) -> SupportMeasure:
    """The right to start again: a closed measure runs again; its closing and co-evaluation stay in
    its history."""
    require(perms.can_manage_measure(actor, measure))

    def check(locked: SupportMeasure) -> None:
        running = SupportMeasure.objects.open().filter(
            household_id=locked.household_id, kind_id=locked.kind_id, organization_id=locked.organization_id
        )
        if running.exists():
            raise Conflict(_running_message())

    workflow.transition(
        measure,
        MeasureStatus.OPEN,
        actor=actor,
        action=A.MEASURE_REOPEN,
        expected_version=version,
        refused=_("Seule une mesure clôturée peut être rouverte."),
        prepare=check,
        note=comment,
        audit_fields=["status", "ended_on"],
        on_integrity_error=lambda: Conflict(_running_message()),
        ended_on=None,
        next_review_on=None,
    )
    if next_review_on:
        MeasureReview.objects.create(measure=measure, planned_on=next_review_on)
        _refresh_next_review(measure.pk)
    measure.refresh_from_db()
    return measure
