"""The SIAO's indicators (design §7): requests, answers to proposals, waiting times, refusals, flows
between kinds of offer, exits and inter-département orientations. Definitions are part of the product."""

import datetime as dt
from collections import Counter

from django.db.models import Count, F, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.observatory.catalogue import TOTAL, Period, Result, Row, drill, link, median_and_p90, register
from parcours.offers.choices import FacilityKind

from .choices import ExitDestination, ProposalStatus, RefusalSide, RequestStatus
from .models import InsertionRequest, Proposal, ProposalEvent, RequestTransition

P = ProposalStatus
HOUSING_EXITS = (ExitDestination.OWN_HOUSING, ExitDestination.SOCIAL_HOUSING)


def _in_territory(qs, territory: str | None, path: str):
    return qs.filter(**{f"{path}__territory__code": territory}) if territory else qs


def _answered(period: Period, territory: str | None):
    """Proposals answered (accepted or refused) during the period, by the date of the answer."""
    start, end = period.bounds()
    events = ProposalEvent.objects.filter(
        at__gte=start, at__lt=end, to_status__in=(P.ACCEPTED, P.REFUSED)
    ).exclude(from_status=P.ACCEPTED, to_status=P.REFUSED)
    return _in_territory(events, territory, "proposal__request__household")


@register(
    code="siao.requests_submitted",
    domain="siao",
    label=_("Demandes d'insertion transmises"),
    definition=_(
        "Nombre de demandes d'insertion transmises au SIAO pour la première fois pendant la période "
        "(première transition vers « transmise »), par mois, pour les ménages rattachés au département."
    ),
    unit=_("demandes"),
)
def requests_submitted(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    transmitted = _in_territory(
        RequestTransition.objects.filter(to_status=RequestStatus.SUBMITTED), territory, "request__household"
    )
    firsts = (
        transmitted.values("request_id").annotate(first=Min("at")).filter(first__gte=start, first__lt=end)
    )
    months = Counter(timezone.localdate(row["first"]).strftime("%Y-%m") for row in firsts)
    return _monthly(period, months)


def _monthly(period: Period, counts: Counter) -> Result:
    keys, day = [], period.start.replace(day=1)
    while day <= period.end:
        keys.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    rows = [Row(k, k, counts.get(k, 0)) for k in keys]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.requests_by_status",
    domain="siao",
    label=_("Demandes d'insertion par état"),
    definition=_(
        "État de chaque demande d'insertion à la fin de la période, d'après l'historique de ses "
        "transitions (le dernier changement d'état à cette date) ; demandes des ménages du département."
    ),
    unit=_("demandes"),
)
def requests_by_status(period: Period, territory: str | None) -> Result:
    _start, end = period.bounds()
    last = RequestTransition.objects.filter(request_id=OuterRef("pk"), at__lt=end, kind="status").order_by(
        "-at", "-pk"
    )
    qs = _in_territory(InsertionRequest.objects.all(), territory, "household")
    counts = Counter(
        qs.annotate(status_then=Subquery(last.values("to_status")[:1]))
        .exclude(status_then=None)
        .values_list("status_then", flat=True)
    )
    rows = [Row(s.value, str(s.label), counts.get(s.value, 0)) for s in RequestStatus]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.proposal_answers",
    domain="siao",
    label=_("Réponses aux propositions"),
    definition=_(
        "Propositions ayant reçu une réponse pendant la période (date de la réponse), acceptées ou "
        "refusées ; un refus après acceptation compte comme la seule réponse acceptée."
    ),
    unit=_("propositions"),
)
def proposal_answers(period: Period, territory: str | None) -> Result:
    counts = Counter(_answered(period, territory).values_list("to_status", flat=True))
    rows = [
        Row(P.ACCEPTED, str(P.ACCEPTED.label), counts.get(P.ACCEPTED, 0)),
        Row(P.REFUSED, str(P.REFUSED.label), counts.get(P.REFUSED, 0)),
    ]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.positive_response_rate",
    domain="siao",
    label=_("Taux de réponse positive"),
    definition=_(
        "Part, en %, des propositions acceptées parmi celles qui ont reçu une réponse pendant la période "
        "(voir « Réponses aux propositions ») ; vide quand aucune réponse n'a été reçue."
    ),
    unit="%",
    counts_people=False,
)
def positive_response_rate(period: Period, territory: str | None) -> Result:
    answers = proposal_answers(period, territory)
    accepted = answers.rows[0].value
    rate = round(100 * accepted / answers.total, 1) if answers.total else None
    return Result(
        rows=[Row("rate", str(_("taux de réponse positive")), rate, base=answers.total, part=accepted)]
    )


@register(
    code="siao.waiting_time",
    domain="siao",
    label=_("Délai de la validation à l'admission"),
    definition=_(
        "Pour les demandes admises pendant la période (date d'entrée), nombre de jours entre la "
        "validation de la demande et l'entrée : médiane et 90e centile."
    ),
    unit=_("jours"),
    counts_people=False,
)
def waiting_time(period: Period, territory: str | None) -> Result:
    admitted = _in_territory(
        Proposal.objects.filter(
            admitted_on__gte=period.start, admitted_on__lte=period.end, request__validated_at__isnull=False
        ),
        territory,
        "request__household",
    ).values_list("admitted_on", "request__validated_at")
    days = sorted((entered - timezone.localdate(validated)).days for entered, validated in admitted)
    return median_and_p90(days)


@register(
    code="siao.refusals_by_reason",
    domain="siao",
    label=_("Refus par motif"),
    definition=_(
        "Propositions refusées pendant la période (date du refus), par motif codé ; le côté du refus "
        "(ménage ou structure) précède le motif."
    ),
    unit=_("refus"),
)
def refusals_by_reason(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    refused = _in_territory(
        Proposal.objects.filter(status=P.REFUSED, answered_at__gte=start, answered_at__lt=end),
        territory,
        "request__household",
    )
    rows = [
        Row(
            row["refusal_reason__code"],
            f"{RefusalSide(row['refusal_side']).label} — {row['refusal_reason__label']}",
            row["n"],
        )
        for row in refused.values("refusal_side", "refusal_reason__code", "refusal_reason__label")
        .annotate(n=Count("pk"))
        .order_by("refusal_side", "-n", "refusal_reason__code")
    ]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.refusals_by_side",
    domain="siao",
    label=_("Refus par côté"),
    definition=_(
        "Propositions refusées pendant la période (date du refus), refus du ménage ou de la structure."
    ),
    unit=_("refus"),
)
def refusals_by_side(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    counts = Counter(
        _in_territory(
            Proposal.objects.filter(status=P.REFUSED, answered_at__gte=start, answered_at__lt=end),
            territory,
            "request__household",
        ).values_list("refusal_side", flat=True)
    )
    rows = [Row(s.value, str(s.label), counts.get(s.value, 0)) for s in RefusalSide]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.admissions_by_kind",
    domain="siao",
    label=_("Entrées par type d'offre"),
    definition=_(
        "Entrées (admissions) pendant la période, par type d'offre de la structure d'accueil : le flux "
        "de la rue et du 115 vers l'hébergement, le logement adapté et le logement."
    ),
    unit=_("ménages"),
)
def admissions_by_kind(period: Period, territory: str | None) -> Result:
    counts = Counter(
        _in_territory(
            Proposal.objects.filter(admitted_on__gte=period.start, admitted_on__lte=period.end),
            territory,
            "request__household",
        ).values_list("vacancy__unit__facility__kind", flat=True)
    )
    rows = [Row(k.value, str(k.label), counts[k.value]) for k in FacilityKind if counts.get(k.value)]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.exits",
    domain="siao",
    label=_("Sorties par destination"),
    definition=_(
        "Sorties de structure ou de logement enregistrées pendant la période (date de sortie), par "
        "destination ; les sorties vers le logement autonome ou social sont les sorties vers le logement."
    ),
    unit=_("ménages"),
)
def exits(period: Period, territory: str | None) -> Result:
    counts = Counter(
        _in_territory(
            Proposal.objects.filter(exited_on__gte=period.start, exited_on__lte=period.end),
            territory,
            "request__household",
        ).values_list("exit_destination", flat=True)
    )
    rows = [Row(d.value, str(d.label), counts.get(d.value, 0)) for d in ExitDestination]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="siao.inter_department",
    domain="siao",
    label=_("Orientations vers un autre département"),
    definition=_(
        "Entrées pendant la période dans une structure ou un logement situé hors du département de "
        "rattachement du ménage, par département d'accueil (le rééquilibrage francilien)."
    ),
    unit=_("ménages"),
)
def inter_department(period: Period, territory: str | None) -> Result:
    admitted = _in_territory(
        Proposal.objects.filter(admitted_on__gte=period.start, admitted_on__lte=period.end).exclude(
            vacancy__unit__facility__territory=F("request__household__territory")
        ),
        territory,
        "request__household",
    )
    counts = Counter(admitted.values_list("vacancy__unit__facility__territory__code", flat=True))
    rows = [Row(code, code, n) for code, n in sorted(counts.items())]
    return Result(rows=rows, total=sum(r.value for r in rows))


# The same counts in two indicators: suppressed together (observatory.disclosure).
link(("siao.proposal_answers", "refused"), ("siao.refusals_by_side", TOTAL))
link(("siao.refusals_by_side", TOTAL), ("siao.refusals_by_reason", TOTAL))


# From a figure to the households behind it (observatory drill-down) -----------------------------


def _households_of(proposals):
    from parcours.households.models import Household

    return Household.objects.filter(pk__in=proposals.values("request__household_id"))


@drill("siao.requests_by_status")
def requests_by_status_files(period: Period, territory: str | None, key: str):
    from parcours.households.models import Household

    _start, end = period.bounds()
    last = RequestTransition.objects.filter(request_id=OuterRef("pk"), at__lt=end, kind="status").order_by(
        "-at", "-pk"
    )
    requests = _in_territory(InsertionRequest.objects.all(), territory, "household").annotate(
        status_then=Subquery(last.values("to_status")[:1])
    )
    return Household.objects.filter(pk__in=requests.filter(status_then=key).values("household_id"))


@drill("siao.admissions_by_kind")
def admissions_by_kind_files(period: Period, territory: str | None, key: str):
    admitted = Proposal.objects.filter(
        admitted_on__gte=period.start, admitted_on__lte=period.end, vacancy__unit__facility__kind=key
    )
    return _households_of(_in_territory(admitted, territory, "request__household"))


@drill("siao.exits")
def exits_files(period: Period, territory: str | None, key: str):
    exited = Proposal.objects.filter(
        exited_on__gte=period.start, exited_on__lte=period.end, exit_destination=key
    )
    return _households_of(_in_territory(exited, territory, "request__household"))


@drill("siao.refusals_by_reason")
def refusals_by_reason_files(period: Period, territory: str | None, key: str):
    start, end = period.bounds()
    refused = Proposal.objects.filter(
        status=P.REFUSED, answered_at__gte=start, answered_at__lt=end, refusal_reason__code=key
    )
    return _households_of(_in_territory(refused, territory, "request__household"))


@drill("siao.inter_department")
def inter_department_files(period: Period, territory: str | None, key: str):
    admitted = Proposal.objects.filter(
        admitted_on__gte=period.start,
        admitted_on__lte=period.end,
        vacancy__unit__facility__territory__code=key,
    ).exclude(vacancy__unit__facility__territory=F("request__household__territory"))
    return _households_of(_in_territory(admitted, territory, "request__household"))
