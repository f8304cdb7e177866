"""Observatory pages: the dashboard by domain, one indicator with its comparison between départements,
exports of any table, and the monthly open-data file."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import perms, services
from .catalogue import by_domain
from .disclosure import fixed_month, fixed_month_note
from .forms import FIRST_DAY, LAST_DAY, PeriodForm, default_period, region_territories

DOMAIN_LABELS = {
    "115": "115",
    "siao": gettext_lazy("Orientation (SIAO)"),
    "support": gettext_lazy("Accompagnement"),
}


def _filters(request):
    """The form, the period, the département and, when the period asked for was replaced by a whole
    closed month (for those who see aggregates only, design §5 rule 5), a note saying so."""
    form = PeriodForm(request.GET or None)
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
    return form, period, territory, note


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


def dashboard(request):
    if not perms.can_view_observatory(request.user):
        raise Http404
    form, period, territory, note = _filters(request)
    small = perms.sees_small_cells(request.user, territory)
    territories, cache, known = region_territories(), {}, perms.small_cells_territory(request.user)
    sections = []
    for domain, indicators in by_domain().items():
        blocks = []
        for ind in indicators:
            result = services.figures(
                ind, period, territory, small_cells=small, territories=territories, cache=cache, known=known
            )
            blocks.append(
                {
                    "indicator": ind,
                    "result": result,
                    "chart": _chart(ind, result),
                    "drillable": _drillable(request, ind),
                }
            )
        sections.append({"domain": domain, "label": DOMAIN_LABELS.get(domain, domain), "blocks": blocks})
    return render(
        request,
        "observatory/dashboard.html",
        {
            "form": form,
            "period": period,
            "territory": territory,
            "sections": sections,
            "threshold": services.threshold(),
            "small_cells": small,
            "period_note": note,
            "query": request.GET.urlencode(),
            "crumbs": [(_("Observatoire"), None)],
        },
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
    form, period, territory, note = _filters(request)
    small = perms.sees_small_cells(request.user, territory)
    territories = region_territories()
    cache: dict = {}
    known = perms.small_cells_territory(request.user)
    result = services.figures(
        ind, period, territory, small_cells=small, territories=territories, cache=cache, known=known
    )
    compared = services.comparison(ind, period, territories, cache=cache, known=known)
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
            "query": request.GET.urlencode(),
            "crumbs": [(_("Observatoire"), reverse("observatory:dashboard")), (str(ind.label), None)],
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

    from parcours.households.models import Household
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
        .prefetch_related("people", "situations")
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
