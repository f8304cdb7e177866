"""The 115's indicators for the observatory (design §7), in the manner of the Baromètre du 115.

Night-by-night figures come from the nightly rollup (`NightFigures`, written by the rollover when a
night closes), so that a month reads thirty rows per département whatever the number of requests;
distinct households and persons over a period are counted in SQL on the requests themselves (a sum of
nights would count the same person every night)."""

from collections import Counter

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from parcours.observatory.catalogue import TOTAL, Period, Result, Row, link, register
from parcours.territories.models import Territory

from .choices import RequestStatus, UnmetReason
from .models import EmergencyRequest, NightFigures


def _nights(period: Period, territory: str | None):
    qs = NightFigures.objects.filter(night__range=(period.start, period.end))
    return qs.filter(territory__code=territory) if territory else qs


def _by_night(period: Period, territory: str | None, field: str) -> Result:
    totals = {
        row["night"]: row["n"]
        for row in _nights(period, territory).values("night").annotate(n=Sum(field)).order_by()
    }
    rows = [
        Row(day.isoformat(), day.strftime("%d/%m"), totals.get(day, 0))
        for day in period.days
        if day in totals
    ]
    return Result(rows=rows, total=sum(r.value for r in rows))


@register(
    code="115.requests_by_night",
    domain="115",
    label=_("Demandes au 115 par nuit"),
    definition=_(
        "Demandes d'hébergement d'urgence par nuit (hors demandes annulées), nuits closes seulement "
        "(chiffres figés par la clôture de la nuit) ; le total est la somme des nuits."
    ),
    unit=_("demandes"),
    chart="line",
)
def requests_by_night(period: Period, territory: str | None) -> Result:
    return _by_night(period, territory, "requests")


@register(
    code="115.unmet_by_night",
    domain="115",
    label=_("Demandes non pourvues (DNP) par nuit"),
    definition=_(
        "Demandes restées sans place pour la nuit (DNP, quel qu'en soit le motif), par nuit close ; "
        "le total est la somme des nuits."
    ),
    unit=_("demandes"),
    chart="line",
)
def unmet_by_night(period: Period, territory: str | None) -> Result:
    return _by_night(period, territory, "unmet")


def _period_sums(period: Period, territory: str | None) -> dict:
    return _nights(period, territory).aggregate(
        requests=Sum("requests"),
        unmet=Sum("unmet"),
        family=Sum("family_requests"),
        persons=Sum("persons"),
        children=Sum("children"),
    )


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


@register(
    code="115.rates",
    domain="115",
    label=_("Taux de demandes non pourvues, part des familles et des enfants"),
    definition=_(
        "Sur les nuits closes de la période : part des demandes non pourvues parmi les demandes ; part "
        "des demandes de familles (au moins un enfant) ; part des enfants parmi les personnes comptées "
        "nuit par nuit."
    ),
    unit="%",
    counts_people=False,
)
def rates(period: Period, territory: str | None) -> Result:
    sums = _period_sums(period, territory)

    def share(key, label, part, whole):
        return Row(key, str(label), _percent(sums[part], sums[whole]), base=sums[whole], part=sums[part])

    return Result(
        rows=[
            share("unmet_rate", _("demandes non pourvues"), "unmet", "requests"),
            share("family_share", _("demandes de familles"), "family", "requests"),
            share("children_share", _("enfants parmi les personnes"), "children", "persons"),
        ]
    )


def _requests(period: Period, territory: str | None):
    qs = EmergencyRequest.objects.filter(night__range=(period.start, period.end)).exclude(
        status=RequestStatus.CANCELLED
    )
    if territory:
        # By id, not through a join on the code: the planner then estimates the rows of the
        # (territory, night) index right and reads a month there instead of scanning the table.
        territory_id = Territory.objects.filter(code=territory).values_list("pk", flat=True).first()
        qs = qs.filter(territory_id=territory_id)
    return qs


def _people(qs) -> dict:
    """Requests, then households and persons counted once over the period — an identified household
    with its largest composition, an anonymous request as one household of its own — for all the
    requests and for the unmet ones, in two queries."""
    unmet = Q(status=RequestStatus.UNMET)
    anonymous = qs.filter(household__isnull=True).aggregate(
        a_requests=Count("pk"),
        a_persons=Sum("persons"),
        a_unmet=Count("pk", filter=unmet),
        a_unmet_persons=Sum("persons", filter=unmet),
    )
    named = (
        qs.filter(household__isnull=False)
        .values("household_id")
        .annotate(largest=Max("persons"), largest_unmet=Max("persons", filter=unmet), asked=Count("pk"))
        .aggregate(
            n_households=Count("household_id"),
            n_persons=Sum("largest"),
            n_unmet=Count("largest_unmet"),
            n_unmet_persons=Sum("largest_unmet"),
            n_requests=Sum("asked"),
        )
    )
    return {
        "requests": (named["n_requests"] or 0) + anonymous["a_requests"],
        "households": (named["n_households"] or 0) + anonymous["a_requests"],
        "persons": (named["n_persons"] or 0) + (anonymous["a_persons"] or 0),
        "unmet_households": (named["n_unmet"] or 0) + anonymous["a_unmet"],
        "unmet_persons": (named["n_unmet_persons"] or 0) + (anonymous["a_unmet_persons"] or 0),
    }


@register(
    code="115.requests_and_people",
    domain="115",
    label=_("Demandes, ménages et personnes distincts"),
    definition=_(
        "Sur la période : nombre de demandes (une par ménage et par nuit), puis de ménages et de "
        "personnes distincts (chaque ménage compté une fois avec sa plus grande composition, chaque "
        "demande anonyme comme un ménage) ; le Baromètre du 115 compare les deux."
    ),
    unit=_("nombre"),
)
def requests_and_people(period: Period, territory: str | None) -> Result:
    figures = _people(_requests(period, territory))
    labels = {
        "requests": _("demandes"),
        "households": _("ménages distincts"),
        "persons": _("personnes distinctes"),
        "unmet_households": _("ménages sans place au moins une nuit"),
        "unmet_persons": _("personnes sans place au moins une nuit"),
    }
    return Result(rows=[Row(key, str(label), figures[key]) for key, label in labels.items()])


@register(
    code="115.unmet_by_reason",
    domain="115",
    label=_("Demandes non pourvues par motif"),
    definition=_(
        "Demandes non pourvues des nuits closes de la période, par motif codé (nuits additionnées)."
    ),
    unit=_("demandes"),
)
def unmet_by_reason(period: Period, territory: str | None) -> Result:
    counts: Counter = Counter()
    for reasons in _nights(period, territory).values_list("unmet_by_reason", flat=True):
        counts.update(reasons or {})
    labels = dict(UnmetReason.choices)
    rows = [Row(code, str(labels.get(code, code)), n) for code, n in counts.most_common()]
    return Result(rows=rows, total=sum(r.value for r in rows))


# The same counts in two indicators: suppressed together (observatory.disclosure).
link(("115.requests_by_night", TOTAL), ("115.requests_and_people", "requests"))
link(("115.unmet_by_night", TOTAL), ("115.unmet_by_reason", TOTAL))
