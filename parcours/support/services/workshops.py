"""Writes of collective workshops: creation, sessions, enrolments, attendance."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parcours.core import audit
from parcours.core.errors import require

from .. import perms
from ..audit_actions import SupportAuditAction as A
from ..choices import Axis
from ..models import Attendance, ProjectGoal, Workshop, WorkshopEnrolment, WorkshopSession
from ._common import Conflict, _membership


@transaction.atomic
def workshop_create(*, actor, title: str, axis: str, description: str = "", capacity: int = 10) -> Workshop:
    require(perms.can_manage_workshop(actor))
    if not (title or "").strip():
        raise ValidationError({"title": _("Donnez un intitulé à l'atelier.")})
    if axis not in Axis.values:
        raise ValidationError({"axis": _("Axe inconnu.")})
    workshop = Workshop.objects.create(
        title=title.strip(),
        organization_id=_membership(actor).organization_id,
        axis=axis,
        description=description.strip(),
        capacity=capacity,
    )
    audit.record_write(actor=actor, action=A.WORKSHOP_CREATE, obj=workshop, fields=["title", "axis"])
    return workshop


@transaction.atomic
def session_add(
    *, actor, workshop: Workshop, starts_at: dt.datetime, topic: str, duration_minutes: int = 120
) -> WorkshopSession:
    require(perms.can_manage_workshop(actor, workshop))
    if not (topic or "").strip():
        raise ValidationError({"topic": _("Indiquez le thème de la séance.")})
    session = WorkshopSession.objects.create(
        workshop=workshop, starts_at=starts_at, topic=topic.strip(), duration_minutes=duration_minutes
    )
    audit.record_write(actor=actor, action=A.WORKSHOP_SESSION, obj=workshop, fields=["starts_at", "topic"])
    return session


@transaction.atomic
def enrol(*, actor, workshop: Workshop, household, goal: ProjectGoal | None = None) -> WorkshopEnrolment:
    """Enrol a household in a workshop's group, possibly for a goal of its project."""
    require(perms.can_enrol(actor, workshop, household))
    if goal is not None and goal.measure.household_id != household.pk:
        raise ValidationError({"goal": _("Cet objectif n'est pas celui de ce ménage.")})
    if WorkshopEnrolment.objects.filter(workshop=workshop).count() >= workshop.capacity:
        raise Conflict(_("L'atelier est complet."))
    try:
        with transaction.atomic():
            enrolment = WorkshopEnrolment.objects.create(workshop=workshop, household=household, goal=goal)
    except IntegrityError as exc:
        raise Conflict(_("Ce ménage est déjà inscrit à cet atelier.")) from exc
    audit.record_write(actor=actor, action=A.WORKSHOP_ENROL, obj=workshop, fields=["household", "goal"])
    return enrolment


@transaction.atomic
def attendance_record(*, actor, session: WorkshopSession, present_enrolment_ids) -> int:
    """Record who came to a session (every enrolled household: present or absent)."""
    require(perms.can_manage_workshop(actor, session.workshop))
    present = {int(i) for i in present_enrolment_ids}
    enrolments = list(session.workshop.enrolments.all())
    Attendance.objects.filter(session=session).delete()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=e, present=e.pk in present) for e in enrolments
    )
    audit.record_write(actor=actor, action=A.WORKSHOP_ATTENDANCE, obj=session.workshop, fields=["attendance"])
    return len([e for e in enrolments if e.pk in present])
