"""Home page panels of the observatory: for observers, the headline figures of the last closed month
(aggregated, small cells hidden as on the dashboard); for them and the network's administration, the
themes of indicators, each linked to its page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parcours.accounts.roles import Role
from parcours.core.home import Panel, Row, register

# (indicator, row key or None for the table's total, label, what is counted or None for the
# indicator's unit): the figures an observer reads first.
HEADLINES = (
    (
        "115.requests_and_people",
        "requests",
        gettext_lazy("Demandes au 115"),
        gettext_lazy("une par ménage et par nuit"),
    ),
    (
        "115.requests_and_people",
        "unmet_households",
        gettext_lazy("Ménages sans place au moins une nuit"),
        gettext_lazy("ménages distincts"),
    ),
    ("siao.requests_submitted", None, gettext_lazy("Demandes d'insertion transmises au SIAO"), None),
    ("siao.waiting_time", "median", gettext_lazy("Délai médian de la validation à l'admission"), None),
    ("support.measures_open", None, gettext_lazy("Mesures d'accompagnement en cours"), None),
)


SUPPRESSED = object()  # a figure hidden by the disclosure rules


def _value(result, key):
    from django.utils.formats import number_format

    if key is None:
        value, hidden = result.total, result.total_suppressed
    else:
        row = next((r for r in result.rows if r.key == key), None)
        if row is None:
            return None
        value, hidden = row.value, row.suppressed
    if hidden:
        return SUPPRESSED
    if value is None:
        return "—"
    return number_format(round(value, 1) if isinstance(value, float) else value, force_grouping=True)


@register(Role.OBSERVER, order=5)
def headline_figures(user, membership):
    from django.urls import reverse

    from . import perms, services
    from .catalogue import INDICATORS
    from .disclosure import last_closed_month
    from .forms import region_territories

    period = last_closed_month()
    small = perms.sees_small_cells(user, None)
    territories, cache, known = region_territories(), {}, perms.small_cells_territory(user)
    results, rows = {}, []
    query = f"?start={period.start.isoformat()}&end={period.end.isoformat()}"
    for code, key, label, counted in HEADLINES:
        indicator = INDICATORS.get(code)
        if indicator is None:
            continue
        if code not in results:
            results[code] = services.figures(
                indicator, period, None, small_cells=small, territories=territories, cache=cache, known=known
            )
        value = _value(results[code], key)
        if value is None:
            continue
        hidden = value is SUPPRESSED
        rows.append(
            Row(
                url=reverse("observatory:indicator", args=[code]) + query,
                label=str(label),
                reason=_("non publié : secret statistique") if hidden else str(counted or indicator.unit),
                value="—" if hidden else value,
            )
        )
    month = period.start
    from django.utils.formats import date_format

    return Panel(
        _("Les chiffres clés de %(month)s") % {"month": date_format(month, "F Y")},
        _(
            "Le dernier mois clos, sur tout le réseau : des chiffres agrégés, "
            "sans aucune donnée nominative ; "
            "chaque chiffre ouvre sa définition et son détail."
        ),
        rows=rows,
        empty=_("Aucun indicateur n'est encore défini."),
        link_url=reverse("observatory:dashboard"),
        link_label=_("Ouvrir l'observatoire"),
    )


@register(Role.OBSERVER, Role.NETWORK_ADMIN, order=10)
def indicators(user, membership):
    from django.urls import reverse

    from .catalogue import by_domain
    from .themes import THEMES

    domains = by_domain()
    dashboard = reverse("observatory:dashboard")
    return Panel(
        _("Indicateurs"),
        _("Les chiffres agrégés de l'observatoire par domaine, avec leurs définitions, tableaux et exports."),
        rows=[
            Row(
                url=reverse("observatory:theme", args=[theme.slug]),
                label=theme.label,
                value=ngettext("%(n)d indicateur", "%(n)d indicateurs", len(domains[theme.domain]))
                % {"n": len(domains[theme.domain])},
            )
            for theme in THEMES
            if domains.get(theme.domain)
        ],
        empty=_("Aucun indicateur n'est encore défini."),
        link_url=dashboard,
        link_label=_("Ouvrir l'observatoire"),
    )
