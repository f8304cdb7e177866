"""The observatory's themes: one page per domain of the catalogue, and the headline figures the
summary page shows for each, read from the same protected results as every other door."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .catalogue import TOTAL


@dataclass(frozen=True)
class Headline:
    code: str  # an indicator of the catalogue
    key: str  # one of its rows, or TOTAL for its total
    label: str
    unit: str | None = None  # when the indicator's own unit does not fit this one cell


@dataclass(frozen=True)
class Theme:
    slug: str  # in the URL
    domain: str  # Indicator.domain
    label: str
    headlines: tuple[Headline, ...]
    chart: str  # the indicator drawn on the summary page


THEMES: tuple[Theme, ...] = (
    Theme(
        slug="115",
        domain="115",
        label=_("115"),
        headlines=(
            Headline("115.requests_and_people", "requests", _("Demandes au 115"), _("demandes")),
            Headline("115.requests_and_people", "households", _("Ménages distincts"), _("ménages")),
            Headline("115.requests_and_people", "persons", _("Personnes distinctes"), _("personnes")),
            Headline("115.rates", "unmet_rate", _("Part des demandes non pourvues")),
        ),
        chart="115.requests_by_night",
    ),
    Theme(
        slug="orientation",
        domain="siao",
        label=_("Orientation (SIAO)"),
        headlines=(
            Headline("siao.requests_submitted", TOTAL, _("Demandes d'insertion transmises")),
            Headline("siao.admissions_by_kind", TOTAL, _("Entrées en hébergement ou logement")),
            Headline("siao.positive_response_rate", "rate", _("Taux de réponse positive")),
            Headline("siao.waiting_time", "median", _("Délai médian de la validation à l'entrée")),
        ),
        chart="siao.admissions_by_kind",
    ),
    Theme(
        slug="accompagnement",
        domain="support",
        label=_("Accompagnement"),
        headlines=(
            Headline("support.measures_open", TOTAL, _("Mesures d'accompagnement en cours")),
            Headline("support.durations", "median", _("Durée médiane des accompagnements clôturés")),
            Headline("support.alerts", "closed", _("Alertes de prévention closes")),
            Headline("support.alerts", "eviction_avoided", _("dont expulsions évitées")),
        ),
        chart="support.measures_open",
    ),
    Theme(
        slug="aller-vers",
        domain="outreach",
        label=_("Aller-vers"),
        headlines=(
            Headline("outreach.people_met", "encounters", _("Rencontres"), _("rencontres")),
            Headline("outreach.people_met", "persons", _("Personnes rencontrées"), _("personnes")),
            Headline("outreach.to_115", "requests", _("Demandes 115 depuis une rencontre"), _("demandes")),
            Headline("outreach.reports", "received", _("Signalements reçus"), _("signalements")),
        ),
        chart="outreach.needs",
    ),
)

BY_SLUG = {theme.slug: theme for theme in THEMES}
BY_DOMAIN = {theme.domain: theme for theme in THEMES}
