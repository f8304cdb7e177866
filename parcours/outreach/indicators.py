"""Outreach's indicators for the observatory (registry: parcours.observatory.catalogue), with their
written definitions (docs/aller-vers.md). Counts are of encounters, people, households and
signalements: the observatory suppresses the small ones for whoever sees aggregates only."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from parcours.observatory.catalogue import Period, Result, Row, register

from .choices import Need, ReportStatus
from .models import Encounter, SignalementEvent


def _encounters(period: Period, territory: str | None):
    start, end = period.bounds()
    qs = Encounter.objects.filter(met_at__gte=start, met_at__lt=end)
    return qs.filter(territory__code=territory) if territory else qs


@register(
    code="outreach.people_met",
    domain="outreach",
    label=_("Personnes rencontrées par l'aller-vers"),
    definition=_(
        "Rencontres enregistrées par les équipes d'aller-vers (maraudes, équipes mobiles, accueils de "
        "jour) sur la période, dans le département de la commune de la rencontre ; personnes rencontrées "
        "(somme des personnes de chaque rencontre : une personne revue deux fois compte deux fois) ; "
        "ménages connus distincts (rencontres liées à un dossier, chaque ménage une fois) ; rencontres "
        "sans dossier (un surnom, sans nom)."
    ),
    unit=_("rencontres, personnes, ménages"),
)
def people_met(period: Period, territory: str | None) -> Result:
    figures = _encounters(period, territory).aggregate(
        encounters=Count("pk"),
        persons=Sum("persons"),
        households=Count("household", distinct=True),
        anonymous=Count("pk", filter=Q(household__isnull=True)),
    )
    return Result(
        rows=[
            Row("encounters", str(_("Rencontres")), figures["encounters"]),
            Row("persons", str(_("Personnes rencontrées")), figures["persons"] or 0),
            Row("households", str(_("Ménages connus distincts")), figures["households"]),
            Row("anonymous", str(_("Rencontres sans dossier")), figures["anonymous"]),
        ]
    )


@register(
    code="outreach.needs",
    domain="outreach",
    label=_("Besoins exprimés lors des rencontres"),
    definition=_(
        "Pour chaque besoin (mise à l'abri, alimentation, hygiène, santé, accès aux droits, papiers, "
        "autre), le nombre de rencontres de la période où il a été exprimé ; une rencontre peut en "
        "exprimer plusieurs, les lignes ne s'additionnent pas."
    ),
    unit=_("rencontres"),
)
def needs(period: Period, territory: str | None) -> Result:
    counts = dict.fromkeys(Need.values, 0)
    for codes in _encounters(period, territory).values_list("needs", flat=True):
        for code in codes:
            if code in counts:
                counts[code] += 1
    return Result(rows=[Row(code, str(label), counts[code]) for code, label in Need.choices])


@register(
    code="outreach.to_115",
    domain="outreach",
    label=_("Rencontres suivies d'une demande 115, et d'une place"),
    definition=_(
        "Rencontres de la période transformées en demande au 115 depuis Parcours, et parmi elles celles "
        "dont la demande a obtenu une place (attribuée, même rendue ensuite) ; les demandes passées par "
        "téléphone sans Parcours n'y sont pas."
    ),
    unit=_("rencontres"),
)
def to_115(period: Period, territory: str | None) -> Result:
    figures = _encounters(period, territory).aggregate(
        requests=Count("pk", filter=Q(emergency_request__isnull=False)),
        placed=Count("pk", filter=Q(emergency_request__allocations__isnull=False), distinct=True),
    )
    return Result(
        rows=[
            Row("requests", str(_("Demandes 115 faites")), figures["requests"]),
            Row("placed", str(_("dont avec une place")), figures["placed"]),
        ]
    )


@register(
    code="outreach.reports",
    domain="outreach",
    label=_("Signalements reçus et leur suite"),
    definition=_(
        "Signalements du public et des partenaires : reçus sur la période (date de réception), puis, "
        "parmi les étapes franchies sur la période, confiés à une équipe, inscrits à une tournée, "
        "traités (l'équipe est passée) et clos sans suite. Un signalement compte une fois par étape."
    ),
    unit=_("signalements"),
)
def reports(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    events = SignalementEvent.objects.filter(at__gte=start, at__lt=end)
    if territory:
        events = events.filter(signalement__territory__code=territory)
    # One query: a signalement's first step is its reception (workflow.created), dated when it came.
    steps = dict(
        events.values("to_status")
        .annotate(n=Count("signalement", distinct=True))
        .values_list("to_status", "n")
    )
    labels = {ReportStatus.RECEIVED: _("Reçus")}
    return Result(
        rows=[
            Row(status, str(labels.get(status, label)), steps.get(status, 0))
            for status, label in ReportStatus.choices
        ]
    )
