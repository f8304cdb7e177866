"""Observatory pages: the summary (headline figures by theme), one page per theme, one indicator with
its comparison between départements, exports of any table, and the monthly open-data file."""

import datetime as dt

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import perms, services
from .catalogue import TOTAL, Period, by_domain
from .disclosure import fixed_month, fixed_month_note
from .forms import FIRST_DAY, LAST_DAY, PeriodForm, default_period, region_territories
from .themes import BY_DOMAIN, BY_SLUG, THEMES


def _filters(request, territories: list[tuple[str, str]] | None = None):
    """The form, the period, the département and, when the period asked for was replaced by a whole
    closed month (for those who see aggregates only, design §5 rule 5), a note saying so.

    The form shown back holds the period and département applied, not the ones typed: the date
    fields never look empty while a period is on screen, nor show dates that were replaced."""
    territories = region_territories() if territories is None else territories
    form = PeriodForm(request.GET or None, territories=territories)
    if form.is_bound and form.is_valid():
        period, territory = form.cleaned_data["period"], form.cleaned_data["territory"]
    else:
        period, territory = default_period(), None
    note = None
    if not perms.sees_small_cells(request.user, territory):
        fixed = fixed_month(period)
        if fixed != period and form.is_bound and (form.data.get("start") or form.data.get("end")):
            note = fixed_month_note(fixed)
        period = fixed
    if not (form.is_bound and form.errors):
        applied = {"start": period.start, "end": period.end, "territory": territory or ""}
        form = PeriodForm(initial=applied, territories=territories)
    return form, period, territory, note


def _carried(period: Period, territory: str | None) -> str:
    """The applied filters as a query string, carried by every link between observatory pages."""
    query = QueryDict(mutable=True)
    query["start"], query["end"] = period.start.isoformat(), period.end.isoformat()
    if territory:
        query["territory"] = territory
    return query.urlencode()


def _chart(ind, result) -> dict:
    return {
        "type": ind.chart,
        "label": str(ind.label),
        "unit": str(ind.unit),
        "labels": [r.label for r in result.rows],
        "values": [r.value for r in result.rows],
    }


def _drillable(request, ind) -> bool:
    from .catalogue import DRILLS

    return ind.code in DRILLS and perms.can_drill(request.user)


class _Reader:
    """One request's reading of the catalogue: every indicator through services.figures, with one
    cache so that a family of linked indicators is computed and protected once per page."""

    def __init__(self, request, period, territory, territories):
        self.request, self.period, self.territory = request, period, territory
        self.small = perms.sees_small_cells(request.user, territory)
        self.territories = territories
        self.known = perms.small_cells_territory(request.user)
        self.cache: dict = {}
        self.results: dict = {}

    def result(self, code: str):
        if code not in self.results:
            self.results[code] = services.figures(
                services.indicator(code),
                self.period,
                self.territory,
                small_cells=self.small,
                territories=self.territories,
                cache=self.cache,
                known=self.known,
            )
        return self.results[code]

    def block(self, ind) -> dict:
        result = self.result(ind.code)
        return {
            "indicator": ind,
            "result": result,
            "chart": _chart(ind, result),
            "drillable": _drillable(self.request, ind),
        }

    def headline(self, headline) -> dict:
        """One headline figure: the cell of a protected table, hidden wherever that table hides it."""
        ind, result = services.indicator(headline.code), self.result(headline.code)
        if headline.key == TOTAL:
            value, suppressed, complement = result.total, result.total_suppressed, result.total_complement
        else:
            row = next((r for r in result.rows if r.key == headline.key), None)
            value, suppressed, complement = (
                (row.value, row.suppressed, row.complement) if row else (None, False, False)
            )
        return {
            "label": headline.label,
            "indicator": ind,
            # "< 11 demandes" reads right; "masqué jours" or "— %" do not.
            "unit": headline.unit or ind.unit
            if value is not None or (suppressed and ind.counts_people and not complement)
            else "",
            "value": value,
            "suppressed": suppressed,
            "complement": complement,
        }


def _context(form, period, territory, note, reader, **extra) -> dict:
    return {
        "form": form,
        "period": period,
        "territory": territory,
        "threshold": services.threshold(),
        "small_cells": reader.small,
        "period_note": note,
        "query": _carried(period, territory),
        "themes": THEMES,
        **extra,
    }


def dashboard(request):
    """The summary: each theme's headline figures and main chart, with links to its page."""
    if not perms.can_view_observatory(request.user):
        raise Http404
    territories = region_territories()
    form, period, territory, note = _filters(request, territories)
    reader = _Reader(request, period, territory, territories)
    domains = by_domain()
    sections = []
    for theme in THEMES:
        indicators = domains.get(theme.domain, [])
        if not indicators:
            continue
        sections.append(
            {
                "theme": theme,
                "indicators": indicators,
                "headlines": [reader.headline(h) for h in theme.headlines],
                "block": reader.block(services.indicator(theme.chart)),
            }
        )
    return render(
        request,
        "observatory/dashboard.html",
        _context(
            form,
            period,
            territory,
            note,
            reader,
            sections=sections,
            current="summary",
            crumbs=[(_("Observatoire"), None)],
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


def theme_detail(request, slug):
    """One theme: every indicator of its domain, each chart with its table."""
    if not perms.can_view_observatory(request.user) or slug not in BY_SLUG:
        raise Http404
    theme = BY_SLUG[slug]
    territories = region_territories()
    form, period, territory, note = _filters(request, territories)
    reader = _Reader(request, period, territory, territories)
    blocks = [reader.block(ind) for ind in by_domain().get(theme.domain, [])]
    return render(
        request,
        "observatory/theme.html",
        _context(
            form,
            period,
            territory,
            note,
            reader,
            theme=theme,
            blocks=blocks,
            current=theme.slug,
            crumbs=[
                (_("Observatoire"), reverse("observatory:dashboard") + "?" + _carried(period, territory)),
                (theme.label, None),
            ],
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


def _get(code):
    try:
        return services.indicator(code)
    except services.UnknownIndicator:
        raise Http404 from None


def indicator_detail(request, code):
    if not perms.can_view_observatory(request.user):
        raise Http404
    ind = _get(code)
    territories = region_territories()
    form, period, territory, note = _filters(request, territories)
    small = perms.sees_small_cells(request.user, territory)
    cache: dict = {}
    known = perms.small_cells_territory(request.user)
    result = services.figures(
        ind, period, territory, small_cells=small, territories=territories, cache=cache, known=known
    )
    compared = services.comparison(ind, period, territories, cache=cache, known=known)
    query, theme = _carried(period, territory), BY_DOMAIN.get(ind.domain)
    theme_crumb = (
        [(theme.label, reverse("observatory:theme", args=[theme.slug]) + "?" + query)] if theme else []
    )
    return render(
        request,
        "observatory/indicator.html",
        {
            "form": form,
            "indicator": ind,
            "period": period,
            "territory": territory,
            "result": result,
            "chart": _chart(ind, result),
            "drillable": _drillable(request, ind),
            "compared": compared,
            "compared_chart": _chart(ind, compared),
            "threshold": services.threshold(),
            "small_cells": small,
            "period_note": note,
            "query": query,
            "crumbs": [
                (_("Observatoire"), reverse("observatory:dashboard") + "?" + query),
                *theme_crumb,
                (str(ind.label), None),
            ],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def indicator_export(request, code, fmt):
    if not perms.can_view_observatory(request.user) or fmt not in services.FORMATS:
        raise Http404
    ind = _get(code)
    form, period, territory, _note = _filters(request)
    if form.is_bound and form.errors:
        return render(request, "400.html", {"message": " ".join(form.non_field_errors())}, status=400)
    result = services.figures(
        ind,
        period,
        territory,
        small_cells=perms.sees_small_cells(request.user, territory),
        known=perms.small_cells_territory(request.user),
    )
    content = services.export(services.as_dataset(ind, result, period=period, territory=territory), fmt)
    response = HttpResponse(content, content_type=services.FORMATS[fmt][0])
    name = f"{ind.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}{'-' + territory if territory else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def open_data(request, year: int, month: int, fmt: str):
    """The monthly open-data file: whole month, whole départements, small cells suppressed."""
    if not perms.can_view_observatory(request.user) or fmt not in services.FORMATS or not 1 <= month <= 12:
        raise Http404
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise Http404
    # Only closed months: the month under way changes every day, and two days could be subtracted.
    if dt.date(year, month, 1) >= timezone.localdate().replace(day=1):
        raise Http404
    known = perms.small_cells_territory(request.user)
    content = services.export(services.open_data(year, month, region_territories(), known=known), fmt)
    response = HttpResponse(content, content_type=services.FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="parcours-opendata-{year}-{month:02d}.{fmt}"'
    return response


def drill_down(request, code, key):
    """The households behind one figure, as far as the reader may open them (audited as a list)."""
    from django.core.paginator import Paginator

    from parcours.households.models import Household, with_people
    from parcours.households.services import record_reads

    from .catalogue import DRILLS

    if not perms.can_drill(request.user) or code not in DRILLS:
        raise Http404
    ind = _get(code)
    form, period, territory, _note = _filters(request)
    if form.is_bound and form.errors:
        return render(request, "400.html", {"message": " ".join(form.non_field_errors())}, status=400)
    behind = DRILLS[code](period, territory, key)
    households = (
        Household.objects.listable_by(request.user)
        .filter(pk__in=behind.values("pk"))
        .select_related("territory")
        .prefetch_related(*with_people(), "situations")
        .order_by("pk")
    )
    page = Paginator(households, 25).get_page(request.GET.get("page"))
    record_reads(actor=request.user, households=page, sections=["list"], purpose="observatory")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "observatory/drill.html",
        {
            "indicator": ind,
            "key": key,
            "period": period,
            "territory": territory,
            "page": page,
            "query": query.urlencode(),
            "crumbs": [
                (_("Observatoire"), reverse("observatory:dashboard")),
                (str(ind.label), reverse("observatory:indicator", args=[code]) + "?" + query.urlencode()),
                (_("Dossiers"), None),
            ],
        },
    )
