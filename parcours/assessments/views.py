"""Assessment pages: the co-evaluation, a new version, one version, a comparison, the fiche de liaison."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households.models import Household, Person
from parcours.households.services import record_read
from parcours.territories.models import Territory

from . import perms, services
from .forms import AssessmentForm
from .models import Assessment, AssessmentGrid, FieldType, Level, Perspective

READ_SECTIONS = ["assessment"]
# The fiche de liaison is the shared sheet (design §5): identity, composition, resources summary,
# assessment and recommendations; never identifiers, whereabouts or consent details.
LIAISON_SECTIONS = ["identity", "composition", "resources_summary", "assessment"]


def _household(request, household_id: int) -> Household:
    """The household, if the user may read its assessments (the sheet opened to them holds them)."""
    household = get_visible_or_404(
        Household.objects.select_related("territory").prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("pk")), "consents"
        ),
        household_id,
        request.user,
    )
    if not perms.can_view_assessments(request.user, household):
        raise Http404
    return household


def _name(household: Household) -> str:
    head = household.head
    return f"{head.first_name} {head.last_name}" if head else str(household)


def _crumbs(household: Household, *more):
    return [
        (_("Ménages"), reverse("households:list")),
        (_name(household), reverse("households:detail", kwargs={"pk": household.pk})),
        *more,
    ]


def _index_crumb(household: Household):
    return (_("Évaluation partagée"), reverse("assessments:index", kwargs={"household_id": household.pk}))


def _grid(grid_id=None) -> AssessmentGrid:
    grids = AssessmentGrid.objects.with_content()
    grid = grids.filter(pk=grid_id).first() if grid_id else grids.current()
    if grid is None:
        raise Http404
    return grid


def values_display(fields: list[dict], values: dict) -> list[tuple[str, str]]:
    """Structured values as (label, text) in the field order of the grid, for reading and printing."""
    shown = []
    for field in fields:
        value = values.get(field["code"])
        if value is None or value == "":
            continue
        kind = field["type"]
        if kind == FieldType.MONEY:
            text = f"{formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)} €"
        elif kind == FieldType.DATE:
            text = formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        elif kind == FieldType.BOOLEAN:
            text = _("Oui") if value else _("Non")
        elif kind == FieldType.CHOICE:
            text = next((c["label"] for c in field.get("choices", []) if c["code"] == value), value)
        else:
            text = str(value)
        shown.append((field["label"], text))
    return shown


def _cell(item, answer) -> dict:
    """One item as one perspective answered it; a missing answer reads as not assessed."""
    if answer is None:
        return {
            "level": Level.NOT_ASSESSED,
            "level_label": Level.NOT_ASSESSED.label,
            "comment": "",
            "values": [],
        }
    return {
        "level": answer.level,
        "level_label": answer.get_level_display(),
        "comment": answer.comment,
        "values": values_display(item.fields, answer.values),
    }


def _rows(grid: AssessmentGrid, assessments: list) -> list[dict]:
    """Sections and items of the grid, each item with one cell per assessment given (None: no version)."""
    by_item = [a.answers_by_item() if a is not None else None for a in assessments]
    return [
        {
            "section": section,
            "items": [
                {
                    "item": item,
                    "cells": [
                        _cell(item, answers.get(item.code)) if answers is not None else None
                        for answers in by_item
                    ],
                }
                for item in section.items.all()
            ],
        }
        for section in grid.sections.all()
    ]


def _section_values(grid: AssessmentGrid, assessment) -> list[tuple[str, str]]:
    if assessment is None:
        return []
    shown = []
    for section in grid.sections.all():
        shown += values_display(section.fields, assessment.section_answers.get(section.code, {}))
    return shown


def _version_label(assessment: Assessment) -> str:
    return _("%(perspective)s — version %(number)s du %(date)s") % {
        "perspective": assessment.get_perspective_display(),
        "number": assessment.number,
        "date": formats.date_format(assessment.created_at, "SHORT_DATE_FORMAT"),
    }


def index(request, household_id):
    household = _household(request, household_id)
    grid = _grid()
    versions = list(Assessment.objects.with_answers().filter(household=household).order_by("-number", "-pk"))
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    latest = {}
    for assessment in versions:
        latest.setdefault(assessment.perspective, assessment)
    perspectives = [
        {
            "code": code,
            "label": label,
            "latest": latest.get(code),
            "versions": [a for a in versions if a.perspective == code],
            "sections": _section_values(grid, latest.get(code)),
        }
        for code, label in Perspective.choices
    ]
    writable = perms.writable_perspectives(request.user, household)
    return render(
        request,
        "assessments/index.html",
        {
            "household": household,
            "name": _name(household),
            "grid": grid,
            "perspectives": perspectives,
            "rows": _rows(grid, [p["latest"] for p in perspectives]),
            "writable": [p for p in perspectives if p["code"] in writable],
            "comparable": [
                (a.pk, _version_label(a))
                for a in sorted(versions, key=lambda a: (Perspective.values.index(a.perspective), -a.number))
            ],
            "crumbs": _crumbs(household, (_("Évaluation partagée"), None)),
        },
    )


def create(request, household_id, perspective):
    household = _household(request, household_id)
    if perspective not in Perspective.values:
        raise Http404
    if not perms.can_write_assessment(request.user, household, perspective):
        raise PermissionDenied  # the form is not shown; the service refuses the write itself
    grid = _grid()
    latest = (
        Assessment.objects.with_answers()
        .filter(household=household, perspective=perspective)
        .order_by("-number")
        .first()
    )
    territories = Territory.objects.order_by("code")
    form_kwargs = {"grid": grid, "territories": territories, "latest": latest}
    form = AssessmentForm(request.POST or None, **form_kwargs)
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = services.assessment_save(
                    actor=request.user,
                    household=household,
                    perspective=perspective,
                    **form.service_arguments(),
                )
            except StaleVersionError as exc:
                # Someone saved a version meanwhile: keep what was typed, now based on that version,
                # and say which one to read before saving again.
                data = request.POST.copy()
                data["based_on"] = str(exc.current_version)
                form = AssessmentForm(data, **form_kwargs)
                conflict = Assessment.objects.filter(
                    household=household, perspective=perspective, number=exc.current_version
                ).first()
                status = 409
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("assessments:detail", household_id=household.pk, pk=assessment.pk)
        if form.errors:
            status = 400
    # The form names the household even when it holds no earlier version: always a read (rule 7).
    shown = READ_SECTIONS if latest is not None or conflict is not None else ["identity"]
    record_read(actor=request.user, household=household, sections=shown, purpose="assessment")
    label = Perspective(perspective).label
    return render(
        request,
        "assessments/form.html",
        {
            "household": household,
            "name": _name(household),
            "form": form,
            "perspective": perspective,
            "perspective_label": label,
            "latest": latest,
            "conflict": conflict,
            "crumbs": _crumbs(household, _index_crumb(household), (_("Nouvelle évaluation"), None)),
        },
        status=status,
    )


def detail(request, household_id, pk):
    household = _household(request, household_id)
    assessment = Assessment.objects.with_answers().filter(household=household, pk=pk).first()
    if assessment is None:
        raise Http404
    grid = _grid(assessment.grid_id)
    numbers = dict(
        Assessment.objects.filter(household=household, perspective=assessment.perspective).values_list(
            "number", "pk"
        )
    )
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    return render(
        request,
        "assessments/detail.html",
        {
            "household": household,
            "name": _name(household),
            "assessment": assessment,
            "rows": _rows(grid, [assessment]),
            "section_values": _section_values(grid, assessment),
            "previous_pk": numbers.get(assessment.number - 1),
            "next_pk": numbers.get(assessment.number + 1),
            "crumbs": _crumbs(household, _index_crumb(household), (_version_label(assessment), None)),
        },
    )


def compare(request, household_id):
    household = _household(request, household_id)
    try:
        pks = [int(request.GET.get("avant", "")), int(request.GET.get("apres", ""))]
    except ValueError:
        raise Http404 from None
    found = {a.pk: a for a in Assessment.objects.with_answers().filter(household=household, pk__in=pks)}
    if len(found) != len(set(pks)):
        raise Http404
    older, newer = found[pks[0]], found[pks[1]]
    diff = services.assessment_diff(older, newer)
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    rows = [
        {
            "change": change,
            "before": _cell(change.item, change.before),
            "after": _cell(change.item, change.after),
        }
        for change in diff.items
    ]
    return render(
        request,
        "assessments/compare.html",
        {
            "household": household,
            "name": _name(household),
            "diff": diff,
            "rows": rows,
            "older_label": _version_label(older),
            "newer_label": _version_label(newer),
            "crumbs": _crumbs(household, _index_crumb(household), (_("Comparaison"), None)),
        },
    )


def liaison_data(household: Household) -> dict:
    """What the fiche de liaison shows (the shared sheet): also the page a partner reaches through a
    signed link. The caller records the read."""
    assessment = (
        Assessment.objects.with_answers()
        .filter(household=household, perspective=Perspective.WORKER)
        .order_by("-number")
        .first()
    )
    grid = _grid(assessment.grid_id if assessment else None)
    return {
        "household": household,
        "name": _name(household),
        # Only the people in the household now: someone who left is none of the partner's business.
        "people": sorted(household.members, key=lambda p: p.pk),
        "monthly_resources": household.monthly_resources,
        "assessment": assessment,
        "rows": _rows(grid, [assessment]) if assessment else [],
        "section_values": _section_values(grid, assessment),
        "today": timezone.localdate(),
    }


def liaison(request, household_id):
    household = _household(request, household_id)
    data = liaison_data(household)
    record_read(actor=request.user, household=household, sections=LIAISON_SECTIONS, purpose="assessment")
    return render(
        request,
        "assessments/liaison.html",
        {**data, "crumbs": _crumbs(household, _index_crumb(household), (_("Fiche de liaison"), None))},
    )
