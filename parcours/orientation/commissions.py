"""Writes on orientation commissions: a session, its agenda (requests to review, vacancies to fill),
a decision with its reason on each line (applied through the request and proposal services), and the
closing that writes the minutes and tells each referent — and nobody else — what was decided."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core import audit, workflow
from parcours.core.errors import require
from parcours.households.models import with_people
from parcours.offers.models import Vacancy
from parcours.territories.models import Territory

from . import perms, proposals, services
from .audit_actions import OrientationAuditAction as A
from .choices import (
    REQUEST_DECISIONS,
    VACANCY_DECISIONS,
    CommissionStatus,
    LineDecision,
    LineKind,
    RequestStatus,
)
from .invariants import CommissionConflict
from .models import Commission, CommissionLine, InsertionRequest, Proposal
from .notify import referent_emails

D = LineDecision

# Decisions that say "no" or "not yet" need their reason written down.
REASON_REQUIRED = {D.TO_COMPLETE, D.POSTPONE, D.NO_CANDIDATE}


NOT_COORDINATION = gettext_lazy("Seule la coordination SIAO du département tient ses commissions.")


def _open(commission: Commission) -> Commission:
    locked = Commission.objects.select_for_update().get(pk=commission.pk)
    if locked.is_closed:
        raise CommissionConflict(_("Cette commission est close : son compte rendu est établi."))
    return locked


@transaction.atomic
def commission_create(*, actor, territory: Territory, held_on: dt.date, title: str = "") -> Commission:
    """Plan a session of the orientation commission of a département (its SIAO coordinators)."""
    require(perms.can_manage_commissions(actor, territory.pk), NOT_COORDINATION)
    if held_on < timezone.localdate() - dt.timedelta(days=31):
        raise ValidationError({"held_on": _("Cette date est passée depuis plus d'un mois.")})
    commission = Commission.objects.create(
        territory=territory, held_on=held_on, title=title.strip(), created_by=actor
    )
    audit.record_write(actor=actor, action=A.COMMISSION_CREATE, obj=commission, fields=["held_on", "title"])
    return commission


def _next_position(commission: Commission, kind: str) -> int:
    last = commission.lines.filter(kind=kind).order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def line_add(*, actor, commission: Commission, request=None, vacancy=None) -> CommissionLine:
    """Put a request (submitted or validated, of the département) or an open vacancy on the agenda."""
    require(perms.can_manage_commissions(actor, commission.territory_id), NOT_COORDINATION)
    commission = _open(commission)
    if (request is None) == (vacancy is None):
        raise ValidationError(_("Une ligne porte sur une demande ou sur une vacance."))
    if request is not None:
        if request.household.territory_id != commission.territory_id:
            raise ValidationError(_("Cette demande relève du SIAO d'un autre département."))
        if request.status not in (RequestStatus.SUBMITTED, RequestStatus.VALIDATED):
            raise ValidationError(_("Seule une demande transmise ou validée passe en commission."))
        kind = LineKind.REQUEST
    else:
        if vacancy.status != "open":
            raise ValidationError(_("Cette vacance n'est plus à pourvoir."))
        kind = LineKind.VACANCY
    line = CommissionLine(
        commission=commission,
        kind=kind,
        request=request,
        vacancy=vacancy,
        position=_next_position(commission, kind),
    )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:
        raise CommissionConflict(_("Cette ligne est déjà à l'ordre du jour.")) from exc
    audit.record_write(actor=actor, action=A.COMMISSION_LINE_ADD, obj=commission, fields=[kind])
    return line


def agenda_candidates(commission: Commission):
    """What the agenda could hold: the département's submitted requests and open vacancies (units of
    its facilities) that are neither on this agenda nor already proposed."""
    on_agenda = CommissionLine.objects.filter(commission=commission)
    requests = (
        InsertionRequest.objects.filter(
            status=RequestStatus.SUBMITTED, household__territory_id=commission.territory_id
        )
        .exclude(pk__in=on_agenda.filter(request__isnull=False).values("request_id"))
        .select_related("household")
        .order_by("submitted_at", "pk")
    )
    vacancies = (
        Vacancy.objects.open()
        .filter(unit__facility__territory_id=commission.territory_id)
        .exclude(pk__in=on_agenda.filter(vacancy__isnull=False).values("vacancy_id"))
        .exclude(Exists(Proposal.objects.linking().filter(vacancy=OuterRef("pk"))))
        .select_related("unit__facility")
        .order_by("available_from", "pk")
    )
    return requests, vacancies


@transaction.atomic
def agenda_prepare(*, actor, commission: Commission) -> int:
    """Fill the agenda with every candidate request and vacancy at once; returns how many lines were
    added. The coordinator then removes what the session will not examine."""
    require(perms.can_manage_commissions(actor, commission.territory_id), NOT_COORDINATION)
    commission = _open(commission)
    requests, vacancies = agenda_candidates(commission)
    lines = [
        CommissionLine(commission=commission, kind=LineKind.REQUEST, request=r, position=i)
        for i, r in enumerate(requests, start=_next_position(commission, LineKind.REQUEST))
    ]
    lines += [
        CommissionLine(commission=commission, kind=LineKind.VACANCY, vacancy=v, position=i)
        for i, v in enumerate(vacancies, start=_next_position(commission, LineKind.VACANCY))
    ]
    CommissionLine.objects.bulk_create(lines)
    audit.record_write(actor=actor, action=A.COMMISSION_PREPARE, obj=commission, fields=["lines"])
    return len(lines)


@transaction.atomic
def line_remove(*, actor, line: CommissionLine) -> None:
    """Take an undecided line off the agenda."""
    require(perms.can_manage_commissions(actor, line.commission.territory_id), NOT_COORDINATION)
    _open(line.commission)
    if line.decision:
        raise CommissionConflict(_("Une ligne décidée reste à l'ordre du jour."))
    commission = line.commission
    line.delete()
    audit.record_write(actor=actor, action=A.COMMISSION_LINE_REMOVE, obj=commission, fields=[])


@transaction.atomic
def line_decide(
    *, actor, line: CommissionLine, decision: str, reason: str = "", request_for_vacancy=None
) -> CommissionLine:
    """Record the commission's decision on a line and apply it: a request is validated or sent back
    for completion; a vacancy is proposed to a household (the proposal service checks parking, the
    household's other proposals and the vacancy); postponing keeps things as they are."""
    require(perms.can_manage_commissions(actor, line.commission.territory_id), NOT_COORDINATION)
    _open(line.commission)
    line = CommissionLine.objects.select_for_update().get(pk=line.pk)
    if line.decision:
        raise CommissionConflict(_("Cette ligne a déjà sa décision."))
    allowed = REQUEST_DECISIONS if line.kind == LineKind.REQUEST else VACANCY_DECISIONS
    if decision not in allowed:
        raise ValidationError({"decision": _("Cette décision ne s'applique pas à cette ligne.")})
    reason = (reason or "").strip()
    if decision in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Indiquez le motif de cette décision.")})
    if decision == D.VALIDATE:
        if line.request.status == RequestStatus.SUBMITTED:
            services.request_validate(actor=actor, insertion_request=line.request, reason=reason)
        elif line.request.status != RequestStatus.VALIDATED:
            raise services.TransitionConflict(_("Cette demande n'est plus en attente de validation."))
    elif decision == D.TO_COMPLETE:
        services.request_ask_completion(actor=actor, insertion_request=line.request, reason=reason)
    elif decision == D.PROPOSE:
        if request_for_vacancy is None:
            raise ValidationError({"request": _("Choisissez le ménage proposé sur cette vacance.")})
        proposals.proposal_create(
            actor=actor, insertion_request=request_for_vacancy, vacancy=line.vacancy, commission_line=line
        )
    CommissionLine.objects.filter(pk=line.pk).update(
        decision=decision, reason=reason, decided_by=actor, decided_at=timezone.now()
    )
    line.refresh_from_db()
    audit.record_write(
        actor=actor,
        action=A.COMMISSION_DECIDE,
        obj=line.commission,
        fields=["decision", "reason"],
    )
    return line


def _household_summary(household) -> str:
    """Composition without names (the minutes circulate among the commission's members)."""
    adults = children = 0
    for person in household.members:
        age = person.age
        if age is not None and age < 18:
            children += 1
        else:
            adults += 1
    return _("%(a)s adulte(s), %(c)s enfant(s)") % {"a": adults, "c": children}


def minutes_text(commission: Commission) -> str:
    """The minutes, generated from the decisions: numbers and compositions, never names."""
    lines = commission.lines.select_related(
        "request__household", "vacancy__unit__facility", "proposal__request__household"
    ).prefetch_related(*with_people("request__household"))
    heading = _("Compte rendu — %(c)s — %(t)s") % {"c": str(commission), "t": commission.territory.name}
    out = [heading, "=" * len(heading), ""]
    requests = [line for line in lines if line.kind == LineKind.REQUEST]
    vacancies = [line for line in lines if line.kind == LineKind.VACANCY]
    out.append(_("Demandes examinées : %(n)s") % {"n": len(requests)})
    for line in requests:
        decision = D(line.decision).label if line.decision else _("non examinée")
        out.append(
            "- "
            + _("Demande n° %(r)s (%(s)s) : %(d)s")
            % {"r": line.request_id, "s": _household_summary(line.request.household), "d": decision}
            + (f" — {line.reason}" if line.reason else "")
        )
    out += ["", _("Vacances examinées : %(n)s") % {"n": len(vacancies)}]
    for line in vacancies:
        unit = line.vacancy.unit
        decision = D(line.decision).label if line.decision else _("non examinée")
        if line.made_proposal is not None:
            # A protected household's request is not tied to the place in minutes that circulate.
            decision += " " + (
                _("(ménage protégé)")
                if line.made_proposal.request.household.protected
                else _("(demande n° %(r)s)") % {"r": line.made_proposal.request_id}
            )
        out.append(
            "- "
            + _("%(f)s, %(u)s : %(d)s") % {"f": unit.facility.name, "u": unit.label, "d": decision}
            + (f" — {line.reason}" if line.reason else "")
        )
    return "\n".join(out) + "\n"


@transaction.atomic
def commission_close(*, actor, commission: Commission, version: int) -> Commission:
    """Close the session: write the minutes from the decisions and tell each referent what was
    decided on their household's request — a number and a link, no name, nothing about others."""
    require(perms.can_manage_commissions(actor, commission.territory_id), NOT_COORDINATION)

    def minutes(locked: Commission) -> dict:
        return {"minutes": minutes_text(locked), "closed_at": timezone.now(), "closed_by": actor}

    locked = workflow.transition(
        commission,
        CommissionStatus.CLOSED,
        actor=actor,
        action=A.COMMISSION_CLOSE,
        expected_version=version,
        prepare=minutes,
        audit_fields=["status", "minutes"],
    ).obj
    messages = []
    for line in locked.lines.exclude(decision="").select_related(
        "request__household__referent", "proposal__request__household__referent"
    ):
        request = line.request or (line.made_proposal.request if line.made_proposal else None)
        if request is None:
            continue
        recipients = referent_emails(request.household)
        if not recipients:
            continue
        url = settings.PARCOURS_SITE_URL + reverse("orientation:detail", args=[request.pk])
        body = _(
            "La commission d'orientation du %(d)s a pris une décision sur la demande n° %(r)s : %(x)s.\n"
            "Le détail est dans Parcours :"
        ) % {"d": locked.held_on.strftime("%d/%m/%Y"), "r": request.pk, "x": D(line.decision).label}
        messages.append(
            (
                _("Parcours : décision de la commission sur la demande n° %(r)s") % {"r": request.pk},
                f"{body}\n{url}\n",
                None,
                recipients,
            )
        )
    if messages:
        send_mass_mail(messages)
    return locked


# Read side: what the agenda's sections and the minutes' document show -------------------------


def section_counts(commission: Commission) -> dict[str, tuple[int, int]]:
    """Per kind of line: (lines on the agenda, lines decided), in one query."""
    from django.db.models import Count, Q

    counts = {LineKind.REQUEST: (0, 0), LineKind.VACANCY: (0, 0)}
    for row in (
        commission.lines.order_by()
        .values("kind")
        .annotate(total=Count("pk"), decided=Count("pk", filter=~Q(decision="")))
    ):
        counts[row["kind"]] = (row["total"], row["decided"])
    return counts


def candidate_counts(commission: Commission) -> tuple[int, int]:
    """How many requests and vacancies `agenda_prepare` would add (two COUNT queries)."""
    requests, vacancies = agenda_candidates(commission)
    return requests.count(), vacancies.count()


ANSWERED_STATUSES = ("accepted", "refused", "admitted", "exited")
ANSWERED_LOOKBACK = dt.timedelta(days=31)


def answered_since(commission: Commission) -> dt.date:
    """Answers the session reviews: those since the département's previous session (a month back
    for the first one)."""
    previous = (
        Commission.objects.filter(territory_id=commission.territory_id, held_on__lt=commission.held_on)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return previous or (commission.held_on - ANSWERED_LOOKBACK)


def answered_proposals(commission: Commission, user):
    """Proposals on the département's households answered (accepted or refused, then maybe admitted
    or exited) since the previous session and up to this one: the commission hears how its
    proposals were received, and a refusal sends the vacancy and the household back to it."""
    since = answered_since(commission)
    until = commission.closed_at or timezone.now()
    return (
        Proposal.objects.visible_to(user)
        .filter(
            request__household__territory_id=commission.territory_id,
            status__in=ANSWERED_STATUSES,
            answered_at__date__gte=since,
            answered_at__lte=until,
        )
        .select_related("request__household", "vacancy__unit__facility", "refusal_reason")
        .prefetch_related(*with_people("request__household"))
        .order_by("-answered_at", "-pk")
    )


def household_summary(household) -> str:
    """« 2 adultes, 1 enfant »: the composition without names nor sexes, for the minutes."""
    from django.utils.translation import ngettext

    adults = children = 0
    for person in household.members:
        age = person.age
        if age is not None and age < 18:
            children += 1
        else:
            adults += 1
    text = ngettext("%(n)d adulte", "%(n)d adultes", adults) % {"n": adults}
    if children:
        text += ", " + ngettext("%(n)d enfant", "%(n)d enfants", children) % {"n": children}
    return text


def minutes_rows(commission: Commission) -> tuple[list[dict], list[dict]]:
    """The minutes as a document: one row per request and per vacancy, numbers and compositions,
    never names (the minutes circulate among the commission's members, partners included, who may
    not read the households' identity). A protected household is not tied to the place."""
    lines = list(
        commission.lines.select_related(
            "request__household",
            "vacancy__unit__facility",
            "proposal__request__household",
        )
        .prefetch_related(*with_people("request__household"), *with_people("proposal__request__household"))
        .order_by("kind", "position", "pk")
    )
    requests, vacancies = [], []
    for line in lines:
        decision = D(line.decision).label if line.decision else _("non examinée")
        if line.kind == LineKind.REQUEST:
            requests.append(
                {
                    "number": line.request_id,
                    "composition": household_summary(line.request.household),
                    "decision": decision,
                    "decided": bool(line.decision),
                    "reason": line.reason,
                }
            )
            continue
        made = line.made_proposal
        vacancies.append(
            {
                "facility": line.vacancy.unit.facility.name,
                "unit": line.vacancy.unit.label,
                "decision": decision,
                "decided": bool(line.decision),
                "reason": line.reason,
                "protected": made is not None and made.request.household.protected,
                "request_number": made.request_id if made is not None else None,
                "composition": household_summary(made.request.household) if made is not None else "",
            }
        )
    return requests, vacancies
